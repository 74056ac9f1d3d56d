// Raw ONNX Runtime throughput of each default net: the ceiling self-play can reach. The
// self-play suite divides its own evaluations/s by this (same batch, same threads).
import type { BenchSuite, SuiteContext } from '../../src/bench/index.js';
import { makeFigure, rate, repeat } from '../../src/bench/index.js';
import { OnnxModel, type PolicyValueModel } from '../../src/inference/index.js';
import { type DefaultNet, defaultNetsUnavailable, exportDefaultNets, randomObservations } from './nets.js';

const FULL_GAMES = ['tictactoe', 'connect4', 'othello', 'othello6'];
const QUICK_GAMES = ['tictactoe', 'connect4'];
const FULL_BATCHES = [1, 8, 32, 64, 128, 256];
const QUICK_BATCHES = [1, 64];

/** Evaluations per second of `model` at `batch`, one sample per repeat. */
export async function measureRawInference(
  model: PolicyValueModel,
  batch: number,
  repeats: number,
  minSeconds: number,
): Promise<number[]> {
  const obs = randomObservations(batch, model.obsSize, batch);
  for (let i = 0; i < 3; i++) await model.evaluate(obs, batch); // warm-up: allocations, first-run kernels
  return repeat(repeats, () =>
    rate(async () => {
      await model.evaluate(obs, batch);
      return batch;
    }, minSeconds),
  );
}

async function run(ctx: SuiteContext): Promise<void> {
  const games = ctx.quick ? QUICK_GAMES : FULL_GAMES;
  const batches = ctx.quick ? QUICK_BATCHES : FULL_BATCHES;
  const threadCounts = ctx.quick ? [1] : [1, 2];
  const minSeconds = ctx.quick ? 0.05 : 0.4;
  ctx.progress(`exporting default nets for ${games.join(', ')}`);
  const nets: DefaultNet[] = exportDefaultNets(ctx.scratchDir, games);
  for (const net of nets) {
    ctx.note(`${net.envId}: ${net.description}`);
    for (const threads of threadCounts) {
      const model = await OnnxModel.load(net.path, net, { intraOpThreads: threads });
      try {
        for (const batch of batches) {
          const samples = await measureRawInference(model, batch, ctx.repeats, minSeconds);
          ctx.record(
            makeFigure('ORT evaluations/s', 'evals/s', { game: net.envId, batch, threads }, samples),
          );
        }
      } finally {
        await model.release();
      }
    }
  }
}

export const inferenceSuite: BenchSuite = {
  name: 'inference',
  description: 'raw ONNX Runtime evaluations/s per default net, batch × intra-op threads',
  unavailable: async () => defaultNetsUnavailable(),
  run,
};
