// Mistake rate on Pascal Pons' Connect4 test positions: a move is a mistake when
// another legal move has a strictly better win/draw/loss value (the solver decides
// the chosen move's value, the file's score the best one; distance does not count).
import { readFileSync } from 'node:fs';
import type { Agent } from './agents.js';
import type { Connect4Solver } from './solver.js';
import { Connect4State } from './state.js';

export interface PonsPosition {
  /** Columns played from the empty board, digits 1..7. */
  moves: string;
  /** Pons score of the position for the side to move. */
  score: number;
}

/** Parses `<moves> <score>` lines; throws with the line number on a malformed line. */
export function parsePonsPositions(text: string, source = 'positions'): PonsPosition[] {
  const out: PonsPosition[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([1-7]*)\s+(-?\d+)$/.exec(line);
    if (!match) throw new RangeError(`${source}:${i + 1}: expected "<moves 1..7> <score>", got "${line}"`);
    out.push({ moves: match[1]!, score: Number(match[2]) });
  }
  return out;
}

export function readPonsPositions(path: string): PonsPosition[] {
  return parsePonsPositions(readFileSync(path, 'utf8'), path);
}

export interface PositionVerdict {
  moves: string;
  /** Column chosen, 1..7 (Pons notation). */
  chosen: number;
  /** W/D/L (+1/0/-1) of the chosen move and of the best move. */
  chosenValue: number;
  bestValue: number;
  mistake: boolean;
}

export interface MistakeReport {
  positions: number;
  mistakes: number;
  /** mistakes / positions */
  mistakeRate: number;
  details: PositionVerdict[];
}

export async function mistakeRate(
  agent: Agent,
  positions: readonly PonsPosition[],
  solver: Connect4Solver,
  onProgress?: (done: number, total: number) => void,
): Promise<MistakeReport> {
  const details: PositionVerdict[] = [];
  for (const [i, position] of positions.entries()) {
    const problem = solver.validate(position.moves);
    if (problem !== null) throw new RangeError(`position "${position.moves}": ${problem}`);
    const state = Connect4State.fromPons(position.moves);
    const chosen = await agent.chooseMove(state.clone());
    if (!state.legalActions().includes(chosen)) {
      throw new Error(`${agent.name} chose illegal column ${chosen + 1} in "${position.moves}"`);
    }
    // The file's score is the position's value, i.e. that of its best move; only the chosen
    // move needs solving (one weak solve instead of seven: this is what keeps begin sets fast).
    const bestValue = Math.sign(position.score);
    const after = state.clone();
    after.play(chosen);
    const chosenValue =
      after.winner() !== null ? 1 : after.isTerminal() ? 0 : 0 - solver.solve(after.pons(), true);
    details.push({
      moves: position.moves,
      chosen: chosen + 1,
      chosenValue,
      bestValue,
      mistake: chosenValue < bestValue,
    });
    onProgress?.(i + 1, positions.length);
  }
  const mistakes = details.filter((d) => d.mistake).length;
  return {
    positions: details.length,
    mistakes,
    mistakeRate: details.length ? mistakes / details.length : 0,
    details,
  };
}
