// Trainer throughput per default net: optimiser steps/s and samples/s, from the trainer's
// own `bench` command (one process per repeat, so each repeat pays its own warm-up).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchSuite, SuiteContext } from '../../src/bench/index.js';
import { findTorchPython, makeFigure } from '../../src/bench/index.js';

const execFileAsync = promisify(execFile);
const trainerDir = fileURLToPath(new URL('../../trainer', import.meta.url));

interface TrainerBenchResult {
  env_id: string;
  network: Record<string, unknown>;
  parameters: number;
  batch_size: number;
  steps_per_second: number;
  samples_per_second: number;
  replay_sample_ms: number;
}

interface TrainerBenchReport {
  torch: string;
  device: string;
  threads: number;
  results: TrainerBenchResult[];
}

function trainerBatchSize(config: unknown): number {
  const size = (config as { training?: { batch_size?: unknown } } | null)?.training?.batch_size;
  return typeof size === 'number' && size > 0 ? size : 256;
}

async function run(ctx: SuiteContext): Promise<void> {
  const python = findTorchPython()!;
  const games = ctx.quick ? ['tictactoe'] : ['tictactoe', 'connect4', 'othello', 'othello6'];
  const threadCounts = ctx.quick ? [1] : [1, 2];
  const repeats = ctx.quick ? 1 : 3;
  const steps = ctx.quick ? 5 : 15;
  const batch = trainerBatchSize(ctx.config);
  for (const threads of threadCounts) {
    const perGame = new Map<string, TrainerBenchResult[]>();
    for (let r = 0; r < repeats; r++) {
      ctx.progress(`threads=${threads} repeat ${r + 1}/${repeats}: ${games.join(', ')}`);
      const { stdout } = await execFileAsync(
        python,
        [
          '-m',
          'cartridge_trainer',
          'bench',
          '--json',
          '--games',
          games.join(','),
          '--steps',
          String(steps),
          '--threads',
          String(threads),
          '--batch-size',
          String(batch),
          '--device',
          'cpu',
        ],
        { env: { ...process.env, PYTHONPATH: trainerDir }, maxBuffer: 16 << 20 },
      );
      const report = JSON.parse(stdout) as TrainerBenchReport;
      for (const result of report.results) {
        perGame.set(result.env_id, [...(perGame.get(result.env_id) ?? []), result]);
      }
    }
    for (const [game, results] of perGame) {
      const first = results[0]!;
      if (threads === threadCounts[0]) {
        ctx.note(`${game}: ${first.network.kind} net, ${first.parameters} params, batch ${first.batch_size}`);
      }
      const params = { game, batch: first.batch_size, threads };
      ctx.record(
        makeFigure(
          'train steps/s',
          'steps/s',
          params,
          results.map((r) => r.steps_per_second),
        ),
      );
      ctx.record(
        makeFigure(
          'train samples/s',
          'samples/s',
          params,
          results.map((r) => r.samples_per_second),
        ),
      );
      ctx.record(
        makeFigure(
          'replay sample latency (SQLite, trainer)',
          'ms',
          params,
          results.map((r) => r.replay_sample_ms),
          'lower',
        ),
      );
    }
  }
}

export const trainSuite: BenchSuite = {
  name: 'train',
  description: 'trainer steps/s and samples/s per default net (python3 -m cartridge_trainer bench)',
  unavailable: async () => {
    if (!existsSync(join(trainerDir, 'cartridge_trainer', 'bench.py'))) {
      return 'the trainer bench (trainer/cartridge_trainer/bench.py) is missing';
    }
    if (!findTorchPython()) return 'no python3 with torch found (apt-get install python3-torch)';
    return undefined;
  },
  run,
};
