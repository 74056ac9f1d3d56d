// Repeat-and-summarise: every figure is the median of several runs, with min and max,
// so one noisy repeat on a shared 2-core machine cannot move the headline number.
import type { Figure, FigureParams } from './types.js';

export interface Summary {
  median: number;
  min: number;
  max: number;
  repeats: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new Error(`summarize: sample ${s} is not a finite number`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, repeats: sorted.length };
}

export function makeFigure(
  name: string,
  unit: string,
  params: FigureParams,
  samples: readonly number[],
  better: 'higher' | 'lower' = 'higher',
): Figure {
  return { name, unit, params, ...summarize(samples), better };
}

/** Runs `measure` `repeats` times and returns the samples (one per repeat). */
export async function repeat(repeats: number, measure: () => Promise<number> | number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await measure());
  return samples;
}

/**
 * Calls `work` (which returns how many units it did) until at least `minSeconds` have passed
 * and at least `minCalls` calls were made; returns units per second.
 */
export async function rate(
  work: () => Promise<number> | number,
  minSeconds: number,
  minCalls = 1,
): Promise<number> {
  let units = 0;
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (calls < minCalls || elapsed < minSeconds) {
    units += await work();
    calls++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return units / elapsed;
}

/** Seconds taken by one call of `work`. */
export async function seconds(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
