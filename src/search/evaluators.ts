// Evaluators: the uniform one (tests, benchmarks, bootstrapping self-play) and the adapter
// from a policy/value network to the search's evaluator shape.
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

/** What modelEvaluator needs of a network (src/inference's PolicyValueModel is one). */
export interface PolicyValueNetwork {
  evaluate(
    observations: Float32Array,
    count: number,
  ): Promise<{ policyLogits: Float32Array; values: Float32Array }>;
}

/** The search's evaluator over a network: one network call per batch of leaves. */
export function modelEvaluator(model: PolicyValueNetwork): Evaluator {
  return async (observations, n) => {
    const out = await model.evaluate(observations, n);
    return { logits: out.policyLogits, values: out.values };
  };
}
