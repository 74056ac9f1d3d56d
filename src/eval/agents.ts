// Agents that evaluation plays or measures: random, perfect players (Connect4
// solver, TicTacToe minimax), depth-limited minimax, and MCTS over a network.
import type { PolicyValueModel } from '../inference/index.js';
import { type Evaluator, modelEvaluator, Searcher } from '../search/index.js';
import { pick, type Rng, seededRng } from '../util/rng.js';
import type { Connect4Solver } from './solver.js';
import type { EvalState } from './state.js';
import { tictactoeActionValues } from './tictactoe.js';

export interface Agent {
  readonly name: string;
  /** A legal action for the side to move; `state` may be modified by the agent. */
  chooseMove(state: EvalState): Promise<number>;
}

/** Uniformly random legal moves from its own seeded generator. */
export class RandomAgent implements Agent {
  readonly name = 'random';
  private readonly rng: Rng;
  constructor(seed = 0) {
    this.rng = seededRng(seed);
  }
  async chooseMove(state: EvalState): Promise<number> {
    return pick(state.legalActions(), this.rng);
  }
}

function bestActions(values: Map<number, number>): number[] {
  const best = Math.max(...values.values());
  return [...values].filter(([, v]) => v === best).map(([a]) => a);
}

export interface PerfectAgentOptions {
  /** Seed for breaking ties between equally good moves; without it the lowest action wins. */
  tieBreakSeed?: number;
}

/**
 * Perfect Connect4 play: the best W/D/L value, then (strong mode) the best Pons score,
 * i.e. the fastest win or slowest loss. `weak` skips the distance, which is faster.
 */
export class Connect4SolverAgent implements Agent {
  readonly name: string;
  private readonly rng: Rng | undefined;
  constructor(
    private readonly solver: Connect4Solver,
    private readonly options: PerfectAgentOptions & { weak?: boolean } = {},
  ) {
    this.name = options.weak ? 'solver-weak' : 'solver';
    this.rng = options.tieBreakSeed === undefined ? undefined : seededRng(options.tieBreakSeed);
  }
  async chooseMove(state: EvalState): Promise<number> {
    const scores = this.solver.analyzeCells(state.cells(), this.options.weak ?? false);
    const values = new Map<number, number>();
    for (const a of state.legalActions()) values.set(a, scores[a]!);
    const best = bestActions(values);
    return this.rng ? pick(best, this.rng) : best[0]!;
  }
}

/** Exact TicTacToe minimax (the whole game is a few thousand positions). */
export class TicTacToePerfectAgent implements Agent {
  readonly name = 'perfect';
  private readonly rng: Rng | undefined;
  constructor(options: PerfectAgentOptions = {}) {
    this.rng = options.tieBreakSeed === undefined ? undefined : seededRng(options.tieBreakSeed);
  }
  async chooseMove(state: EvalState): Promise<number> {
    const best = bestActions(tictactoeActionValues(state));
    return this.rng ? pick(best, this.rng) : best[0]!;
  }
}

/** Static evaluation for the side to move, in (-1000, 1000); wins are scored separately. */
export type Heuristic = (state: EvalState) => number;

/** Counts open lines of `length` cells on a width × height grid: +n² per own-only line with n stones. */
export function lineHeuristic(width: number, height: number, length: number): Heuristic {
  const lines: number[][] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      for (const [dr, dc] of [
        [0, 1],
        [1, 0],
        [1, 1],
        [1, -1],
      ] as const) {
        const line: number[] = [];
        for (let k = 0; k < length; k++) {
          const rr = r + k * dr;
          const cc = c + k * dc;
          if (rr < 0 || rr >= height || cc < 0 || cc >= width) break;
          line.push(rr * width + cc);
        }
        if (line.length === length) lines.push(line);
      }
    }
  }
  return (state) => {
    const cells = state.cells();
    const me = state.toMove();
    let score = 0;
    for (const line of lines) {
      let mine = 0;
      let theirs = 0;
      for (const cell of line) {
        if (cells[cell] === me) mine++;
        else if (cells[cell] !== -1) theirs++;
      }
      if (theirs === 0) score += mine * mine;
      else if (mine === 0) score -= theirs * theirs;
    }
    return Math.max(-999, Math.min(999, score));
  };
}

