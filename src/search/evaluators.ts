// Evaluators that need no network: for tests, benchmarks and bootstrapping self-play.
import type { Evaluator, EvaluatorOutput } from './types.js';

/**
 * Zero logits (uniform priors over the legal moves) and zero values, for batches of up to
 * `maxBatch`. The returned arrays are reused across calls, so the evaluator is free.
 */
export function uniformEvaluator(numActions: number, maxBatch: number): Evaluator {
  const output: EvaluatorOutput = {
    logits: new Float32Array(numActions * maxBatch),
    values: new Float32Array(maxBatch),
  };
  return (_observations, n) => {
    if (n > maxBatch) throw new RangeError(`uniformEvaluator: batch of ${n} exceeds maxBatch ${maxBatch}`);
    return output;
  };
}
