// Messages between the actor's main thread and its self-play workers. Everything bulky
// travels as typed arrays whose buffers are transferred, never as per-position objects.
import type { ArenaOptions, EpisodeBatch } from '../search/index.js';

export interface WorkerTask {
  workerIndex: number;
  /** Int32Array[1] over shared memory: set to 1 to stop (checked between batch steps). */
  stopFlag: SharedArrayBuffer;
  /**
   * Int32Array[workers] over shared memory: episodes of each worker the main thread has written
   * (or discarded). A worker pauses while more than `maxUnwritten` of its episodes are not, so a
   * fast game cannot queue unbounded episodes in the port and a drain has bounded work.
   */
  handled: SharedArrayBuffer;
  maxUnwritten: number;
  port: MessagePort;
  arena: Omit<ArenaOptions, 'seed'>;
  arenas: number;
  seed: number;
  obsSize: number;
  numActions: number;
  intraOpThreads: number;
  executionProvider: 'cpu' | 'cuda';
  /** Initial model; null = uniform bootstrap. */
  model: ModelMessage | null;
}

export interface ModelMessage {
  type: 'model';
  version: string;
  bytes: Uint8Array;
}

export interface EpisodesMessage {
  type: 'episodes';
  workerIndex: number;
  arenaIndex: number;
  modelVersion: string;
  batch: EpisodeBatch;
}

export interface StatsMessage {
  type: 'stats';
  workerIndex: number;
  networkEvaluations: number;
  simulations: number;
  batchSteps: number;
  averageBatchFill: number;
  cacheHitRate: number;
  /** Seconds of each ORT batch since the previous stats message. */
  inferenceSeconds: Float64Array;
  modelVersion: string;
}

export interface ModelRejectedMessage {
  type: 'model-rejected';
  workerIndex: number;
  version: string;
  error: string;
}

/** The worker's last message: everything it sent before is already delivered (one port, in order). */
export interface DoneMessage {
  type: 'done';
  workerIndex: number;
}

export type WorkerMessage = EpisodesMessage | StatsMessage | ModelRejectedMessage | DoneMessage;

export interface WorkerSummary {
  workerIndex: number;
  networkEvaluations: number;
  simulations: number;
}

export function transferablesOf(batch: EpisodeBatch): ArrayBuffer[] {
  return [
    batch.stepCounts,
    batch.episodeIndices,
    batch.winners,
    batch.observations,
    batch.legalMasks,
    batch.actions,
    batch.policies,
    batch.rootValues,
    batch.toMove,
    batch.outcomes,
  ].map((a) => a.buffer as ArrayBuffer);
}
