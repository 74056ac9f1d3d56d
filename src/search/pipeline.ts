// The self-play pipeline shared by the actor and the benchmark: several arenas take turns, so
// that while one arena's batch is in ONNX Runtime (which computes on the calling JS thread) the
// other arenas' tree work runs on libuv pool threads (stepAsync).
import type { SelfPlayArena } from './arena.js';
import type { EvaluatorOutput } from './types.js';

/** Evaluates arena `arenaIndex`'s batch: the first `n` observations of `observations`. */
export type PipelineEvaluator = (
  observations: Float32Array,
  n: number,
  arenaIndex: number,
) => Promise<EvaluatorOutput>;

export class ArenaPipeline {
  /** One observation buffer per arena; an arena's stepAsync writes into it, its evaluation reads it. */
  readonly buffers: readonly Float32Array[];
  readonly #treeWork: Promise<number>[];

  constructor(readonly arenas: readonly SelfPlayArena[]) {
    if (arenas.length === 0) throw new RangeError('an arena pipeline needs at least one arena');
    this.buffers = arenas.map((a) => new Float32Array(a.maxBatch * a.obsSize));
    this.#treeWork = arenas.map((_, i) => this.#step(i, null));
  }

  /**
   * With one arena nothing could overlap its tree work, and the hop to a pool thread and back
   * costs more than a small step (measured: 1 game, batch 1, 2.9× slower), so it steps here.
   */
  #step(i: number, out: EvaluatorOutput | null): Promise<number> {
    const arena = this.arenas[i]!;
    const logits = out?.logits ?? null;
    const values = out?.values ?? null;
    if (this.arenas.length === 1) return Promise.resolve(arena.step(logits, values, this.buffers[i]));
    return arena.stepAsync(logits, values, this.buffers[i]);
  }

  /**
   * One turn of every arena: wait for its tree work, call `beforeEvaluate(i)` (the arena is idle
   * then: take its episodes, swap models), evaluate its batch, start its next tree step.
   */
  async round(evaluate: PipelineEvaluator, beforeEvaluate?: (arenaIndex: number) => void): Promise<void> {
    for (let i = 0; i < this.arenas.length; i++) {
      const n = await this.#treeWork[i]!;
      beforeEvaluate?.(i);
      const out = n > 0 ? await evaluate(this.buffers[i]!, n, i) : null;
      this.#treeWork[i] = this.#step(i, out);
    }
  }

  /**
   * Waits for the tree work in flight; until the next round every arena is idle (stats,
   * takeEpisodes, requestStop). Batches already written stay pending and are evaluated by
   * that round, so a settle costs no work.
   */
  async settle(): Promise<void> {
    await Promise.all(this.#treeWork);
  }
}
