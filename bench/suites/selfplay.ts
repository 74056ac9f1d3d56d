// Self-play throughput with the real pieces (C++ arena + ORT, default nets): evaluations,
// positions and games per second, batch fill, cache hit rate, and the efficiency ratio
// against raw ORT at the same batch and threads measured in the same run. Then the
// workers × games-per-worker sweep and the ablation (naive batch-1 search vs the arena).
import { Worker } from 'node:worker_threads';
import type { BenchSuite, SuiteContext } from '../../src/bench/index.js';
import { makeFigure, summarize } from '../../src/bench/index.js';
import { OnnxModel } from '../../src/inference/index.js';
import { measureRawInference } from './inference.js';
import { type DefaultNet, defaultNetsUnavailable, exportDefaultNets } from './nets.js';
import {
  type ArenaRunOptions,
  ArenaSession,
  type Measured,
  runArenas,
  runSearcher,
  searchAddonUnavailable,
  sumCounters,
} from './selfplay-driver.js';

const GAMES = ['tictactoe', 'connect4'];
/** Figure-name suffix of the runs with the evaluation cache turned off. */
export const CACHE_OFF = ', evaluation cache off';
/** Plies played with temperature 1 (visit-proportional), then greedy: what keeps games varied. */
const TEMPERATURE_MOVES: Record<string, number> = { tictactoe: 4, connect4: 10 };

interface Knobs {
  simulations: number;
  gamesPerWorker: number;
  arenasPerWorker: number;
  intraOpThreads: number;
  cacheSize: number;
}

function knobs(config: unknown, quick: boolean): Knobs {
  const c = (config ?? {}) as {
    mcts?: { num_simulations?: number; cache_size?: number };
    actor?: { games_per_worker?: number; arenas_per_worker?: number; intra_op_threads?: number };
  };
  return {
    simulations: quick ? 16 : (c.mcts?.num_simulations ?? 100),
    gamesPerWorker: quick ? 16 : (c.actor?.games_per_worker ?? 64),
    arenasPerWorker: c.actor?.arenas_per_worker ?? 2,
    intraOpThreads: c.actor?.intra_op_threads ?? 1,
    cacheSize: c.mcts?.cache_size ?? 65536,
  };
}

/**
 * Positions/s is simulations/s ÷ simulations per move: every move costs exactly that many
 * simulations, and counting simulations is exact in a short window, where counting moves is
 * not (games started together finish their moves together, in bursts).
 */
function rates(m: Measured, simulationsPerMove: number) {
  const c = m.counters;
  return {
    evaluations: c.networkEvaluations / m.seconds,
    positions: c.simulations / simulationsPerMove / m.seconds,
    batchFill: c.batchSteps === 0 ? 0 : c.networkEvaluations / c.batchSteps,
    cacheHitRate: c.cacheLookups === 0 ? 0 : c.cacheHits / c.cacheLookups,
  };
}

