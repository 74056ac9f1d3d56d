// Replay buffer throughput: insert rates per batch size on SQLite and PostgreSQL against the seed's
// one-INSERT-per-transition baseline, sample latency, and the writer-scaling curve (1..16 concurrent
// writer processes). Standalone: `node --import tsx bench/replay.ts [--quick] [--json]`.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type Episode, openReplayStore, type ReplayStore, syntheticEpisode } from '../src/replay/index.js';

type Target = { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };

export interface WriteFigure {
  backend: 'sqlite' | 'postgres';
  /** Transitions per write call (1 = one 1-step episode per transaction); 'seed' = one INSERT per transition. */
  batch: number | 'seed-baseline';
  transitions: number;
  seconds: number;
  transitionsPerSecond: number;
}

export interface SampleFigure {
  backend: 'sqlite' | 'postgres';
  rows: number;
  window: number;
  n: number;
  medianMs: number;
  p95Ms: number;
}

export interface ScalingFigure {
  backend: 'sqlite' | 'postgres';
  writers: number;
  transitions: number;
  seconds: number;
  transitionsPerSecond: number;
  /** Mean / worst wall time of one 64-transition batch write, as a writer sees it. */
  meanBatchMs: number;
  maxBatchMs: number;
  retries: number;
  busyErrors: number;
  connectionErrors: number;
  failures: number;
}

export interface ReplayBenchResult {
  quick: boolean;
  obsSize: number;
  numActions: number;
  episodeSteps: number;
  writes: WriteFigure[];
  sampling: SampleFigure[];
  scaling: ScalingFigure[];
  notes: string[];
}

const OBS = 93; // Connect4-sized rows: 372-byte observation, 28-byte policy
const ACTIONS = 7;
const STEPS = 8;
const SELF = fileURLToPath(import.meta.url);
const PG_ADMIN_URL = process.env.CARTRIDGE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let episodeCounter = 0;
function episodes(count: number, steps: number, prefix: string): Episode[] {
  return Array.from({ length: count }, () =>
    syntheticEpisode({
      envId: 'connect4',
      episodeId: `${prefix}-${episodeCounter++}`,
      steps,
      obsSize: OBS,
      numActions: ACTIONS,
    }),
  );
}

/** A write call of `batch` transitions: one 1-step episode for batch 1, else batch/STEPS episodes. */
function batchOf(batch: number, prefix: string): Episode[] {
  return batch < STEPS ? episodes(batch, 1, prefix) : episodes(batch / STEPS, STEPS, prefix);
}

async function measureWrites(store: ReplayStore, batch: number, budgetMs: number, maxTransitions: number) {
  let transitions = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs && transitions < maxTransitions) {
    const result = await store.writeEpisodes(batchOf(batch, `b${batch}`));
    transitions += result.transitionsWritten;
  }
  return { transitions, seconds: (performance.now() - start) / 1000 };
}

const INSERT_COLUMNS = `(id, env_id, episode_id, step_number, state, action, next_state, observation,
  next_observation, reward, done, timestamp, policy_probs, mcts_value, game_outcome, seq)`;

/** The seed's way: every transition its own INSERT statement, autocommitted. */
async function seedBaseline(target: Target, budgetMs: number, maxTransitions: number) {
  const obs = Buffer.alloc(OBS * 4, 1);
  const policy = Buffer.alloc(ACTIONS * 4, 2);
  const action = Buffer.alloc(4);
  const empty = Buffer.alloc(0);
  let transitions = 0;
  const start = performance.now();
  if (target.backend === 'sqlite') {
    const db = new Database(target.path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const insert = db.prepare(
      `INSERT INTO transitions ${INSERT_COLUMNS} VALUES (?, 'connect4', ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, 0, 0,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM transitions))`,
    );
    while (performance.now() - start < budgetMs && transitions < maxTransitions) {
      const id = `seed-${transitions}`;
      insert.run(`${id}:0`, id, 0, empty, action, empty, obs, obs, policy);
      transitions++;
    }
    db.close();
  } else {
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    while (performance.now() - start < budgetMs && transitions < maxTransitions) {
      const id = `seed-${transitions}`;
      await pool.query(
        `INSERT INTO transitions ${INSERT_COLUMNS.replace(', seq)', ')')}
         VALUES ($1, 'connect4', $2, $3, $4, $5, $6, $7, $8, 0, false, 0, $9, 0, 0)`,
        [`${id}:0`, id, 0, empty, action, empty, obs, obs, policy],
      );
      transitions++;
    }
    await pool.end();
  }
  return { transitions, seconds: (performance.now() - start) / 1000 };
}

async function measureSampling(store: ReplayStore, rows: number, window: number, n: number, repeats: number) {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await store.sample('connect4', n, { window, seed: i + 1 });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    rows,
    window,
    n,
    medianMs: round(times[Math.floor(times.length / 2)]!),
    p95Ms: round(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!),
  };
}

