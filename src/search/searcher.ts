// Single-game search for play and evaluation: one tree, batches of up to maxBatch leaves.
import { type NativeSearcher, searchAddon } from './native.js';
import type { Evaluator, SearcherOptions, SearchResult, SearchStats } from './types.js';

/** Where to search from: actions from the start, a game value's bytes, or the current root. */
export type Position = { moves: ArrayLike<number> } | { state: Uint8Array } | null;

export interface SearchCallOptions {
  /** Simulations for this search (default: the constructor's). */
  simulations?: number;
  /** 0 (default) = most visited move; > 0 samples ∝ visits^(1/temperature). */
  temperature?: number;
}

export class Searcher {
  readonly obsSize: number;
  readonly numActions: number;
  readonly maxBatch: number;
  readonly #native: NativeSearcher;
  readonly #observations: Float32Array;

  constructor(options: SearcherOptions) {
    const { Searcher: Native } = searchAddon();
    this.#native = new Native(options);
    this.obsSize = this.#native.obsSize;
    this.numActions = this.#native.numActions;
    this.maxBatch = this.#native.maxBatch;
    this.#observations = new Float32Array(this.maxBatch * this.obsSize);
  }

  /** Starts from a position with a fresh tree. */
  setPosition(position: Exclude<Position, null>): void {
    if ('moves' in position) this.#native.setRoot(Int32Array.from(position.moves));
    else this.#native.setRootState(position.state);
  }

  /** Plays `action` at the root, keeping its subtree for the next search (tree reuse). */
  advance(action: number): void {
    this.#native.advance(action);
  }

  get toMove(): number {
    return this.#native.toMove;
  }

  get isTerminal(): boolean {
    return this.#native.isTerminal;
  }

  /**
   * Runs a search from `position` (null = the current root, e.g. after advance()) and returns
   * visits, policy, value and the chosen move. The evaluator sees up to maxBatch observations
   * per call.
   */
  async search(
    position: Position,
    evaluate: Evaluator,
    options: SearchCallOptions = {},
  ): Promise<SearchResult> {
    if (position !== null) this.setPosition(position);
    this.#native.begin(options.simulations);
    let n = this.#native.step(null, null, this.#observations);
    while (n > 0) {
      const out = await evaluate(this.#observations, n);
      n = this.#native.step(out.logits, out.values, this.#observations);
    }
    return this.#native.result(options.temperature ?? 0);
  }

  stats(): SearchStats {
    return this.#native.stats();
  }
}
