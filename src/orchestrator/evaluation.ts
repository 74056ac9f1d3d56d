// The loop's evaluation step: MCTS agents on the networks (not the raw nets) play the
// candidate against uniform random and against the current best, both colours.
import type { EvalState } from '../eval/index.js';
import { MctsAgent, playMatch, RandomAgent } from '../eval/index.js';
import { type ModelShape, OnnxModel } from '../inference/index.js';
import type { EvaluationOutcome, EvaluationRequest } from './loop.js';
import type { MatchResult } from './state.js';

export interface LoopEvaluatorOptions {
  envId: string;
  shape: ModelShape;
  newGame: () => EvalState;
  cPuct: number;
  seed: number;
  /** Random plies shared by each pair of games, so deterministic agents do not replay one game. */
  openingPlies: number;
  onGame?: (label: string, done: number, total: number) => void;
}

export function createLoopEvaluator(options: LoopEvaluatorOptions) {
  return async (request: EvaluationRequest): Promise<EvaluationOutcome> => {
    const candidate = await OnnxModel.load(request.candidatePath, options.shape);
    const best = request.bestPath ? await OnnxModel.load(request.bestPath, options.shape) : undefined;
    const agent = (model: OnnxModel, name: string) =>
      new MctsAgent(model, {
        envId: options.envId,
        simulations: request.simulations,
        cPuct: options.cPuct,
        name,
      });
    try {
      const seed = options.seed + request.iteration * 1009;
      const vsRandom =
        request.randomGames > 0
          ? toResult(
              await playMatch(agent(candidate, 'candidate'), new RandomAgent(seed), {
                games: request.randomGames,
                seed,
                newGame: options.newGame,
                onGame: (done, total) => options.onGame?.('vs random', done, total),
              }),
            )
          : null;
      const vsBest =
        best && request.games > 0
          ? toResult(
              await playMatch(agent(candidate, 'candidate'), agent(best, 'best'), {
                games: request.games,
                seed: seed + 1,
                newGame: options.newGame,
                randomOpeningPlies: options.openingPlies,
                onGame: (done, total) => options.onGame?.('vs best', done, total),
              }),
            )
          : null;
      return { vsRandom, vsBest };
    } finally {
      await candidate.release();
      await best?.release();
    }
  };
}

function toResult(match: { wins: number; draws: number; losses: number }): MatchResult {
  return { wins: match.wins, draws: match.draws, losses: match.losses };
}
