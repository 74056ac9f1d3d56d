import test from 'ava';
import Database from 'better-sqlite3';
import { ReplayRetryError, syntheticEpisode } from '../src/replay/index.js';
import { sqliteHarness } from './helpers/replay-backends.js';
import { replaySuite } from './helpers/replay-suite.js';

replaySuite(test, sqliteHarness);

test('sqlite: WAL mode and the configured busy timeout', async (t) => {
  const h = await sqliteHarness();
  try {
    const store = h.open({ busyTimeoutMs: 1234 });
    await store.migrate();
    const db = new Database(h.target.backend === 'sqlite' ? h.target.path : '');
    t.is(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    t.is(store.location, (h.target as { path: string }).path);
  } finally {
    await h.dispose();
  }
});

test('sqlite: a busy file is retried with backoff, then surfaces clearly', async (t) => {
  const h = await sqliteHarness();
  const path = (h.target as { path: string }).path;
  try {
    const store = h.open({ busyTimeoutMs: 20, attempts: 3, baseDelayMs: 5 });
    await store.migrate();
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE'); // another connection holds the write lock
    const episode = syntheticEpisode({ episodeId: 'busy', steps: 3 });
    const error = await t.throwsAsync(() => store.writeEpisodes([episode]), { instanceOf: ReplayRetryError });
    t.regex(error.message, /write of 1 episodes .* failed after 3 attempts \(database busy\)/);
    t.is(store.counters.busyErrors, 3);
    t.is(store.counters.retries, 2);
    t.is(store.counters.failures, 1);
    // Released while the store backs off: the write goes through, exactly once.
    const patient = h.open({ busyTimeoutMs: 20, attempts: 12, baseDelayMs: 20 });
    setTimeout(() => locker.exec('COMMIT'), 150);
    const result = await patient.writeEpisodes([episode]);
    t.is(result.episodesWritten, 1);
    t.true(patient.counters.retries > 0);
    locker.close();
    t.is((await h.rows('busy')).length, 3);
  } finally {
    await h.dispose();
  }
});

test('sqlite: upgrades a seed database in place', async (t) => {
  const h = await sqliteHarness();
  const path = (h.target as { path: string }).path;
  try {
    const seed = new Database(path);
    seed.exec(`CREATE TABLE transitions (id TEXT PRIMARY KEY, env_id TEXT NOT NULL, episode_id TEXT NOT NULL,
      step_number INTEGER NOT NULL, state BLOB NOT NULL, action BLOB NOT NULL, next_state BLOB NOT NULL,
      observation BLOB NOT NULL, next_observation BLOB NOT NULL, reward REAL NOT NULL, done INTEGER NOT NULL,
      timestamp INTEGER NOT NULL, policy_probs BLOB, mcts_value REAL DEFAULT 0.0, game_outcome REAL,
      created_at TEXT DEFAULT CURRENT_TIMESTAMP)`);
    const insert = seed.prepare(
      `INSERT INTO transitions (id, env_id, episode_id, step_number, state, action, next_state, observation,
        next_observation, reward, done, timestamp, policy_probs, mcts_value, game_outcome)
       VALUES (?, 'tictactoe', 'old', ?, x'', x'00000000', x'', ?, ?, 0, 0, 1, ?, 0, 1)`,
    );
    const obs = Buffer.alloc(29 * 4);
    for (let i = 0; i < 3; i++) insert.run(`old:${i}`, i, obs, obs, Buffer.alloc(36));
    seed.close();
    const store = h.open();
    t.is(await store.migrate(), 2);
    await store.writeEpisodes([syntheticEpisode({ episodeId: 'new', steps: 2 })]);
    t.deepEqual(
      (await h.rows()).map((r) => [r.id, r.seq]),
      [
        ['old:0', 1],
        ['old:1', 2],
        ['old:2', 3],
        ['new:0', 4],
        ['new:1', 5],
      ],
    );
  } finally {
    await h.dispose();
  }
});
