// GameState: one position of any game, backed by the C++ engine. Observations
// and legal masks are written into caller-owned typed arrays (no copies).
import { type GameInfo, getGameInfo } from './metadata.js';
import { gamesAddon, type NativeGame } from './native.js';

/** Player index: 0 = player 1 (moves first; X, Black), 1 = player 2. */
export type Player = 0 | 1;

export class GameState {
  readonly info: GameInfo;
  readonly #native: NativeGame;

  /** A new game at its start position; `state` (from serialize()) restores a saved position instead. */
  constructor(envId: string, state?: Uint8Array) {
    this.info = getGameInfo(envId);
    const { Game } = gamesAddon();
    this.#native = state === undefined ? new Game(envId) : new Game(envId, state);
  }

  /** Restores a position from serialize()'s bytes; throws RangeError for bytes of another game or a corrupt state. */
  static deserialize(envId: string, state: Uint8Array): GameState {
    return new GameState(envId, state);
  }

  get envId(): string {
    return this.info.env_id;
  }

  clone(): GameState {
    return new GameState(this.info.env_id, this.#native.serialize());
  }

  /** Plays `action`; throws RangeError naming the move when it is illegal (or the game is over). */
  play(action: number): this {
    this.#native.play(action);
    return this;
  }

  /** Parses and plays a move string ("4" in Connect4, "d3"/"pass" in Othello); returns the action. */
  playMove(text: string): number {
    const action = this.parseMove(text);
    if (action === null) {
      throw new RangeError(`"${text}" is not a ${this.info.display_name} move`);
    }
    this.play(action);
    return action;
  }

  isLegal(action: number): boolean {
    return this.#native.isLegal(action);
  }

  /** Legal actions in increasing order (empty once the game is over). */
  legalActions(): Int32Array {
    return this.#native.legalActions();
  }

  /** 1/0 per action, into `out` (length num_actions) or a new array. */
  legalMask(out: Uint8Array = new Uint8Array(this.info.num_actions)): Uint8Array {
    return this.#native.legalMask(out);
  }

  isTerminal(): boolean {
    return this.#native.isTerminal();
  }

  /** The winner of a finished game; null while it is on or when it was drawn. */
  winner(): Player | null {
    const w = this.#native.winner();
    return w === 0 || w === 1 ? w : null;
  }

  toMove(): Player {
    return this.#native.toMove() as Player;
  }

  ply(): number {
    return this.#native.ply();
  }

  /** 64-bit Zobrist hash (includes the side to move); equal across processes and builds. */
  hash(): bigint {
    return this.#native.hash();
  }

  /** Writes the DESIGN.md observation (obs_size floats) into `out`, which must have exactly that length. */
  writeObservation(out: Float32Array): Float32Array {
    return this.#native.writeObservation(out);
  }

  /** The observation in a new Float32Array. */
  observation(): Float32Array {
    return this.#native.writeObservation(new Float32Array(this.info.obs_size));
  }

  /** The board as text (player 1 = X, player 2 = O). */
  render(): string {
    return this.#native.render();
  }

  /** The action a move string names, or null when it is not a move of this game (legal or not). */
  parseMove(text: string): number | null {
    const action = this.#native.parseMove(text.trim());
    return action < 0 ? null : action;
  }

  formatMove(action: number): string {
    return this.#native.formatMove(action);
  }

  /** The engine's state bytes (compact; restore with GameState.deserialize on the same game). */
  serialize(): Uint8Array {
    return this.#native.serialize();
  }
}
