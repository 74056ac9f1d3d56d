// Promotion rule and simulation ramp: small pure functions so they are tested on their own.
import type { MatchResult } from './state.js';

/** Score of a match in [0, 1]: wins count 1, draws 1/2. */
export function matchScore(result: MatchResult): number {
  const games = result.wins + result.draws + result.losses;
  return games === 0 ? 0 : (result.wins + 0.5 * result.draws) / games;
}

/**
 * Promote the candidate when there is no best model yet, when gating is off (0 games),
 * or when its score against the best reaches the threshold.
 */
export function shouldPromote(vsBest: MatchResult | null, threshold: number): boolean {
  if (vsBest === null) return true;
  if (vsBest.wins + vsBest.draws + vsBest.losses === 0) return true;
  return matchScore(vsBest) >= threshold;
}

/** Simulations for an iteration (1-based): start + step per iteration after the first, capped at max. */
export function simulationsFor(iteration: number, start: number, step: number, max: number): number {
  return Math.min(Math.max(start, max), start + step * (iteration - 1));
}
