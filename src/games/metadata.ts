// Static game metadata per DESIGN.md (the `game_metadata` table). Kept in
// TypeScript so tools can list games without loading the addon; a test checks
// it against the C++ registry.

/** One row of the `game_metadata` table (plus the symmetry count). */
export interface GameInfo {
  env_id: string;
  display_name: string;
  board_width: number;
  board_height: number;
  num_actions: number;
  obs_size: number;
  legal_mask_offset: number;
  player_count: number;
  /** Board symmetries including the identity (index 0): 8 on square boards, 2 in Connect4. */
  num_symmetries: number;
}

const GAMES: readonly GameInfo[] = Object.freeze(
  [
    {
      env_id: 'tictactoe',
      display_name: 'Tic-Tac-Toe',
      board_width: 3,
      board_height: 3,
      num_actions: 9,
      obs_size: 29,
      legal_mask_offset: 18,
      player_count: 2,
      num_symmetries: 8,
    },
    {
      env_id: 'connect4',
      display_name: 'Connect Four',
      board_width: 7,
      board_height: 6,
      num_actions: 7,
      obs_size: 93,
      legal_mask_offset: 84,
      player_count: 2,
      num_symmetries: 2,
    },
    {
      env_id: 'othello',
      display_name: 'Othello',
      board_width: 8,
      board_height: 8,
      num_actions: 65,
      obs_size: 195,
      legal_mask_offset: 128,
      player_count: 2,
      num_symmetries: 8,
    },
    {
      env_id: 'othello6',
      display_name: 'Othello 6x6',
      board_width: 6,
      board_height: 6,
      num_actions: 37,
      obs_size: 111,
      legal_mask_offset: 72,
      player_count: 2,
      num_symmetries: 8,
    },
  ].map((g) => Object.freeze(g)),
);

/** Thrown for an env_id no game has; the message lists the valid ids. */
export class UnknownGameError extends Error {
  override name = 'UnknownGameError';
  constructor(readonly envId: string) {
    super(`unknown game "${envId}" (known: ${GAMES.map((g) => g.env_id).join(', ')})`);
  }
}

/** Every game, in registry order. */
export function listGames(): readonly GameInfo[] {
  return GAMES;
}

/** The ids of every game. */
export function gameIds(): string[] {
  return GAMES.map((g) => g.env_id);
}

export function isGameId(envId: string): boolean {
  return GAMES.some((g) => g.env_id === envId);
}

/** Metadata of one game; throws UnknownGameError listing the valid ids. */
export function getGameInfo(envId: string): GameInfo {
  const info = GAMES.find((g) => g.env_id === envId);
  if (!info) throw new UnknownGameError(envId);
  return info;
}
