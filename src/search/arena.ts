// Self-play arena: G games searched in C++, one N-API call per network batch.
import { type NativeArena, searchAddon } from './native.js';
import type { ArenaOptions, EpisodeBatch, Evaluator, SearchStats } from './types.js';

export class SelfPlayArena {
  readonly obsSize: number;
  readonly numActions: number;
  readonly maxBatch: number;
  /** The arena's own observation buffer (maxBatch × obsSize), used when step() gets none. */
  readonly observations: Float32Array;
  readonly #native: NativeArena;

  constructor(options: ArenaOptions) {
    const { SelfPlayArena: Native } = searchAddon();
    this.#native = new Native(options);
    this.obsSize = this.#native.obsSize;
    this.numActions = this.#native.numActions;
    this.maxBatch = this.#native.maxBatch;
    this.observations = new Float32Array(this.maxBatch * this.obsSize);
  }

  /**
   * Applies the outputs for the previous batch (null before the first), advances every game
   * to its next leaf and writes the new batch into `observationsOut`; returns its size. 0 means
   * nothing needed the network this step: call again, the arena is drained when
   * `activeGames === 0`.
   */
  step(
    logits: Float32Array | null,
    values: Float32Array | null,
    observationsOut: Float32Array = this.observations,
  ): number {
    return this.#native.step(logits, values, observationsOut);
  }

  /**
   * step() on a libuv pool thread. ONNX Runtime computes on the calling JS thread, so a worker
   * overlaps tree work with inference by running one arena's stepAsync while it evaluates
   * another arena's batch. Until the promise settles the arrays must not be touched and every
   * other method of this arena throws.
   */
  stepAsync(
    logits: Float32Array | null,
    values: Float32Array | null,
    observationsOut: Float32Array = this.observations,
  ): Promise<number> {
    return this.#native.stepAsync(logits, values, observationsOut);
  }

  /** Finished episodes since the last call. */
  takeEpisodes(): EpisodeBatch {
    return this.#native.takeEpisodes();
  }

  stats(): SearchStats {
    return this.#native.stats();
  }

  /** Stop starting games; in-progress games finish (or are dropped with discardUnfinished). */
  requestStop(discardUnfinished = false): void {
    this.#native.requestStop(discardUnfinished);
  }

  get activeGames(): number {
    return this.#native.activeGames;
  }

  /** Leaves of the last batch still waiting for their outputs. */
  get pending(): number {
    return this.#native.pending;
  }

  /**
   * Plays until at least `episodes` games have finished, then drains (the games in progress
   * finish too), and returns every finished episode. A simple driver for tests and tools; the
   * actor interleaves two arenas itself.
   */
  async playEpisodes(evaluate: Evaluator, episodes: number): Promise<EpisodeBatch[]> {
    const batches: EpisodeBatch[] = [];
    let finished = 0;
    let logits: Float32Array | null = null;
    let values: Float32Array | null = null;
    for (;;) {
      const n = this.step(logits, values);
      const taken = this.takeEpisodes();
      if (taken.count > 0) {
        batches.push(taken);
        finished += taken.count;
      }
      if (finished >= episodes) this.requestStop();
      if (n === 0) {
        logits = values = null;
        if (this.activeGames === 0) return batches;
        continue;
      }
      const out = await evaluate(this.observations, n);
      logits = out.logits;
      values = out.values;
    }
  }
}
