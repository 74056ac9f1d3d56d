// The loop's evaluation step: MCTS agents on the networks (not the raw nets) play the
// candidate against uniform random and against the current best, both colours; optionally
// the candidate's solver mistake rate on a Pons positions file (Connect4), and the ladder
// matches of a promoted model against its predecessors.
import type { Connect4Solver, EvalState, PonsPosition } from '../eval/index.js';
import {
  createConnect4Solver,
  MctsAgent,
  mistakeRate,
  playMatch,
  RandomAgent,
  readPonsPositions,
} from '../eval/index.js';
import { type ModelShape, OnnxModel } from '../inference/index.js';
import type { EvaluationOutcome, EvaluationRequest, LadderMatchRequest } from './loop.js';
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
  // Read and built once per run: the positions file does not change, and the solver's
  // transposition table is worth keeping between iterations.
  let positions: { path: string; list: PonsPosition[] } | undefined;
  let solver: Connect4Solver | undefined;
  const positionsFor = (path: string) => {
    if (options.envId !== 'connect4') {
      throw new Error(
        `evaluation.positions is a Connect4 (Pons) positions file; this run's game is ${options.envId}`,
      );
    }
    if (positions?.path !== path) positions = { path, list: readPonsPositions(path) };
    return positions.list;
  };
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
      let candidateMistakes: number | null = null;
      if (request.positionsPath !== null) {
        const list = positionsFor(request.positionsPath);
        solver ??= createConnect4Solver();
        const report = await mistakeRate(agent(candidate, 'candidate'), list, solver, (done, total) =>
          options.onGame?.('mistake rate', done, total),
        );
        candidateMistakes = report.mistakeRate;
      }
      return { vsRandom, vsBest, mistakeRate: candidateMistakes };
    } finally {
      await candidate.release();
      await best?.release();
    }
  };
}

/** Ladder matches: MCTS agents on both models, both colours, seeded by the pair of iterations. */
export function createLadderMatcher(options: LoopEvaluatorOptions) {
  return async (request: LadderMatchRequest) => {
    const model = await OnnxModel.load(request.modelPath, options.shape);
    try {
      const opponent = await OnnxModel.load(request.opponentPath, options.shape);
      try {
        const agent = (m: OnnxModel, name: string) =>
          new MctsAgent(m, {
            envId: options.envId,
            simulations: request.simulations,
            cPuct: options.cPuct,
            name,
          });
        const label = `ladder ${request.iteration} vs ${request.opponentIteration}`;
        return toResult(
          await playMatch(
            agent(model, String(request.iteration)),
            agent(opponent, String(request.opponentIteration)),
            {
              games: request.games,
              seed: options.seed + request.iteration * 1009 + request.opponentIteration * 7 + 2,
              newGame: options.newGame,
              randomOpeningPlies: options.openingPlies,
              onGame: (done, total) => options.onGame?.(label, done, total),
            },
          ),
        );
      } finally {
        await opponent.release();
      }
    } finally {
      await model.release();
    }
  };
}

function toResult(match: { wins: number; draws: number; losses: number }): MatchResult {
  return { wins: match.wins, draws: match.draws, losses: match.losses };
}
