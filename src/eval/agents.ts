// Agents that evaluation plays or measures: random, perfect players (Connect4
// solver, TicTacToe minimax), depth-limited minimax, and MCTS over a network.
import type { PolicyValueModel } from '../inference/index.js';
import { pick, type Rng, seededRng } from './rng.js';
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
  simulations: number;
  /** PUCT exploration constant. */
  cpuct?: number;
  name?: string;
}

interface Node {
  prior: number;
  visits: number;
  valueSum: number; // from the view of the side to move at this node
  children: Map<number, Node> | null;
}

/**
 * PUCT search guided by a policy/value network (or the uniform model), temperature 0
 * and no root noise: the most-visited move. Leaves are evaluated one at a time, which
 * is enough for evaluation; self-play uses the batched C++ arena instead.
 */
export class MctsAgent implements Agent {
  readonly name: string;
  private readonly cpuct: number;
  constructor(
    private readonly model: PolicyValueModel,
    private readonly options: MctsAgentOptions,
  ) {
    if (!Number.isInteger(options.simulations) || options.simulations < 1) {
      throw new RangeError(`simulations must be a positive integer, got ${options.simulations}`);
    }
    this.cpuct = options.cpuct ?? 1.25;
    this.name = options.name ?? `mcts:${model.version}@${options.simulations}`;
  }

  async chooseMove(state: EvalState): Promise<number> {
    const root: Node = { prior: 1, visits: 0, valueSum: 0, children: null };
    for (let sim = 0; sim < this.options.simulations; sim++) {
      const s = state.clone();
      const path = [root];
      let node = root;
      while (node.children && !s.isTerminal()) {
        const [action, child] = this.select(node);
        s.play(action);
        node = child;
        path.push(node);
      }
      let value: number;
      if (s.isTerminal()) {
        value = s.winner() === null ? 0 : -1; // the side to move has lost
      } else {
        value = await this.expand(node, s);
      }
      for (let i = path.length - 1; i >= 0; i--) {
        path[i]!.visits++;
        path[i]!.valueSum += value;
        value = -value;
      }
    }
    let bestAction = -1;
    let bestVisits = -1;
    for (const [a, child] of root.children ?? []) {
      if (child.visits > bestVisits) {
        bestVisits = child.visits;
        bestAction = a;
      }
    }
    return bestAction >= 0 ? bestAction : state.legalActions()[0]!;
  }

  private select(node: Node): [number, Node] {
    const sqrtN = Math.sqrt(node.visits);
    let best: [number, Node] | undefined;
    let bestScore = -Infinity;
    for (const entry of node.children!) {
      const child = entry[1];
      const q = child.visits > 0 ? -child.valueSum / child.visits : 0;
      const u = q + (this.cpuct * child.prior * sqrtN) / (1 + child.visits);
      if (u > bestScore) {
        bestScore = u;
        best = entry;
      }
    }
    return best!;
  }

  private async expand(node: Node, state: EvalState): Promise<number> {
    const { policyLogits, values } = await this.model.evaluate(state.observation(), 1);
    const legal = state.legalActions();
    let max = -Infinity;
    for (const a of legal) max = Math.max(max, policyLogits[a]!);
    let total = 0;
    const weights = legal.map((a) => {
      const w = Math.exp(policyLogits[a]! - max);
      total += w;
      return w;
    });
    node.children = new Map(
      legal.map((a, i) => [a, { prior: weights[i]! / total, visits: 0, valueSum: 0, children: null }]),
    );
    return values[0]!;
  }
}
