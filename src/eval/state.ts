// The game surface evaluation needs: a GameState (the C++ engines of src/games, so every
// game in the registry) plus what evaluation adds on top — the move history (the Searcher
// replays it, mistakes are reported as histories) and the board cells (the Connect4
// solver and the line heuristics read them).
import { cellOwners, GameState, gameIds } from '../games/index.js';

export class EvalState {
  readonly #game: GameState;
  readonly #history: number[];
  readonly #observation: Float32Array;

  /** A new game of `envId`, or a copy of `from` (same game). */
  constructor(envId: string, from?: EvalState) {
    this.#game = from ? from.#game.clone() : new GameState(envId);
    this.#history = from ? from.#history.slice() : [];
    this.#observation = new Float32Array(this.#game.info.obs_size);
  }

  get envId(): string {
    return this.#game.envId;
  }
  get numActions(): number {
    return this.#game.info.num_actions;
  }
  /** Actions played from the initial position. */
  get history(): readonly number[] {
    return this.#history;
  }

  clone(): EvalState {
    return new EvalState(this.envId, this);
  }
  /** Throws RangeError when `action` is illegal. */
  play(action: number): void {
    this.#game.play(action);
    this.#history.push(action);
  }
  isLegal(action: number): boolean {
    return this.#game.isLegal(action);
  }
  legalActions(): number[] {
    return Array.from(this.#game.legalActions());
  }
  isTerminal(): boolean {
    return this.#game.isTerminal();
  }
  /** 0 or 1 once won; null while running or when drawn. */
  winner(): number | null {
    return this.#game.winner();
  }
  /** Player to move: 0 = player 1 (moves first), 1 = player 2. */
  toMove(): number {
    return this.#game.toMove();
  }
  /** Observation in the DESIGN.md layout (a new float32[obs_size]). */
  observation(): Float32Array {
    return this.#game.observation();
  }
  /** Cell owners (row * width + col, row 0 = bottom): -1 empty, else player index. */
  cells(): Int8Array {
    return cellOwners(this.#game.info, this.#game.writeObservation(this.#observation));
  }
}

export class TicTacToeState extends EvalState {
  constructor(from?: TicTacToeState) {
    super('tictactoe', from);
  }
  override clone(): TicTacToeState {
    return new TicTacToeState(this);
  }
}

export class Connect4State extends EvalState {
  constructor(from?: Connect4State) {
    super('connect4', from);
  }
  /** From Pons notation (digits 1..7); throws RangeError on an illegal sequence. */
  static fromPons(moves: string): Connect4State {
    const state = new Connect4State();
    for (const [i, ch] of [...moves].entries()) {
      const col = ch.charCodeAt(0) - 49;
      if (!(col >= 0 && col < 7) || !state.isLegal(col)) {
        throw new RangeError(`move ${i + 1} ('${ch}') is not legal`);
      }
      state.play(col);
    }
    return state;
  }
  override clone(): Connect4State {
    return new Connect4State(this);
  }
  /** Pons notation of the moves so far. */
  pons(): string {
    return this.history.map((a) => String(a + 1)).join('');
  }
}

/** Any game id of the registry (src/games). */
export type EvalGameId = string;
/** The games evaluation can play: every game in the registry. */
export const EVAL_GAMES: readonly EvalGameId[] = gameIds();

export function initialState(envId: EvalGameId): EvalState {
  if (envId === 'tictactoe') return new TicTacToeState();
  if (envId === 'connect4') return new Connect4State();
  return new EvalState(envId);
}
