// The game surface evaluation needs, and small reference implementations of it for
// the two games evaluation knows ground truth for (TicTacToe, Connect4).
//
// Agents only use this interface (clone/play/legalActions/isTerminal/winner/toMove,
// plus the observation for networks), so states from src/games plug in unchanged.
// These TS states also keep the move history, which the Connect4 solver reads.

export interface EvalState {
  readonly envId: string;
  readonly numActions: number;
  clone(): EvalState;
  /** Precondition: `action` is legal. */
  play(action: number): void;
  legalActions(): number[];
  isTerminal(): boolean;
  /** 0 or 1 once won; null while running or when drawn. */
  winner(): number | null;
  /** Player to move: 0 = player 1 (moves first), 1 = player 2. */
  toMove(): number;
  /** Observation in the DESIGN.md layout (float32[obs_size]). */
  observation(): Float32Array;
  /** Actions played from the initial position. */
  readonly history: readonly number[];
  /** Cell owners (row * width + col, row 0 = bottom): -1 empty, else player index. */
  cells(): Int8Array;
}

abstract class GridState implements EvalState {
  abstract readonly envId: string;
  abstract readonly numActions: number;
  protected board: Int8Array;
  protected won: number | null = null;
  history: number[] = [];

  constructor(
    protected readonly width: number,
    protected readonly height: number,
  ) {
    this.board = new Int8Array(width * height).fill(-1);
  }

  abstract clone(): EvalState;
  abstract play(action: number): void;
  abstract legalActions(): number[];

  toMove(): number {
    return this.history.length % 2;
  }
  winner(): number | null {
    return this.won;
  }
  isTerminal(): boolean {
    return this.won !== null || this.history.length === this.width * this.height;
  }
  cells(): Int8Array {
    return this.board.slice();
  }
  observation(): Float32Array {
    const n = this.width * this.height;
    const obs = new Float32Array(2 * n + this.numActions + 2);
    for (let c = 0; c < n; c++) {
      if (this.board[c] === 0) obs[c] = 1;
      else if (this.board[c] === 1) obs[n + c] = 1;
    }
    if (!this.isTerminal()) for (const a of this.legalActions()) obs[2 * n + a] = 1;
    obs[2 * n + this.numActions + this.toMove()] = 1;
    return obs;
  }

  protected copyInto<T extends GridState>(other: T): T {
    other.board = this.board.slice();
    other.won = this.won;
    other.history = this.history.slice();
    return other;
  }

  /** Does the stone at (row, col) complete `length` in a row for its owner? */
  protected completesLine(row: number, col: number, length: number): boolean {
    const owner = this.board[row * this.width + col];
    for (const [dr, dc] of [
      [0, 1],
      [1, 0],
      [1, 1],
      [1, -1],
    ] as const) {
      let count = 1;
      for (const sign of [1, -1]) {
        let r = row + sign * dr;
        let c = col + sign * dc;
        while (
          r >= 0 &&
          r < this.height &&
          c >= 0 &&
          c < this.width &&
          this.board[r * this.width + c] === owner
        ) {
          count++;
          r += sign * dr;
          c += sign * dc;
        }
      }
      if (count >= length) return true;
    }
    return false;
  }
}

export class TicTacToeState extends GridState {
  readonly envId = 'tictactoe';
  readonly numActions = 9;
  constructor() {
    super(3, 3);
  }
  clone(): TicTacToeState {
    return this.copyInto(new TicTacToeState());
  }
  legalActions(): number[] {
    if (this.isTerminal()) return [];
    const out: number[] = [];
    for (let a = 0; a < 9; a++) if (this.board[a] === -1) out.push(a);
    return out;
  }
  play(action: number): void {
    const player = this.toMove();
    this.board[action] = player;
    this.history.push(action);
    if (this.completesLine(Math.floor(action / 3), action % 3, 3)) this.won = player;
  }
}

export class Connect4State extends GridState {
  readonly envId = 'connect4';
  readonly numActions = 7;
  private readonly heights = new Int8Array(7);
  constructor() {
    super(7, 6);
  }
  /** From Pons notation (digits 1..7); throws RangeError on an illegal sequence. */
  static fromPons(moves: string): Connect4State {
    const state = new Connect4State();
    for (const [i, ch] of [...moves].entries()) {
      const col = ch.charCodeAt(0) - 49;
      if (!(col >= 0 && col < 7) || state.isTerminal() || state.heights[col] === 6) {
        throw new RangeError(`move ${i + 1} ('${ch}') is not legal`);
      }
      state.play(col);
    }
    return state;
  }
  clone(): Connect4State {
    const other = this.copyInto(new Connect4State());
    other.heights.set(this.heights);
    return other;
  }
  legalActions(): number[] {
    if (this.isTerminal()) return [];
    const out: number[] = [];
    for (let c = 0; c < 7; c++) if (this.heights[c]! < 6) out.push(c);
    return out;
  }
  play(action: number): void {
    const player = this.toMove();
    const row = this.heights[action]!;
    this.board[row * 7 + action] = player;
    this.heights[action] = row + 1;
    this.history.push(action);
    if (this.completesLine(row, action, 4)) this.won = player;
  }
  /** Pons notation of the moves so far. */
  pons(): string {
    return this.history.map((a) => String(a + 1)).join('');
  }
}

export type EvalGameId = 'tictactoe' | 'connect4';
export const EVAL_GAMES: readonly EvalGameId[] = ['tictactoe', 'connect4'];

export function initialState(envId: EvalGameId): EvalState {
  return envId === 'tictactoe' ? new TicTacToeState() : new Connect4State();
}
