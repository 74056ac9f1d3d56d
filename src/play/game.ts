// One game in the terminal: a person against a Bot, moves typed in each game's own
// syntax (GameState.parseMove), the board drawn by the engine (GameState.render).
// Input and output are plain callbacks so the loop runs the same on a TTY and on pipes.
import { GameState, type Player } from '../games/index.js';
import type { Bot, BotMove } from './bot.js';

/** Reads one line after showing `prompt`; null when the input has ended. */
export type LineSource = (prompt: string) => Promise<string | null>;

export interface TerminalGameOptions {
  envId: string;
  /** The person's side: 0 = X, moves first; 1 = O. */
  humanPlayer: Player;
  bot: Bot;
  readLine: LineSource;
  write: (text: string) => void;
}

export type TerminalGameResult =
  | { kind: 'finished'; winner: Player | null }
  | { kind: 'quit' }
  | { kind: 'eof' };

const QUIT_WORDS = new Set(['quit', 'exit', 'q']);
const MARKS = ['X', 'O'] as const;

/** "4 58%, 3 21%, 5 9%": the bot's most visited moves. */
export function topMoves(state: GameState, policy: Float32Array, count = 3): string {
  return Array.from(policy.keys())
    .filter((a) => policy[a]! > 0)
    .sort((a, b) => policy[b]! - policy[a]! || a - b)
    .slice(0, count)
    .map((a) => `${state.formatMove(a)} ${Math.round(100 * policy[a]!)}%`)
    .join(', ');
}

function legalList(state: GameState): string {
  return Array.from(state.legalActions(), (a) => state.formatMove(a)).join(' ');
}

function describeBotMove(state: GameState, move: BotMove, mark: string): string {
  const value = `${move.value >= 0 ? '+' : ''}${move.value.toFixed(2)}`;
  return (
    `Bot (${mark}) plays ${state.formatMove(move.action)}  ` +
    `value ${value} for the bot  top: ${topMoves(state, move.policy)}\n`
  );
}

export async function playTerminalGame(options: TerminalGameOptions): Promise<TerminalGameResult> {
  const { envId, humanPlayer, bot, readLine, write } = options;
  const state = new GameState(envId);
  const moves: number[] = [];
  write(`\n${state.render()}\n`);
  while (!state.isTerminal()) {
    const mark = MARKS[state.toMove()];
    let action: number;
    if (state.toMove() === humanPlayer) {
      const line = await readLine(`Your move (${mark}): `);
      if (line === null) return { kind: 'eof' };
      const text = line.trim();
      if (text === '') continue;
      if (QUIT_WORDS.has(text.toLowerCase())) return { kind: 'quit' };
      const parsed = state.parseMove(text);
      if (parsed === null) {
        write(`"${text}" is not a ${state.info.display_name} move. Legal moves: ${legalList(state)}\n`);
        continue;
      }
      if (!state.isLegal(parsed)) {
        write(`${state.formatMove(parsed)} is not legal here. Legal moves: ${legalList(state)}\n`);
        continue;
      }
      action = parsed;
    } else {
      const move = await bot.move(moves);
      write(describeBotMove(state, move, mark));
      action = move.action;
    }
    state.play(action);
    moves.push(action);
    write(`\n${state.render()}\n`);
  }
  const winner = state.winner();
  const verdict =
    winner === null
      ? 'draw'
      : `${MARKS[winner]} wins — ${winner === humanPlayer ? 'you win' : 'the bot wins'}`;
  write(`Result: ${verdict} after ${moves.length} moves.\n`);
  return { kind: 'finished', winner };
}
