// A self-play worker thread: owns its arenas and its ONNX Runtime session and runs
// arena → batch → ORT → arena through the ArenaPipeline: while one arena's batch is inside
// ONNX Runtime (on this thread) the other arenas do their tree work on pool threads.
import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { OnnxModel, type PolicyValueModel, UniformModel } from '../inference/index.js';
import { ArenaPipeline, SelfPlayArena } from '../search/index.js';
import {
  type EpisodesMessage,
  type ModelMessage,
  type StatsMessage,
  transferablesOf,
  type WorkerSummary,
  type WorkerTask,
} from './protocol.js';

const STATS_INTERVAL_MS = 1000;
/** Longest stretch without a turn of the event loop (model messages arrive as events). */
const YIELD_INTERVAL_MS = 5;

export default async function runSelfPlayWorker(task: WorkerTask): Promise<WorkerSummary> {
  const stopFlag = new Int32Array(task.stopFlag);
  const handled = new Int32Array(task.handled);
  let sent = 0;
  const port = task.port as unknown as MessagePort;
  const shape = { obsSize: task.obsSize, numActions: task.numActions };
  const sessionOptions = { intraOpThreads: task.intraOpThreads, executionProvider: task.executionProvider };

  let model: PolicyValueModel = task.model
    ? await OnnxModel.fromBytes(task.model.bytes, task.model.version, shape, sessionOptions)
    : new UniformModel(task.obsSize, task.numActions);
  let nextModel: PolicyValueModel | undefined;
  const retired: PolicyValueModel[] = [];
  port.on('message', (message: ModelMessage) => {
    if (message.type !== 'model') return;
    OnnxModel.fromBytes(message.bytes, message.version, shape, sessionOptions).then(
      (loaded) => {
        if (nextModel) retired.push(nextModel);
        nextModel = loaded;
      },
      (error: Error) =>
        port.postMessage({
          type: 'model-rejected',
          workerIndex: task.workerIndex,
          version: message.version,
          error: error.message,
        }),
    );
  });

  const arenas = Array.from(
    { length: task.arenas },
    (_, i) => new SelfPlayArena({ ...task.arena, seed: task.seed + i * 7919 }),
  );
  const pipeline = new ArenaPipeline(arenas);
  let latencies: number[] = [];
  let lastStats = performance.now();

  const evaluate = async (observations: Float32Array, n: number) => {
    const started = performance.now();
    const out = await model.evaluate(observations, n);
    latencies.push((performance.now() - started) / 1000);
    return { logits: out.policyLogits, values: out.values };
  };

  const sendEpisodes = (index: number) => {
    const batch = arenas[index]!.takeEpisodes();
    if (batch.count === 0) return;
    const message: EpisodesMessage = {
      type: 'episodes',
      workerIndex: task.workerIndex,
      arenaIndex: index,
      modelVersion: model.version,
      batch,
    };
    port.postMessage(message, transferablesOf(batch));
    sent += batch.count;
  };

  // An evaluator that answers synchronously (the uniform bootstrap) never returns to the event
  // loop by itself, so a published model would never be received; and the main thread may write
  // episodes slower than a fast game makes them. Both are handled here, between batch steps.
  let lastYield = performance.now();
  const pace = async () => {
    if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    while (
      sent - Atomics.load(handled, task.workerIndex) > task.maxUnwritten &&
      Atomics.load(stopFlag, 0) === 0
    ) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      lastYield = performance.now();
    }
  };

  const sendStats = () => {
    let evaluations = 0;
    let simulations = 0;
    let batchSteps = 0;
    let leaves = 0;
    let hits = 0;
    let lookups = 0;
    for (const arena of arenas) {
      const s = arena.stats();
      evaluations += s.networkEvaluations;
      simulations += s.simulations;
      batchSteps += s.batchSteps;
      leaves += s.averageBatchFill * s.batchSteps;
      hits += s.cacheHits;
      lookups += s.cacheLookups;
    }
    const capacity = arenas.reduce((sum, a) => sum + a.maxBatch, 0) / arenas.length;
    const message: StatsMessage = {
      type: 'stats',
      workerIndex: task.workerIndex,
      networkEvaluations: evaluations,
      simulations,
      batchSteps,
      averageBatchFill: batchSteps > 0 ? leaves / batchSteps / capacity : 0,
      cacheHitRate: lookups > 0 ? hits / lookups : 0,
      inferenceSeconds: Float64Array.from(latencies),
      modelVersion: model.version,
    };
    latencies = [];
    port.postMessage(message, [message.inferenceSeconds.buffer as ArrayBuffer]);
  };

  const beforeEvaluate = (index: number) => {
    sendEpisodes(index);
    if (nextModel) {
      // Swap between batch steps: no inference is running for this arena now.
      retired.push(model);
      model = nextModel;
      nextModel = undefined;
    }
  };
  while (Atomics.load(stopFlag, 0) === 0) {
    await pipeline.round(evaluate, beforeEvaluate);
    if (retired.length > 0) await Promise.all(retired.splice(0).map((m) => m.release()));
    if (performance.now() - lastStats >= STATS_INTERVAL_MS) {
      await pipeline.settle();
      sendStats();
      lastStats = performance.now();
    }
    await pace();
  }

  // Stop: completed episodes go out; games in progress (and the leaves they wait on) are discarded.
  await pipeline.settle();
  arenas.forEach((arena, i) => {
    arena.requestStop(true);
    sendEpisodes(i);
  });
  sendStats();
  const summary: WorkerSummary = {
    workerIndex: task.workerIndex,
    networkEvaluations: arenas.reduce((s, a) => s + a.stats().networkEvaluations, 0),
    simulations: arenas.reduce((s, a) => s + a.stats().simulations, 0),
  };
  await Promise.all([model, ...retired, ...(nextModel ? [nextModel] : [])].map((m) => m.release()));
  port.postMessage({ type: 'done', workerIndex: task.workerIndex });
  port.close();
  return summary;
}
