// Board cells read from the observation planes (DESIGN.md: [player 1 plane][player 2 plane]...,
// cell = row * width + col), so every game gets them without a per-game accessor.
import type { GameInfo } from './metadata.js';

/** Cell owners from an observation: -1 empty, 0 = player 1, 1 = player 2. */
export function cellOwners(info: GameInfo, observation: Float32Array): Int8Array {
  const cells = info.board_width * info.board_height;
  const out = new Int8Array(cells);
  for (let c = 0; c < cells; c++) out[c] = observation[c] === 1 ? 0 : observation[cells + c] === 1 ? 1 : -1;
  return out;
}
