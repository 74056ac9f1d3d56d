import test from 'ava';
import pg from 'pg';
import { openReplayStore, ReplayRetryError, redactUrl, syntheticEpisode } from '../src/replay/index.js';
import { pgQuery, postgresHarness } from './helpers/replay-backends.js';
import { replaySuite } from './helpers/replay-suite.js';

replaySuite(test, postgresHarness);

async function untilSomeoneWaitsForALock(client: pg.Client, dbName: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const waiting = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
      [dbName],
    );
    if (waiting.rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no session started waiting for a lock within 5 s');
}

test('postgres: an episode another writer commits mid-write counts as skipped, not written', async (t) => {
  const h = await postgresHarness();
  const url = (h.target as { url: string }).url;
  const dbName = new URL(url).pathname.slice(1);
  const other = new pg.Client({ connectionString: url });
  try {
    const store = h.open();
    await store.migrate();
    const episode = syntheticEpisode({ episodeId: 'race', steps: 5 });
    await store.writeEpisodes([episode]);
    // Another writer holds the same episode's rows in an open transaction: the store's existence check
    // cannot see them, and its INSERT waits on their ids until that writer commits.
    await other.connect();
    await other.query("CREATE TEMP TABLE held AS SELECT * FROM transitions WHERE episode_id = 'race'");
    await other.query("DELETE FROM transitions WHERE episode_id = 'race'");
    await other.query('BEGIN');
    await other.query('INSERT INTO transitions SELECT * FROM held');
    const writing = store.writeEpisodes([episode, syntheticEpisode({ episodeId: 'calm', steps: 2 })]);
    await untilSomeoneWaitsForALock(other, dbName);
    await other.query('COMMIT');
    t.deepEqual(await writing, { episodesWritten: 1, episodesSkipped: 1, transitionsWritten: 2 });
    t.is(store.counters.episodesWritten, 2, 'the first write plus "calm"');
    t.is((await h.rows('race')).length, 5);
  } finally {
    await other.end();
    await h.dispose();
  }
});

test('postgres: a dropped connection (pg_terminate_backend) is retried; nothing lost or duplicated', async (t) => {
  const h = await postgresHarness();
  const url = (h.target as { url: string }).url;
  const dbName = new URL(url).pathname.slice(1);
  try {
    const store = h.open({ attempts: 8, baseDelayMs: 20 });
    await store.migrate();
    await store.writeEpisodes([syntheticEpisode({ episodeId: 'before', steps: 4 })]);
    // Hold a lock so the store's next write is in flight on the server, then kill the store's backends.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE transitions IN EXCLUSIVE MODE');
    const episodes = Array.from({ length: 5 }, (_, i) =>
      syntheticEpisode({ episodeId: `drop-${i}`, steps: 6 }),
    );
    const writing = store.writeEpisodes(episodes);
    await untilSomeoneWaitsForALock(locker, dbName);
    const killed = await locker.query(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND application_name = 'cartridge-replay') k`,
      [dbName],
    );
    t.true(killed.rows[0].n >= 1);
    await locker.query('COMMIT');
    await locker.end();
    const result = await writing;
    t.is(result.episodesWritten, 5);
    t.true(store.counters.connectionErrors >= 1);
    t.true(store.counters.retries >= 1);
    const rows = await h.rows();
    t.is(rows.length, 4 + 5 * 6);
    t.is(new Set(rows.map((r) => r.id)).size, rows.length);
    // The pool recovered: later operations work without further errors.
    t.is(await store.count(), 34);
  } finally {
    await h.dispose();
  }
});

test('postgres: an unreachable server surfaces after bounded retries, password redacted', async (t) => {
  const url = 'postgres://cartridge:s3cret-pass@127.0.0.1:1/replay';
  const store = openReplayStore({
    backend: 'postgres',
    url,
    attempts: 3,
    baseDelayMs: 5,
    connectTimeoutMs: 500,
  });
  try {
    const error = await t.throwsAsync(() => store.count(), { instanceOf: ReplayRetryError });
    t.regex(
      error.message,
      /count \(postgres:\/\/cartridge:\*\*\*@127\.0\.0\.1:1\/replay\) failed after 3 attempts/,
    );
    t.false(error.message.includes('s3cret'));
    t.false(store.location.includes('s3cret'));
    t.is(store.counters.connectionErrors, 3);
  } finally {
    await store.close();
  }
});

test('postgres: no named prepared statements or session state (PgBouncer transaction pooling)', async (t) => {
  const h = await postgresHarness();
  const url = (h.target as { url: string }).url;
  try {
    const store = h.open();
    await store.migrate();
    await store.writeEpisodes([syntheticEpisode({ episodeId: 'p', steps: 3 })]);
    await store.sample('tictactoe', 8, { window: 3, seed: 1 });
    await store.stats();
    // Only the store's own sessions: any named statement would be listed in pg_prepared_statements there.
    const original = pg.Client.prototype.query;
    let named = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { name?: string } | string;
      if (typeof config === 'object' && config?.name) named++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await store.writeEpisodes([syntheticEpisode({ episodeId: 'q', steps: 3 })]);
      await store.sample('tictactoe', 8, { window: 6, seed: 2 });
      await store.prune(5);
    } finally {
      pg.Client.prototype.query = original;
    }
    t.is(named, 0);
    const sessions = await pgQuery(url, 'SELECT count(*)::int AS n FROM pg_prepared_statements');
    t.is(sessions.rows[0].n, 0);
  } finally {
    await h.dispose();
  }
});

test('redactUrl hides passwords in URLs and key/value strings', (t) => {
  t.is(
    redactUrl('postgres://u:p%40ss@h:5432/db?sslmode=require'),
    'postgres://u:***@h:5432/db?sslmode=require',
  );
  t.is(redactUrl('postgresql://u@h/db'), 'postgresql://u@h/db');
  t.is(redactUrl('host=h user=u password=secret dbname=d'), 'host=h user=u password=*** dbname=d');
  t.is(redactUrl('postgres://h/db?password=secret'), 'postgres://h/db?password=***');
});
