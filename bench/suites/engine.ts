// Game engine speed: uniformly random playouts per second, the whole loop (legal moves,
// play, terminal check) inside C++ with one N-API call per batch of playouts.
import type { BenchSuite, SuiteContext } from '../../src/bench/index.js';
import { makeFigure, seconds } from '../../src/bench/index.js';
import { loadAddon } from '../../src/native/index.js';

const GAMES = ['tictactoe', 'connect4', 'othello', 'othello6'];

interface PlayoutRun {
  playouts: number;
  /** Wall seconds of the C++ loop. */
  seconds: number;
  /** CPU seconds of the thread: the fair figure when other processes share the cores. */
  cpuSeconds: number;
  plies: number;
}

interface EngineAddon {
  benchRandomPlayouts(envId: string, count: number, seed: number): PlayoutRun;
}

function engineAddon(): EngineAddon | undefined {
  try {
    const addon = loadAddon();
    return typeof addon.benchRandomPlayouts === 'function' ? (addon as unknown as EngineAddon) : undefined;
  } catch {
    return undefined;
  }
}

async function run(ctx: SuiteContext): Promise<void> {
  const addon = engineAddon()!;
  const target = ctx.quick ? 0.05 : 0.5; // seconds per repeat
  for (const game of GAMES) {
    // Calibrate the count so each repeat runs about `target` seconds.
    let count = 100;
    let took = await seconds(() => addon.benchRandomPlayouts(game, count, 1));
    while (took < target / 4 && count < 1e8) {
      count *= 4;
      took = await seconds(() => addon.benchRandomPlayouts(game, count, 1));
    }
    count = Math.max(1, Math.round((count * target) / Math.max(took, 1e-6)));
    let seed = 2;
    const runs: PlayoutRun[] = [];
    for (let r = 0; r < ctx.repeats; r++) runs.push(addon.benchRandomPlayouts(game, count, seed++));
    const params = { game };
    ctx.record(
      makeFigure(
        'random playouts/s',
        'playouts/s',
        params,
        runs.map((r) => r.playouts / r.seconds),
      ),
    );
    ctx.record(
      makeFigure(
        'random playouts per CPU second',
        'playouts/s',
        params,
        runs.map((r) => r.playouts / r.cpuSeconds),
      ),
    );
    ctx.record(
      makeFigure(
        'random plies/s',
        'plies/s',
        params,
        runs.map((r) => r.plies / r.seconds),
      ),
    );
  }
}

export const engineSuite: BenchSuite = {
  name: 'engine',
  description: 'random playouts/s per game (C++ engines)',
  unavailable: async () =>
    engineAddon() ? undefined : 'the addon does not export benchRandomPlayouts(envId, count, seed) yet',
  run,
};