export function defaultHeuristic(envId: string): Heuristic {
  if (envId === 'connect4') return lineHeuristic(7, 6, 4);
  if (envId === 'tictactoe') return lineHeuristic(3, 3, 3);
  return () => 0;
}

/** Negamax with alpha-beta to a fixed depth; leaves scored by a heuristic, wins by their distance. */
export class MinimaxAgent implements Agent {
  readonly name: string;
  private readonly rng: Rng;
  constructor(
    private readonly depth: number,
    private readonly heuristic: Heuristic,
    seed = 0,
  ) {
    if (!Number.isInteger(depth) || depth < 1)
      throw new RangeError(`minimax depth must be a positive integer, got ${depth}`);
    this.name = `minimax:${depth}`;
    this.rng = seededRng(seed);
  }
  async chooseMove(state: EvalState): Promise<number> {
    let best = -Infinity;
    let choices: number[] = [];
    for (const a of state.legalActions()) {
      const child = state.clone();
      child.play(a);
      // Full window per root move so ties are exact and the tie-break is fair.
      const v = -this.negamax(child, this.depth - 1, -Infinity, Infinity);
      if (v > best) {
        best = v;
        choices = [a];
      } else if (v === best) {
        choices.push(a);
      }
    }
    return pick(choices, this.rng);
  }
  private negamax(state: EvalState, depth: number, alpha: number, beta: number): number {
    if (state.isTerminal()) {
      // The last mover won (or drawn): sooner wins are worth more.
      return state.winner() === null ? 0 : -(10000 + depth);
    }
    if (depth === 0) return this.heuristic(state);
    let best = -Infinity;
    for (const a of state.legalActions()) {
      const child = state.clone();
      child.play(a);
      best = Math.max(best, -this.negamax(child, depth - 1, -beta, -alpha));
      alpha = Math.max(alpha, best);
      if (alpha >= beta) break;
    }
    return best;
  }
}

export interface MctsAgentOptions {
  envId: string;
  simulations: number;
  /** PUCT exploration constant (the search's default when omitted). */
  cPuct?: number;
  /** Leaves per network call gathered with virtual loss. */
  maxBatch?: number;
  seed?: number;
  name?: string;
}

/**
 * MCTS (the C++ Searcher of src/search) guided by a policy/value network or the uniform
 * model: temperature 0, no root noise, so the most-visited move. A fresh tree per move
 * keeps every decision a function of the position alone.
 */
export class MctsAgent implements Agent {
  readonly name: string;
  private readonly searcher: Searcher;
  private readonly evaluate: Evaluator;
  constructor(
    model: PolicyValueModel,
    private readonly options: MctsAgentOptions,
  ) {
    if (!Number.isInteger(options.simulations) || options.simulations < 1) {
      throw new RangeError(`simulations must be a positive integer, got ${options.simulations}`);
    }
    this.name = options.name ?? `mcts:${model.version}@${options.simulations}`;
    this.searcher = new Searcher({
      envId: options.envId,
      simulations: options.simulations,
      maxBatch: options.maxBatch ?? 8,
      seed: options.seed ?? 0,
      ...(options.cPuct === undefined ? {} : { cPuct: options.cPuct }),
    });
    this.evaluate = modelEvaluator(model);
  }

  async chooseMove(state: EvalState): Promise<number> {
    const result = await this.searcher.search({ moves: state.history }, this.evaluate, {
      simulations: this.options.simulations,
    });
    if (result.action < 0) throw new Error(`${this.name}: no move in a finished game`);
    return result.action;
  }
}
