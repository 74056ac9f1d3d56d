// The game metadata in the shapes other concerns take: the network's input/output sizes
// (inference) and a `game_metadata` row (replay).
import type { GameMetadata } from '../replay/index.js';
import { getGameInfo } from './metadata.js';

export interface GameShape {
  obsSize: number;
  numActions: number;
}

export function gameShape(envId: string): GameShape {
  const info = getGameInfo(envId);
  return { obsSize: info.obs_size, numActions: info.num_actions };
}

export function replayMetadata(envId: string): GameMetadata {
  const info = getGameInfo(envId);
  return {
    envId: info.env_id,
    displayName: info.display_name,
    boardWidth: info.board_width,
    boardHeight: info.board_height,
    numActions: info.num_actions,
    obsSize: info.obs_size,
    legalMaskOffset: info.legal_mask_offset,
    playerCount: info.player_count,
  };
}
