// Games: metadata (no addon needed) and GameState over the C++ engines, plus
// the engine utilities every other concern uses (perft, symmetries, benchmark).
import { getGameInfo } from './metadata.js';
import { gamesAddon, type NativeGameInfo, type PlayoutBench, type SymmetryTables } from './native.js';

export { cellOwners } from './cells.js';
export { type GameInfo, gameIds, getGameInfo, isGameId, listGames, UnknownGameError } from './metadata.js';
export type { NativeGameInfo, PlayoutBench, SymmetryTables } from './native.js';
export { type GameShape, gameShape, replayMetadata } from './shapes.js';
export { GameState, type Player } from './state.js';

/** The metadata compiled into the addon (the C++ registry), for cross-checks. */
export function nativeGameMetadata(): NativeGameInfo[] {
  return gamesAddon().gameMetadata();
}

export interface PerftOptions {
  /** Count distinct positions at exactly `depth` plies instead of tree leaves. */
  distinct?: boolean;
}

/**
 * Leaves of the game tree cut at `depth` (a game that ends earlier is one leaf), or with
 * `distinct` the number of distinct positions at that ply. A bigint when above 2^53.
 */
export function perft(envId: string, depth: number, options: PerftOptions = {}): number | bigint {
  getGameInfo(envId);
  if (!Number.isInteger(depth) || depth < 0)
    throw new RangeError(`depth must be an integer >= 0, got ${depth}`);
  return gamesAddon().perft(envId, depth, options.distinct ?? false);
}

/** The C++ symmetry permutations (the trainer's augmentation must match them). */
export function symmetryTables(envId: string): SymmetryTables {
  getGameInfo(envId);
  return gamesAddon().symmetryTables(envId);
}

/** Applies symmetry `sym` to an observation (obs_size floats) into `out`. */
export function transformObservation(
  envId: string,
  sym: number,
  input: Float32Array,
  out: Float32Array,
): Float32Array {
  return gamesAddon().transformObservation(envId, sym, input, out);
}

/** Applies symmetry `sym` to a per-action vector (policy, visit counts) into `out`. */
export function transformPolicy(
  envId: string,
  sym: number,
  input: Float32Array,
  out: Float32Array,
): Float32Array {
  return gamesAddon().transformPolicy(envId, sym, input, out);
}

/** Uniformly random games played to the end in a C++ loop on the calling thread. */
export function benchRandomPlayouts(envId: string, count: number, seed = 1): PlayoutBench {
  getGameInfo(envId);
  return gamesAddon().benchRandomPlayouts(envId, count, seed);
}
