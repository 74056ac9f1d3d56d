// The replay sampling rule shared with the Python trainer (keep both in step):
//   window of env E = its newest `window` rows by seq: hi = max(seq), lo = seq of the window-th newest row
//   (min(seq) when E has fewer rows). Draw seq values uniformly in [lo, hi], keep those that exist with
//   env_id = E, redraw the misses until n rows are collected. Rejection makes it exactly uniform over E's
//   rows in the window despite seq gaps and rows of other envs; sampling is with replacement. After a
//   bounded number of rounds, fall back to an index scan of the window.

import { seededRng } from '../util/rng.js';
import { ReplayError } from './retry.js';
import { readFloat32Into } from './transitions.js';
import type { SampleBatch, SampleOptions } from './types.js';

export interface SampledRow {
  seq: number;
  observation: Uint8Array;
  policyProbs: Uint8Array;
  gameOutcome: number;
}

/** What a backend provides to the sampler; every query is restricted to env_id = E. */
export interface SampleSource {
  /** [lo, hi] of E's window, or null when E has no rows. */
  windowBounds(envId: string, window: number): Promise<{ lo: number; hi: number } | null>;
  /** The rows of E whose seq is in `seqs` (distinct); missing seqs are simply absent. */
  fetchBySeq(envId: string, seqs: number[]): Promise<SampledRow[]>;
  /** Every seq of E in [lo, hi] (the fallback index scan). */
  scanSeqs(envId: string, lo: number, hi: number): Promise<number[]>;
}

export const MAX_REJECTION_ROUNDS = 16;

export function checkSampleArgs(envId: string, n: number, options: SampleOptions): void {
  if (typeof envId !== 'string' || envId === '') throw new TypeError('envId must be a non-empty string');
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`n must be a positive integer, got ${n}`);
  if (!Number.isInteger(options?.window) || options.window < 1) {
    throw new TypeError(`window must be a positive integer, got ${options?.window}`);
  }
}

export async function sampleWindow(
  source: SampleSource,
  envId: string,
  n: number,
  options: SampleOptions,
): Promise<SampleBatch> {
  checkSampleArgs(envId, n, options);
  const rng = options.rng ?? seededRng(options.seed ?? Date.now());
  const bounds = await source.windowBounds(envId, options.window);
  if (!bounds)
    throw new ReplayError(`replay: no transitions for env_id ${JSON.stringify(envId)} to sample from`);
  const { lo, hi } = bounds;
  const span = hi - lo + 1;
  const picked: SampledRow[] = [];
  let hitRate = 1;
  for (let round = 0; round < MAX_REJECTION_ROUNDS && picked.length < n; round++) {
    const need = n - picked.length;
    // Drawing more than `need` and keeping the first hits in draw order is still i.i.d. uniform.
    const draws = Math.min(Math.ceil(need / Math.max(hitRate, 0.02)) + 8, 8 * n + 64);
    const drawn = new Array<number>(draws);
    for (let i = 0; i < draws; i++) drawn[i] = lo + Math.floor(rng() * span);
    const found = new Map<number, SampledRow>();
    for (const row of await source.fetchBySeq(envId, [...new Set(drawn)])) found.set(row.seq, row);
    let hits = 0;
    for (const seq of drawn) {
      const row = found.get(seq);
      if (!row) continue;
      hits++;
      if (picked.length < n) picked.push(row);
    }
    hitRate = Math.max(hits / draws, 1 / (span + 1));
  }
  if (picked.length < n) {
    // Pathologically sparse window (e.g. E's rows interleaved with many of other envs): scan it once.
    const seqs = await source.scanSeqs(envId, lo, hi);
    if (seqs.length === 0) throw new ReplayError(`replay: window of ${JSON.stringify(envId)} is empty`);
    const chosen: number[] = [];
    while (picked.length + chosen.length < n) chosen.push(seqs[Math.floor(rng() * seqs.length)]!);
    const found = new Map<number, SampledRow>();
    for (const row of await source.fetchBySeq(envId, [...new Set(chosen)])) found.set(row.seq, row);
    for (const seq of chosen) {
      const row = found.get(seq);
      if (!row)
        throw new ReplayError(`replay: transition seq ${seq} vanished while sampling (pruned concurrently?)`);
      picked.push(row);
    }
  }
  return assemble(envId, picked);
}

function assemble(envId: string, rows: SampledRow[]): SampleBatch {
  const first = rows[0]!;
  const obsSize = first.observation.byteLength >>> 2;
  const numActions = first.policyProbs.byteLength >>> 2;
  const n = rows.length;
  const observations = new Float32Array(n * obsSize);
  const policies = new Float32Array(n * numActions);
  const outcomes = new Float32Array(n);
  const seqs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.observation.byteLength !== obsSize * 4 || row.policyProbs.byteLength !== numActions * 4) {
      throw new ReplayError(
        `replay: transitions of ${JSON.stringify(envId)} disagree on obs_size/num_actions (seq ${row.seq})`,
      );
    }
    readFloat32Into(row.observation, observations, i * obsSize);
    readFloat32Into(row.policyProbs, policies, i * numActions);
    outcomes[i] = row.gameOutcome;
    seqs[i] = row.seq;
  }
  return { n, obsSize, numActions, observations, policies, outcomes, seqs };
}
