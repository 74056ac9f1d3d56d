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
  let reply: { ok: boolean; measured?: unknown; error?: string };
  try {
    reply = { ok: true, measured: await runArenas(model, input.run) };
  } catch (error) {
    reply = { ok: false, error: (error as Error).stack ?? String(error) };
  }
  // Release the session before replying: the parent then lets this thread exit on its own,
  // since terminating a thread inside a native call can abort the whole process.
  await model.release();
  port.postMessage(reply);
  port.close();
});
port.postMessage({ ready: true });