interface WriterReport {
  transitions: number;
  batches: number;
  totalBatchMs: number;
  maxBatchMs: number;
  counters: { retries: number; busyErrors: number; connectionErrors: number; failures: number };
}

/** Child process: open, report ready, write 64-transition batches until the deadline, report. */
async function writerMain(job: { target: Target; writer: number; durationMs: number }): Promise<void> {
  const store = openReplayStore({ ...job.target, attempts: 50, baseDelayMs: 5, maxDelayMs: 200 });
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const report: WriterReport = {
    transitions: 0,
    batches: 0,
    totalBatchMs: 0,
    maxBatchMs: 0,
    counters: store.counters,
  };
  const deadline = performance.now() + job.durationMs;
  while (performance.now() < deadline) {
    const batch = batchOf(64, `w${job.writer}`);
    const start = performance.now();
    try {
      report.transitions += (await store.writeEpisodes(batch)).transitionsWritten;
    } catch {
      // counted in store.counters.failures (the batch failed after all retries)
    }
    const ms = performance.now() - start;
    report.batches++;
    report.totalBatchMs += ms;
    report.maxBatchMs = Math.max(report.maxBatchMs, ms);
  }
  await store.close();
  process.send?.({ ...report, counters: { ...store.counters } });
}

async function measureScaling(target: Target, writers: number, durationMs: number): Promise<ScalingFigure> {
  const children = Array.from({ length: writers }, (_, writer) =>
    fork(SELF, ['--writer', JSON.stringify({ target, writer, durationMs })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  const start = performance.now();
  const reports = await Promise.all(
    children.map(
      (child) =>
        new Promise<WriterReport>((resolve, reject) => {
          let report: WriterReport | undefined;
          child.on('message', (message) => {
            report = message as WriterReport;
          });
          child.once('exit', (code) =>
            report ? resolve(report) : reject(new Error(`bench writer exited ${code}`)),
          );
          child.send('go');
        }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  const sum = (f: (r: WriterReport) => number) => reports.reduce((s, r) => s + f(r), 0);
  const transitions = sum((r) => r.transitions);
  return {
    backend: target.backend,
    writers,
    transitions,
    seconds: round(seconds),
    transitionsPerSecond: Math.round(transitions / (durationMs / 1000)),
    meanBatchMs: round(
      sum((r) => r.totalBatchMs) /
        Math.max(
          1,
          sum((r) => r.batches),
        ),
    ),
    maxBatchMs: round(Math.max(...reports.map((r) => r.maxBatchMs))),
    retries: sum((r) => r.counters.retries),
    busyErrors: sum((r) => r.counters.busyErrors),
    connectionErrors: sum((r) => r.counters.connectionErrors),
    failures: sum((r) => r.counters.failures),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function freshTarget(
  backend: 'sqlite' | 'postgres',
  cleanup: Array<() => Promise<void>>,
): Promise<Target> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cartridge-bench-replay-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    return { backend, path: join(dir, 'replay.db') };
  }
  const name = `cartridge_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanup.push(async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { backend, url: url.toString() };
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function benchReplay(opts: { quick: boolean }): Promise<ReplayBenchResult> {
  const quick = opts.quick;
  const result: ReplayBenchResult = {
    quick,
    obsSize: OBS,
    numActions: ACTIONS,
    episodeSteps: STEPS,
    writes: [],
    sampling: [],
    scaling: [],
    notes: [],
  };
  const backends: Array<'sqlite' | 'postgres'> = ['sqlite'];
  if (await postgresReachable()) backends.push('postgres');
  else
    result.notes.push(
      `PostgreSQL not reachable at ${PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')}: sqlite only`,
    );
  const budgetMs = quick ? 400 : 3000;
  const maxTransitions = quick ? 5_000 : 400_000;
  const sampleRows = quick ? 5_000 : 100_000;
  const scalingMs = quick ? 800 : 4000;
  const writerCounts = quick ? [1, 2, 4] : [1, 2, 4, 8, 16];
  const cleanup: Array<() => Promise<void>> = [];
  try {
    for (const backend of backends) {
      const target = await freshTarget(backend, cleanup);
      const store = openReplayStore(target);
      await store.migrate();
      const baseline = await seedBaseline(target, budgetMs, maxTransitions);
      result.writes.push({
        backend,
        batch: 'seed-baseline',
        ...baseline,
        seconds: round(baseline.seconds),
        transitionsPerSecond: Math.round(baseline.transitions / baseline.seconds),
      });
      for (const batch of [1, 64, 1024]) {
        const figure = await measureWrites(store, batch, budgetMs, maxTransitions);
        result.writes.push({
          backend,
          batch,
          ...figure,
          seconds: round(figure.seconds),
          transitionsPerSecond: Math.round(figure.transitions / figure.seconds),
        });
      }
      // Sampling on a table of `sampleRows` rows (topped up with 1024-transition batches).
      let rows = await store.count();
      while (rows < sampleRows) rows += (await store.writeEpisodes(batchOf(1024, 'fill'))).transitionsWritten;
      if (target.backend === 'postgres') {
        // Fresh bulk-loaded table: give the planner the statistics autovacuum would gather within a minute.
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        await client.query('ANALYZE transitions');
        await client.end();
      }
      for (const n of [256, 1024]) {
        result.sampling.push({
          backend,
          ...(await measureSampling(store, rows, Math.floor(rows / 2), n, quick ? 5 : 30)),
        });
      }
      await store.close();
      for (const writers of writerCounts) {
        const scalingTarget = await freshTarget(backend, cleanup);
        const setup = openReplayStore(scalingTarget);
        await setup.migrate();
        await setup.close();
        result.scaling.push(await measureScaling(scalingTarget, writers, scalingMs));
      }
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
  return result;
}

export function formatReplayBench(result: ReplayBenchResult): string {
  const lines = [
    `### Replay writes (rows: obs ${result.obsSize} floats, policy ${result.numActions}; episodes of ${result.episodeSteps} steps)`,
    '',
    '| backend | batch (transitions/call) | transitions/s |',
    '|---|---|---|',
    ...result.writes.map(
      (w) =>
        `| ${w.backend} | ${w.batch === 'seed-baseline' ? 'seed: 1 INSERT per transition, autocommit' : w.batch} | ${w.transitionsPerSecond} |`,
    ),
    '',
    '### Sample latency (uniform over the newest window, rejection sampling by seq)',
    '',
    '| backend | rows | window | n | median ms | p95 ms |',
    '|---|---|---|---|---|---|',
    ...result.sampling.map(
      (s) => `| ${s.backend} | ${s.rows} | ${s.window} | ${s.n} | ${s.medianMs} | ${s.p95Ms} |`,
    ),
    '',
    '### Writer scaling (processes writing 64-transition batches concurrently)',
    '',
    '| backend | writers | transitions/s | mean batch ms | max batch ms | retries | busy | conn errors | failures |',
    '|---|---|---|---|---|---|---|---|---|',
    ...result.scaling.map(
      (s) =>
        `| ${s.backend} | ${s.writers} | ${s.transitionsPerSecond} | ${s.meanBatchMs} | ${s.maxBatchMs} | ${s.retries} | ${s.busyErrors} | ${s.connectionErrors} | ${s.failures} |`,
    ),
  ];
  if (result.notes.length) lines.push('', ...result.notes.map((n) => `Note: ${n}`));
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args[0] === '--writer') {
    await writerMain(JSON.parse(args[1]!));
  } else {
    const result = await benchReplay({ quick: args.includes('--quick') });
    process.stdout.write(
      args.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : `${formatReplayBench(result)}\n`,
    );
  }
}
