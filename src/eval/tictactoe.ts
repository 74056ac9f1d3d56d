// TicTacToe ground truth: exact game values of every reachable position, and the
// exhaustive check of an agent over all 4,520 non-terminal reachable positions.
import type { Agent } from './agents.js';
import { type EvalState, TicTacToeState } from './state.js';

const values = new Map<string, number>();

function key(state: EvalState): string {
  return state.cells().join(',');
}

/** Game value for the side to move under perfect play: +1 win, 0 draw, -1 loss. */
export function tictactoeValue(state: EvalState): number {
  if (state.isTerminal()) {
    const w = state.winner();
    return w === null ? 0 : w === state.toMove() ? 1 : -1;
  }
  const k = key(state);
  const known = values.get(k);
  if (known !== undefined) return known;
  let best = -1;
  for (const a of state.legalActions()) {
    const child = state.clone();
    child.play(a);
    best = Math.max(best, 0 - tictactoeValue(child)); // 0 - x: never -0
    if (best === 1) break;
  }
  values.set(k, best);
  return best;
}

/** W/D/L value of each legal action (from the mover's view). */
export function tictactoeActionValues(state: EvalState): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of state.legalActions()) {
    const child = state.clone();
    child.play(a);
    out.set(a, 0 - tictactoeValue(child));
  }
  return out;
}

/** Every reachable non-terminal position, once each (4,520). */
export function tictactoePositions(): TicTacToeState[] {
  const seen = new Set<string>();
  const out: TicTacToeState[] = [];
  const visit = (state: TicTacToeState): void => {
    const k = key(state);
    if (seen.has(k)) return;
    seen.add(k);
    if (state.isTerminal()) return;
    out.push(state);
    for (const a of state.legalActions()) {
      const child = state.clone();
      child.play(a);
      visit(child);
    }
  };
  visit(new TicTacToeState());
  return out;
}

export interface ExhaustiveResult {
  positions: number;
  optimal: number;
  /** Share of positions where the chosen move keeps the best W/D/L value. */
  optimalRate: number;
  /** Positions (as move histories) where the choice lost value. */
  mistakes: { history: number[]; chosen: number; chosenValue: number; bestValue: number }[];
}

export async function tictactoeExhaustive(
  agent: Agent,
  onProgress?: (done: number, total: number) => void,
): Promise<ExhaustiveResult> {
  const positions = tictactoePositions();
  const mistakes: ExhaustiveResult['mistakes'] = [];
  for (const [i, state] of positions.entries()) {
    const chosen = await agent.chooseMove(state.clone());
    const actionValues = tictactoeActionValues(state);
    const chosenValue = actionValues.get(chosen);
    if (chosenValue === undefined) throw new Error(`${agent.name} chose illegal move ${chosen}`);
    const bestValue = Math.max(...actionValues.values());
    if (chosenValue < bestValue)
      mistakes.push({ history: [...state.history], chosen, chosenValue, bestValue });
    onProgress?.(i + 1, positions.length);
  }
  const optimal = positions.length - mistakes.length;
  return { positions: positions.length, optimal, optimalRate: optimal / positions.length, mistakes };
}