// Worker threads do not inherit the main thread's tsx loader: register it, then load the .ts worker.
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(
  new URL('./selfplay-worker.ts', import.meta.url).href,
)}); });`;

/** Runs `workers` worker threads, each with its own ORT session and arenas, over one common window. */
async function runWorkers(
  net: DefaultNet,
  workers: number,
  intraOpThreads: number,
  run: ArenaRunOptions,
): Promise<Measured> {
  const threads = Array.from(
    { length: workers },
    (_, i) =>
      new Worker(WORKER_BOOTSTRAP, {
        eval: true,
        workerData: {
          modelPath: net.path,
          obsSize: net.obsSize,
          numActions: net.numActions,
          intraOpThreads,
          run: { ...run, seed: run.seed * 100 + i },
        },
      }),
  );
  const exited = threads.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  try {
    const ready = threads.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    );
    await Promise.all(ready);
    const results = threads.map(
      (w) =>
        new Promise<Measured>((resolve, reject) => {
          w.once('message', (m: { ok: boolean; measured?: Measured; error?: string }) =>
            m.ok ? resolve(m.measured!) : reject(new Error(`self-play worker failed: ${m.error}`)),
          );
          w.once('error', reject);
        }),
    );
    for (const w of threads) w.postMessage('go');
    const measured = await Promise.all(results);
    return {
      seconds: summarize(measured.map((m) => m.seconds)).median,
      counters: sumCounters(measured.map((m) => m.counters)),
      inferenceSeconds: measured.reduce((s, m) => s + m.inferenceSeconds, 0),
    };
  } finally {
    // Workers exit by themselves after replying; terminate only one that has not after 10 s.
    await Promise.all(
      threads.map((w, i) =>
        Promise.race([exited[i], new Promise((resolve) => setTimeout(resolve, 10_000).unref())]).then(() =>
          w.terminate(),
        ),
      ),
    );
  }
}

/** Plays `repeats` measured windows of one session (the first after a warm-up). */
async function measureWindows(ctx: SuiteContext, session: ArenaSession, simulations: number) {
  const seconds = ctx.quick ? 0.6 : 3;
  const runs: ReturnType<typeof rates>[] = [];
  for (let r = 0; r < ctx.repeats; r++) {
    runs.push(rates(await session.measure(r === 0 ? (ctx.quick ? 0.2 : 0.5) : 0, seconds), simulations));
  }
  return runs;
}

/**
 * Records raw ORT evaluations/s at the batch self-play actually ran (same model, threads and
 * process, right after) and the efficiency ratio against it. `suffix` names the variant.
 */
async function recordEfficiency(
  ctx: SuiteContext,
  model: OnnxModel,
  runs: ReturnType<typeof rates>[],
  params: Record<string, string | number>,
  suffix: string,
): Promise<void> {
  const batch = Math.max(1, Math.round(summarize(runs.map((r) => r.batchFill)).median));
  const raw = await measureRawInference(model, batch, ctx.repeats, ctx.quick ? 0.05 : 0.4);
  const rawMedian = summarize(raw).median;
  ctx.record(
    makeFigure(`raw ORT evaluations/s at self-play batch${suffix}`, 'evals/s', { ...params, batch }, raw),
  );
  ctx.record(
    makeFigure(
      `efficiency ratio (self-play evals/s ÷ raw ORT evals/s)${suffix}`,
      'ratio',
      { ...params, batch },
      runs.map((r) => r.evaluations / rawMedian),
    ),
  );
}

async function headline(ctx: SuiteContext, net: DefaultNet, k: Knobs): Promise<void> {
  const model = await OnnxModel.load(net.path, net, { intraOpThreads: k.intraOpThreads });
  const sessionFor = (cacheSize: number) =>
    new ArenaSession(model, {
      envId: net.envId,
      simulations: k.simulations,
      numGames: k.gamesPerWorker,
      arenas: k.arenasPerWorker,
      cacheSize,
      temperatureMoves: TEMPERATURE_MOVES[net.envId] ?? 8,
      seed: 1,
    });
  try {
    const session = sessionFor(k.cacheSize);
    const runs = await measureWindows(ctx, session, k.simulations);
    const params = {
      game: net.envId,
      workers: 1,
      games: k.gamesPerWorker,
      arenas: k.arenasPerWorker,
      sims: k.simulations,
      threads: k.intraOpThreads,
    };
    const record = (name: string, unit: string, pick: (r: ReturnType<typeof rates>) => number) =>
      ctx.record(makeFigure(name, unit, params, runs.map(pick)));
    record('self-play evaluations/s', 'evals/s', (r) => r.evaluations);
    record('self-play positions/s', 'positions/s', (r) => r.positions);
    // All games start together, so a short window may see no game end: games/s is the
    // steady-state rate, positions/s ÷ mean game length over the whole first wave of games.
    const complete = await session.finishFirstWave(ctx.quick ? 5 : 60);
    const lengths = session.firstWaveLengths;
    if (lengths.length > 0) {
      const meanLength = lengths.reduce((a, b) => a + b, 0) / lengths.length;
      ctx.record(makeFigure('mean game length', 'plies', params, [meanLength]));
      record('self-play games/s', 'games/s', (r) => r.positions / meanLength);
      ctx.note(
        `${net.envId}: games/s = positions/s ÷ mean length of ${lengths.length} self-play games` +
          (complete
            ? ' (the whole first wave)'
            : ' (first wave cut by the time cap: short games over-represented)'),
      );
    } else {
      ctx.note(`${net.envId}: no self-play game finished within the time cap, so no games/s figure`);
    }
    record('average batch fill', 'leaves/batch', (r) => r.batchFill);
    record('cache hit rate', 'fraction', (r) => r.cacheHitRate);
    await recordEfficiency(ctx, model, runs, params, '');
    // With the cache on, most leaves never reach the network, so evals/s measures the cache as
    // much as the pipeline. With it off every leaf is a network evaluation: the ratio is then
    // the pipeline's own cost (tree work, N-API, scheduling) against pure inference.
    if (k.cacheSize > 0) {
      const uncached = await measureWindows(ctx, sessionFor(0), k.simulations);
      ctx.record(
        makeFigure(
          `self-play evaluations/s${CACHE_OFF}`,
          'evals/s',
          params,
          uncached.map((r) => r.evaluations),
        ),
      );
      await recordEfficiency(ctx, model, uncached, params, CACHE_OFF);
    }
  } finally {
    await model.release();
  }
}

async function sweep(ctx: SuiteContext, net: DefaultNet, k: Knobs): Promise<void> {
  const workerCounts = [1, 2];
  const gameCounts = [16, 64, 256];
  let best: { evaluations: number; label: string } | undefined;
  for (const workers of workerCounts) {
    for (const games of gameCounts) {
      ctx.progress(`sweep ${net.envId}: workers=${workers} games/worker=${games}`);
      const runs: ReturnType<typeof rates>[] = [];
      for (let r = 0; r < Math.min(ctx.repeats, 3); r++) {
        const m = await runWorkers(net, workers, k.intraOpThreads, {
          envId: net.envId,
          simulations: k.simulations,
          numGames: games,
          arenas: k.arenasPerWorker,
          cacheSize: k.cacheSize,
          temperatureMoves: TEMPERATURE_MOVES[net.envId] ?? 8,
          seed: r + 1,
          warmupSeconds: 0.5,
          seconds: 2,
        });
        runs.push(rates(m, k.simulations));
      }
      const params = { game: net.envId, workers, games, arenas: k.arenasPerWorker, sims: k.simulations };
      const evals = makeFigure(
        'sweep evaluations/s',
        'evals/s',
        params,
        runs.map((r) => r.evaluations),
      );
      ctx.record(evals);
      ctx.record(
        makeFigure(
          'sweep positions/s',
          'positions/s',
          params,
          runs.map((r) => r.positions),
        ),
      );
      if (!best || evals.median > best.evaluations) {
        best = { evaluations: evals.median, label: `workers=${workers} games_per_worker=${games}` };
      }
    }
  }
  if (best) ctx.note(`${net.envId}: best sweep setting on this machine: ${best.label}`);
}

async function ablation(ctx: SuiteContext, net: DefaultNet, k: Knobs): Promise<void> {
  const seconds = 2;
  const temperatureMoves = TEMPERATURE_MOVES[net.envId] ?? 8;
  const model = await OnnxModel.load(net.path, net, { intraOpThreads: k.intraOpThreads });
  const arena = (games: number, arenas: number, cacheSize: number) => (seed: number) =>
    runArenas(model, {
      envId: net.envId,
      simulations: k.simulations,
      numGames: games,
      arenas,
      cacheSize,
      temperatureMoves,
      seed,
      warmupSeconds: 0.3,
      seconds,
    });
  const searcher = (treeReuse: boolean, cacheSize: number) => (seed: number) =>
    runSearcher(model, {
      envId: net.envId,
      simulations: k.simulations,
      maxBatch: 1,
      cacheSize,
      treeReuse,
      temperatureMoves,
      seed,
      seconds,
    });
  const setups: [string, (seed: number) => Promise<Measured>][] = [
    ['naive: one game, batch 1, no tree reuse, no cache', searcher(false, 0)],
    ['naive + tree reuse', searcher(true, 0)],
    ['naive + tree reuse + cache', searcher(true, k.cacheSize)],
    [
      `arena: ${k.gamesPerWorker} games × ${k.arenasPerWorker} arenas, cache`,
      arena(k.gamesPerWorker, k.arenasPerWorker, k.cacheSize),
    ],
    ['arena without overlap (1 arena)', arena(k.gamesPerWorker, 1, k.cacheSize)],
    ['arena without cache', arena(k.gamesPerWorker, k.arenasPerWorker, 0)],
    ['arena without batching (1 game, batch 1)', arena(1, 1, k.cacheSize)],
  ];
  try {
    let naive = 0;
    for (const [setup, run] of setups) {
      ctx.progress(`ablation ${net.envId}: ${setup}`);
      const runs: ReturnType<typeof rates>[] = [];
      for (let r = 0; r < Math.min(ctx.repeats, 3); r++) runs.push(rates(await run(r + 1), k.simulations));
      const params = { game: net.envId, setup, sims: k.simulations };
      const positions = makeFigure(
        'ablation positions/s',
        'positions/s',
        params,
        runs.map((r) => r.positions),
      );
      if (naive === 0) naive = positions.median;
      ctx.record(positions);
      ctx.record(
        makeFigure(
          'ablation evaluations/s',
          'evals/s',
          params,
          runs.map((r) => r.evaluations),
        ),
      );
      ctx.record(
        makeFigure(
          'ablation speed-up vs naive',
          '×',
          params,
          runs.map((r) => r.positions / naive),
        ),
      );
    }
  } finally {
    await model.release();
  }
  ctx.note(
    `${net.envId} ablation: the arena always keeps the chosen subtree, so tree reuse is measured on the naive ` +
      'searcher (rows 1→2); the searcher plays without root noise, the arena with it.',
  );
}

async function run(ctx: SuiteContext): Promise<void> {
  const k = knobs(ctx.config, ctx.quick);
  ctx.progress(`exporting default nets for ${GAMES.join(', ')}`);
  const nets = exportDefaultNets(ctx.scratchDir, GAMES);
  for (const net of nets) ctx.note(`${net.envId}: ${net.description}, ${k.simulations} simulations/move`);
  for (const net of nets) await headline(ctx, net, k);
  if (ctx.quick) {
    ctx.note('quick mode: the workers × games sweep and the ablation run only in a full run');
    return;
  }
  for (const net of nets) await sweep(ctx, net, k);
  for (const net of nets) await ablation(ctx, net, k);
}

export const selfplaySuite: BenchSuite = {
  name: 'selfplay',
  description: 'self-play evals/positions/games per second, efficiency ratio, worker sweep, ablation',
  unavailable: async () => searchAddonUnavailable() ?? defaultNetsUnavailable(),
  run,
};
