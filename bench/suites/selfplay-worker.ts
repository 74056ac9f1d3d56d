// One self-play worker thread for the workers × games-per-worker sweep: loads its own ORT
// session, signals ready, waits for "go" (so all workers measure the same window), runs.
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxModel } from '../../src/inference/index.js';
import { type ArenaRunOptions, runArenas } from './selfplay-driver.js';

interface WorkerInput {
  modelPath: string;
  obsSize: number;
  numActions: number;
  intraOpThreads: number;
  run: ArenaRunOptions;
}

const input = workerData as WorkerInput;
const port = parentPort!;
const model = await OnnxModel.load(
  input.modelPath,
  { obsSize: input.obsSize, numActions: input.numActions },
  { intraOpThreads: input.intraOpThreads },
);
port.once('message', async () => {
  try {
    const measured = await runArenas(model, input.run);
    port.postMessage({ ok: true, measured });
  } catch (error) {
    port.postMessage({ ok: false, error: (error as Error).stack ?? String(error) });
  } finally {
    await model.release();
  }
});
port.postMessage({ ready: true });
