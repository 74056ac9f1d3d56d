// `cartridge actor` as a child process, the way a laptop user or a Kubernetes pod runs it:
// the acceptance run, SIGTERM drain with the probe endpoints up, SIGKILL, and the PostgreSQL backend.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { gameShape } from '../src/games/index.js';
import { modelVersionOf } from '../src/inference/index.js';
import {
  checkEpisodes,
  freePort,
  postgresRows,
  sqliteEpisodeCount,
  sqliteRows,
  startCli,
  waitFor,
} from './helpers/actor-checks.js';
import { writeTestModel } from './helpers/models.js';
import { createPgDatabase } from './helpers/replay-backends.js';

function tempDir(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-actor-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A data dir whose models/latest.onnx and best.onnx are the same small real model (as after a
 * promotion), so the test holds whichever one training.generate_with points the actor at.
 */
function dataDirWithModel(dir: string, envId: string): string {
  mkdirSync(join(dir, 'models'), { recursive: true });
  const file = writeTestModel(join(dir, 'models', 'latest.onnx'), gameShape(envId), { seed: 11 });
  copyFileSync(file, join(dir, 'models', 'best.onnx'));
  return modelVersionOf(file);
}

/** Generous: a child's start-up (tsx, addon, ONNX Runtime) takes seconds alone, far more on a busy 2-core box. */
const STARTUP = { timeoutMs: 90_000 };

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

test('acceptance: `actor --game connect4 --episodes 20` on a fresh dir writes 20 complete episodes; db stats shows them', async (t) => {
  const cwd = tempDir(t);
  const run = startCli(['actor', '--game', 'connect4', '--episodes', '20'], { cwd });
  const result = await run.exited;
  t.is(result.code, 0, result.stderr);
  t.is(lastJsonLine(result.stdout).episodes, 20);

  const stored = checkEpisodes('connect4', sqliteRows(join(cwd, 'data', 'replay.db')));
  t.is(stored.length, 20);
  t.true(stored.every((e) => e.modelVersion === 'uniform'));

  const stats = await startCli(['db', 'stats', '--json'], { cwd }).exited;
  t.is(stats.code, 0, stats.stderr);
  const parsed = JSON.parse(stats.stdout) as {
    episodes: number;
    rows: number;
    perEnv: { envId: string; episodes: number }[];
  };
  t.is(parsed.episodes, 20);
  t.is(
    parsed.rows,
    stored.reduce((s, e) => s + e.steps, 0),
  );
  t.deepEqual(
    parsed.perEnv.map((e) => [e.envId, e.episodes]),
    [['connect4', 20]],
  );
});

test('SIGTERM drains and exits 0 in time; /health, /ready and /metrics respond meanwhile', async (t) => {
  const dir = tempDir(t);
  const version = dataDirWithModel(dir, 'tictactoe');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run = startCli([
    'actor',
    '--game',
    'tictactoe',
    '--forever',
    '--games-per-worker',
    '4',
    '--sims',
    '16',
    '--data-dir',
    dir,
    '--metrics-port',
    String(port),
  ]);
  let exited = false;
  void run.exited.then(() => (exited = true));
  t.teardown(() => {
    if (!exited) run.child.kill('SIGKILL');
  });
  const dbPath = join(dir, 'replay.db');
  const get = async (path: string) => {
    try {
      return await fetch(`${base}${path}`);
    } catch {
      return undefined; // not listening yet
    }
  };

  const health = await waitFor(
    '/health',
    () => (exited ? Promise.reject(new Error('exited')) : get('/health')),
    STARTUP,
  );
  t.is(health.status, 200);
  t.deepEqual(await health.json(), { status: 'ok' });
  const ready = await get('/ready');
  t.is(ready?.status, 200);
  await waitFor('episodes in the buffer', () => sqliteEpisodeCount(dbPath) >= 5, STARTUP);
  const metrics = await waitFor('the episode counter to move', async () => {
    const text = await (await get('/metrics'))?.text();
    const match = text?.match(/^cartridge_actor_episodes_total (\d+)$/m);
    return match && Number(match[1]) > 0 ? text : undefined;
  });
  for (const name of [
    'cartridge_actor_positions_total',
    'cartridge_actor_inference_seconds_bucket',
    'cartridge_actor_replay_write_seconds_count',
    'cartridge_actor_batch_fill',
  ])
    t.true(metrics.includes(name), name);
  const evaluations = await waitFor('the evaluation counter to move', async () => {
    const text = await (await get('/metrics'))?.text();
    return Number(text?.match(/^cartridge_actor_network_evaluations_total (\d+)$/m)?.[1] ?? 0);
  });
  t.true(evaluations > 0);
  t.true(metrics.includes(`cartridge_actor_model_info{version="${version}"} 1`));

  const signalled = Date.now();
  run.child.kill('SIGTERM');
  const result = await run.exited;
  const seconds = (Date.now() - signalled) / 1000;
  t.is(result.code, 0, result.stderr);
  t.true(seconds < 15, `exited ${seconds.toFixed(1)} s after SIGTERM (grace 25 s)`);
  t.regex(result.stderr, /draining/);

  const stored = checkEpisodes('tictactoe', sqliteRows(dbPath));
  const summary = lastJsonLine(result.stdout);
  t.is(summary.episodes, stored.length, 'every episode the actor counted is in the buffer');
  t.is(
    summary.positions,
    stored.reduce((s, e) => s + e.steps, 0),
  );
  t.true(stored.every((e) => e.modelVersion === version));
});

test('SIGKILL mid-run leaves only complete episodes', async (t) => {
  const dir = tempDir(t);
  const run = startCli([
    'actor',
    '--game',
    'connect4',
    '--forever',
    '--workers',
    '2',
    '--games-per-worker',
    '8',
    '--sims',
    '8',
    '--data-dir',
    dir,
  ]);
  const dbPath = join(dir, 'replay.db');
  try {
    await waitFor('episodes in the buffer', () => sqliteEpisodeCount(dbPath) >= 20, STARTUP);
  } finally {
    run.child.kill('SIGKILL');
  }
  const result = await run.exited;
  t.is(result.signal, 'SIGKILL');
  // Every episode: rows 0..k-1, exactly one done (the last), a finished legal game.
  const stored = checkEpisodes('connect4', sqliteRows(dbPath));
  t.true(stored.length >= 20);
});

test('PostgreSQL backend: --replay-url postgres://… writes complete episodes', async (t) => {
  const dir = tempDir(t);
  const version = dataDirWithModel(dir, 'tictactoe');
  const database = await createPgDatabase();
  const url = database.url;
  try {
    const result = await startCli([
      'actor',
      '--game',
      'tictactoe',
      '--episodes',
      '6',
      '--games-per-worker',
      '2',
      '--sims',
      '8',
      '--data-dir',
      dir,
      '--replay-url',
      url,
    ]).exited;
    t.is(result.code, 0, result.stderr);
    const stored = checkEpisodes('tictactoe', await postgresRows(url));
    t.is(stored.length, 6);
    t.true(stored.every((e) => e.modelVersion === version));
  } finally {
    await database.drop();
  }
});
