// Typed slice of the addon: the Connect4 perfect solver (native/solver).
import { loadAddon } from '../native/index.js';

/** Score of a position for the side to move, in Pascal Pons' convention. */
export type Score = number;

export interface Connect4Solver {
  /** Exact score (or its sign with weak = true) of a Pons move string ("4453"). */
  solve(moves: string, weak?: boolean): Score;
  /** Score of every column 0..6 (from the mover's view); null for a full column. */
  analyze(moves: string, weak?: boolean): (Score | null)[];
  /** Same as analyze, from a 42-cell board (row * 7 + col, row 0 = bottom; -1 empty, 0/1 owner). */
  analyzeCells(cells: Int8Array, weak?: boolean): (Score | null)[];
  /** Why a move string is not a solvable position, or null when it is. */
  validate(moves: string): string | null;
  clear(): void;
  resetNodeCount(): void;
  readonly nodeCount: number;
  readonly tableBytes: number;
}

interface SolverAddon {
  Connect4Solver: new (tableLog2?: number) => Connect4Solver;
}

export interface SolverOptions {
  /** log2 of the transposition table entries (5 bytes each), 18..30; default 23 (~40 MB). */
  tableLog2?: number;
}

export function createConnect4Solver(options: SolverOptions = {}): Connect4Solver {
  const addon = loadAddon() as unknown as SolverAddon;
  if (typeof addon.Connect4Solver !== 'function') {
    throw new Error(
      'this build of the native addon has no Connect4Solver; rebuild it (npm run build:native)',
    );
  }
  return new addon.Connect4Solver(options.tableLog2);
}

/** +1 win, 0 draw, -1 loss. */
export function wdl(score: Score): -1 | 0 | 1 {
  return score > 0 ? 1 : score < 0 ? -1 : 0;
}
