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
    this.#treeWork = arenas.map((arena, i) => arena.stepAsync(null, null, this.buffers[i]));
  }

  /**
   * One turn of every arena: wait for its tree work, call `beforeEvaluate(i)` (the arena is idle
   * then: take its episodes, swap models), evaluate its batch, start its next tree step. With
   * one arena there is no overlap, only the same loop.
   */
  async round(evaluate: PipelineEvaluator, beforeEvaluate?: (arenaIndex: number) => void): Promise<void> {
    for (let i = 0; i < this.arenas.length; i++) {
      const n = await this.#treeWork[i]!;
      beforeEvaluate?.(i);
      const out = n > 0 ? await evaluate(this.buffers[i]!, n, i) : null;
      this.#treeWork[i] = this.arenas[i]!.stepAsync(
        out?.logits ?? null,
        out?.values ?? null,
        this.buffers[i],
      );
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
