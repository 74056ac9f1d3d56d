// The Actor class end to end: real ONNX models in piscina workers, a real SQLite buffer, every stored
// episode replayed through the C++ rules (test/helpers/actor-checks.ts).
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Actor, type ActorOptions } from '../src/actor/index.js';
import { gameShape } from '../src/games/index.js';
import { modelVersionOf } from '../src/inference/index.js';
import { ActorMetrics } from '../src/metrics/index.js';
import { openReplayStore, type ReplayStore } from '../src/replay/index.js';
import {
  checkEpisodes,
  sqliteEpisodeCount,
  sqliteEpisodeIds,
  sqliteRows,
  waitFor,
} from './helpers/actor-checks.js';
import { writeTestModel } from './helpers/models.js';

interface Fixture {
  dir: string;
  dbPath: string;
  modelFile: string;
  store: ReplayStore;
  options: (overrides?: Partial<ActorOptions>) => ActorOptions;
  dispose: () => Promise<void>;
}

async function fixture(envId: string): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-actor-'));
  const dbPath = join(dir, 'replay.db');
  const store = openReplayStore({ backend: 'sqlite', path: dbPath });
  await store.migrate();
  const shape = gameShape(envId);
  mkdirSync(join(dir, 'models'));
  const modelFile = join(dir, 'models', 'latest.onnx');
  return {
    dir,
    dbPath,
    modelFile,
    store,
    options: (overrides = {}) => ({
      envId,
      shape,
      workers: 1,
      gamesPerWorker: 4,
      arenasPerWorker: 2,
      search: {
        simulations: 12,
        cPuct: 1.5,
        fpuReduction: 0.25,
        cacheSize: 1024,
        dirichletAlpha: Math.min(1, 10 / shape.numActions),
        dirichletEpsilon: 0.25,
        temperature: 1,
        temperatureMoves: 3,
      },
      intraOpThreads: 1,
      executionProvider: 'cpu',
      modelFile,
      modelPollMs: 100,
      replay: store,
      writeBatchEpisodes: 2,
      episodes: 0,
      iteration: null,
      seed: 12345,
      ...overrides,
    }),
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a model next to `target` and renames it in, as the trainer publishes (atomic for readers). */
function publish(target: string, source: string): string {
  const tmp = `${target}.tmp-${process.pid}`;
  copyFileSync(source, tmp);
  renameSync(tmp, target);
  return modelVersionOf(target);
}

for (const [envId, episodes, sims] of [
  ['tictactoe', 12, 16],
  ['connect4', 4, 8],
] as const) {
  test(`${envId}: writes exactly ${episodes} complete, legal episodes with the model's version`, async (t) => {
    const f = await fixture(envId);
    try {
      const shape = gameShape(envId);
      const modelPath = writeTestModel(join(f.dir, 'model.onnx'), shape, { seed: 3 });
      const version = publish(f.modelFile, modelPath);
      const metrics = new ActorMetrics();
      const actor = await Actor.start(
        f.options({
          episodes,
          metrics,
          search: { ...f.options().search, simulations: sims },
        }),
      );
      const summary = await actor.done;
      t.is(summary.episodes, episodes);
      t.is(summary.modelVersion, version);
      t.true(summary.evaluations > 0, 'the summary counts the workers’ network evaluations');
      t.is(
        summary.evaluations,
        summary.workers.reduce((s, w) => s + w.networkEvaluations, 0),
      );
      t.true(summary.positions >= episodes * (envId === 'tictactoe' ? 5 : 7));

      const stored = checkEpisodes(envId, sqliteRows(f.dbPath));
      t.is(stored.length, episodes);
      t.is(
        stored.reduce((s, e) => s + e.steps, 0),
        summary.positions,
      );
      t.deepEqual(new Set(stored.map((e) => e.modelVersion)), new Set([version]));
      t.is(await f.store.count(envId), summary.positions);
      const text = await metrics.registry.metrics();
      t.regex(text, new RegExp(`cartridge_actor_episodes_total ${episodes}\\b`));
      t.true(text.includes(`cartridge_actor_model_info{version="${version}"} 1`));
    } finally {
      await f.dispose();
    }
  });
}

test('no model file: the uniform bootstrap plays legal games and records version "uniform"', async (t) => {
  const f = await fixture('tictactoe');
  try {
    const actor = await Actor.start(f.options({ episodes: 6, workers: 2, gamesPerWorker: 2 }));
    const summary = await actor.done;
    t.is(summary.episodes, 6);
    t.is(summary.workers.length, 2);
    const stored = checkEpisodes('tictactoe', sqliteRows(f.dbPath));
    t.is(stored.length, 6);
    t.true(stored.every((e) => e.modelVersion === 'uniform'));
  } finally {
    await f.dispose();
  }
});

test.serial(
  'hot reload: a model renamed into latest.onnx mid-run is what later episodes record',
  async (t) => {
    const f = await fixture('tictactoe');
    try {
      const shape = gameShape('tictactoe');
      const first = publish(f.modelFile, writeTestModel(join(f.dir, 'a.onnx'), shape, { seed: 1 }));
      const second = modelVersionOf(writeTestModel(join(f.dir, 'b.onnx'), shape, { seed: 2 }));
      t.not(first, second);
      const actor = await Actor.start(f.options());
      await waitFor('episodes of the first model', () => sqliteEpisodeCount(f.dbPath) >= 4);
      t.is(actor.progress().modelVersion, first);
      publish(f.modelFile, join(f.dir, 'b.onnx'));
      await waitFor('episodes of the second model', () => sqliteEpisodeCount(f.dbPath, second) > 0);
      const before = sqliteEpisodeCount(f.dbPath);
      await waitFor('more episodes after the swap', () => sqliteEpisodeCount(f.dbPath) >= before + 4);
      const summary = await actor.stop(10_000);
      t.is(summary.modelVersion, second);

      const stored = checkEpisodes('tictactoe', sqliteRows(f.dbPath));
      t.is(stored.length, summary.episodes);
      const versions = stored.map((e) => e.modelVersion);
      const switchAt = versions.indexOf(second);
      t.true(switchAt >= 4, 'episodes of the first model come first');
      t.true(versions.slice(0, switchAt).every((v) => v === first));
      t.true(
        versions.slice(switchAt).every((v) => v === second),
        'once swapped, no episode records the old model',
      );
    } finally {
      await f.dispose();
    }
  },
);

test.serial('the uniform bootstrap picks up the first model published while it plays', async (t) => {
  const f = await fixture('tictactoe');
  try {
    const actor = await Actor.start(f.options({ search: { ...f.options().search, simulations: 24 } }));
    await waitFor('bootstrap episodes', () => sqliteEpisodeCount(f.dbPath, 'uniform') >= 4);
    const version = publish(
      f.modelFile,
      writeTestModel(join(f.dir, 'first.onnx'), gameShape('tictactoe'), { seed: 9 }),
    );
    await waitFor('episodes of the published model', () => sqliteEpisodeCount(f.dbPath, version) >= 2, {
      timeoutMs: 30_000,
    });
    const summary = await actor.stop(10_000);
    t.is(summary.modelVersion, version);
    const versions = checkEpisodes('tictactoe', sqliteRows(f.dbPath)).map((e) => e.modelVersion);
    const switchAt = versions.indexOf(version);
    t.true(versions.slice(0, switchAt).every((v) => v === 'uniform'));
    t.true(versions.slice(switchAt).every((v) => v === version));
  } finally {
    await f.dispose();
  }
});

test.serial(
  'a truncated or corrupt latest.onnx is rejected and play goes on with the old model',
  async (t) => {
    const f = await fixture('tictactoe');
    try {
      const shape = gameShape('tictactoe');
      const good = writeTestModel(join(f.dir, 'good.onnx'), shape, { seed: 5 });
      const version = publish(f.modelFile, good);
      const actor = await Actor.start(f.options());
      await waitFor('first episodes', () => sqliteEpisodeCount(f.dbPath) >= 2);

      const bytes = readFileSync(good);
      const truncated = join(f.dir, 'truncated.onnx');
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const garbage = join(f.dir, 'garbage.onnx');
      writeFileSync(garbage, Buffer.from('not an onnx model at all\n'.repeat(40)));
      const wrongShape = writeTestModel(
        join(f.dir, 'wrong.onnx'),
        { obsSize: 93, numActions: 7 },
        { seed: 5 },
      );
      for (const bad of [truncated, garbage, wrongShape]) {
        publish(f.modelFile, bad);
        // Several polls (100 ms) pass while play continues.
        const before = sqliteEpisodeCount(f.dbPath);
        await waitFor('play to go on', () => sqliteEpisodeCount(f.dbPath) >= before + 2);
        await new Promise((resolve) => setTimeout(resolve, 350));
        t.is(actor.progress().modelVersion, version, `${bad} was not swapped in`);
        t.true(actor.ready);
      }
      const summary = await actor.stop(10_000);
      const stored = checkEpisodes('tictactoe', sqliteRows(f.dbPath));
      t.is(stored.length, summary.episodes);
      t.true(stored.length >= 8);
      t.true(stored.every((e) => e.modelVersion === version));
    } finally {
      await f.dispose();
    }
  },
);

test.serial(
  'stop() drains: only complete episodes, summary agrees with the buffer, workers reported',
  async (t) => {
    const f = await fixture('connect4');
    try {
      const actor = await Actor.start(
        f.options({ workers: 2, gamesPerWorker: 6, search: { ...f.options().search, simulations: 8 } }),
      );
      t.true(actor.ready);
      // Episode ids name their worker (…-w<i>a<j>-<n>): wait until both have written some.
      await waitFor('episodes of both workers', () => {
        const ids = sqliteEpisodeIds(f.dbPath);
        return ids.some((id) => id.includes('-w0a')) && ids.some((id) => id.includes('-w1a'));
      });
      const started = Date.now();
      const stopping = actor.stop(10_000);
      t.false(actor.ready, 'not ready once draining');
      const summary = await stopping;
      t.true(Date.now() - started < 5_000, 'drained quickly');
      t.deepEqual(await actor.done, summary);
      const stored = checkEpisodes('connect4', sqliteRows(f.dbPath));
      t.is(stored.length, summary.episodes);
      t.is(
        stored.reduce((s, e) => s + e.steps, 0),
        summary.positions,
      );
      t.is(summary.workers.length, 2);
      t.true(summary.workers.every((w) => w.networkEvaluations > 0 && w.simulations > 0));
      t.is(
        summary.evaluations,
        summary.workers.reduce((s, w) => s + w.networkEvaluations, 0),
      );
    } finally {
      await f.dispose();
    }
  },
);
