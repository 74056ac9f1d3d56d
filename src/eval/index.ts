// Evaluation against ground truth: perfect players, mistake rates, exhaustive checks, matches.

export { pick, type Rng, seededRng } from '../util/rng.js';
export {
  type Agent,
  Connect4SolverAgent,
  defaultHeuristic,
  type Heuristic,
  lineHeuristic,
  MctsAgent,
  type MctsAgentOptions,
  MinimaxAgent,
  type PerfectAgentOptions,
  RandomAgent,
  TicTacToePerfectAgent,
} from './agents.js';
export { type EloEstimate, eloDifference, type MatchOptions, type MatchResult, playMatch } from './match.js';
export {
  type MistakeReport,
  mistakeRate,
  type PonsPosition,
  type PositionVerdict,
  parsePonsPositions,
  readPonsPositions,
} from './mistakes.js';
export { type Connect4Solver, createConnect4Solver, type Score, type SolverOptions, wdl } from './solver.js';
export {
  Connect4State,
  EVAL_GAMES,
  type EvalGameId,
  EvalState,
  initialState,
  TicTacToeState,
} from './state.js';
export {
  type ExhaustiveResult,
  tictactoeActionValues,
  tictactoeExhaustive,
  tictactoePositions,
  tictactoeValue,
} from './tictactoe.js';
