// Matches between two agents with alternating colours, and the Elo difference
// they imply with a 95% confidence interval.

import { pick, seededRng } from '../util/rng.js';
import type { Agent } from './agents.js';
import type { EvalState } from './state.js';

export interface EloEstimate {
  /** Elo of A minus Elo of B (±Infinity when one side scored everything). */
  elo: number;
  /** 95% confidence interval of the difference. */
  low: number;
  high: number;
}

export interface MatchResult extends EloEstimate {
  games: number;
  /** From A's point of view. */
  wins: number;
  draws: number;
  losses: number;
  /** (wins + draws / 2) / games */
  score: number;
}

function eloFromScore(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return 0 - 400 * Math.log10(1 / p - 1); // 0 - x: an even score is 0, not -0
}

/** Elo difference from a W/D/L record: logistic model, normal approximation of the mean game score. */
export function eloDifference(wins: number, draws: number, losses: number): EloEstimate {
  const n = wins + draws + losses;
  if (n === 0) return { elo: 0, low: -Infinity, high: Infinity };
  const p = (wins + draws / 2) / n;
  const variance = (wins * (1 - p) ** 2 + draws * (0.5 - p) ** 2 + losses * p ** 2) / n;
  const margin = 1.959964 * Math.sqrt(variance / n);
  return { elo: eloFromScore(p), low: eloFromScore(p - margin), high: eloFromScore(p + margin) };
}

export interface MatchOptions {
  games: number;
  seed: number;
  newGame: () => EvalState;
  /** Random plies at the start of each pair of games (same opening for both colours), for variety. */
  randomOpeningPlies?: number;
  onGame?: (done: number, total: number) => void;
}

/** Plays `games` games, A moving first in even-numbered games; openings are seeded. */
export async function playMatch(a: Agent, b: Agent, options: MatchOptions): Promise<MatchResult> {
  const rng = seededRng(options.seed);
  let wins = 0;
  let draws = 0;
  let losses = 0;
  let opening: EvalState = options.newGame();
  for (let g = 0; g < options.games; g++) {
    if (g % 2 === 0) {
      opening = options.newGame();
      for (let i = 0; i < (options.randomOpeningPlies ?? 0) && !opening.isTerminal(); i++) {
        opening.play(pick(opening.legalActions(), rng));
      }
    }
    const state = opening.clone();
    const aPlays = (state.toMove() + g) % 2; // A is the side to move after the opening in even games
    while (!state.isTerminal()) {
      const agent = state.toMove() === aPlays ? a : b;
      const action = await agent.chooseMove(state.clone());
      if (!state.legalActions().includes(action))
        throw new Error(`${agent.name} played illegal action ${action}`);
      state.play(action);
    }
    const winner = state.winner();
    if (winner === null) draws++;
    else if (winner === aPlays) wins++;
    else losses++;
    options.onGame?.(g + 1, options.games);
  }
  return {
    games: options.games,
    wins,
    draws,
    losses,
    score: (wins + draws / 2) / Math.max(1, options.games),
    ...eloDifference(wins, draws, losses),
  };
}
