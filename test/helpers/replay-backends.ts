// Test harness: one fresh store per test on a real SQLite file (temp dir) or a real PostgreSQL database
// (random name, created and dropped), plus raw access for checks that must not go through the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openReplayStore, type ReplayStore, type RetryOptions } from '../../src/replay/index.js';

export const PG_ADMIN_URL =
  process.env.CARTRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface RawRow {
  id: string;
  env_id: string;
  episode_id: string;
  step_number: number;
  state: Buffer;
  action: Buffer;
  next_state: Buffer;
  observation: Buffer;
  next_observation: Buffer;
  reward: number;
  done: boolean;
  timestamp: number;
  policy_probs: Buffer;
  mcts_value: number;
  game_outcome: number;
  seq: number;
  model_version: string | null;
  iteration: number | null;
  created_at: string;
}

export interface Harness {
  backend: 'sqlite' | 'postgres';
  /** Options that open another store on the same database. */
  target: { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };
  open(retry?: RetryOptions & { busyTimeoutMs?: number }): ReplayStore;
  /** Rows of the table in seq order (optionally of one episode). */
  rows(episodeId?: string): Promise<RawRow[]>;
  /** Make inserting (episodeId, step) fail inside the database (a trigger), to test atomicity. */
  injectFailure(episodeId: string, step: number): Promise<void>;
  clearFailure(): Promise<void>;
  dispose(): Promise<void>;
}

const RAW_SQL = `SELECT id, env_id, episode_id, step_number, state, action, next_state, observation,
  next_observation, reward, done, timestamp, policy_probs, mcts_value, game_outcome, seq, model_version,
  iteration, created_at FROM transitions`;

export async function sqliteHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-replay-'));
  const path = join(dir, 'replay.db');
  const stores: ReplayStore[] = [];
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    backend: 'sqlite',
    target: { backend: 'sqlite', path },
    open(retry = {}) {
      const store = openReplayStore({ backend: 'sqlite', path, ...retry });
      stores.push(store);
      return store;
    },
    async rows(episodeId) {
      return withDb((db) => {
        const sql = `${RAW_SQL} ${episodeId === undefined ? '' : 'WHERE episode_id = ?'} ORDER BY seq`;
        const rows = (
          episodeId === undefined ? db.prepare(sql).all() : db.prepare(sql).all(episodeId)
        ) as Array<Omit<RawRow, 'done'> & { done: number }>;
        return rows.map((r) => ({ ...r, done: r.done === 1 }));
      });
    },
    async injectFailure(episodeId, step) {
      withDb((db) =>
        db.exec(`CREATE TRIGGER inject_failure BEFORE INSERT ON transitions
          WHEN NEW.episode_id = '${episodeId}' AND NEW.step_number = ${step}
          BEGIN SELECT RAISE(ABORT, 'injected failure'); END`),
      );
    },
    async clearFailure() {
      withDb((db) => db.exec('DROP TRIGGER IF EXISTS inject_failure'));
    },
    async dispose() {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createPgDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `cartridge_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function pgQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export async function postgresHarness(): Promise<Harness> {
  const database = await createPgDatabase();
  const stores: ReplayStore[] = [];
  return {
    backend: 'postgres',
    target: { backend: 'postgres', url: database.url },
    open(retry = {}) {
      const store = openReplayStore({ backend: 'postgres', url: database.url, ...retry });
      stores.push(store);
      return store;
    },
    async rows(episodeId) {
      const sql = `${RAW_SQL} ${episodeId === undefined ? '' : 'WHERE episode_id = $1'} ORDER BY seq`;
      const result = await pgQuery(database.url, sql, episodeId === undefined ? [] : [episodeId]);
      return result.rows.map((r) => ({
        ...r,
        timestamp: Number(r.timestamp),
        seq: Number(r.seq),
        created_at: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
      }));
    },
    async injectFailure(episodeId, step) {
      await pgQuery(
        database.url,
        `CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.episode_id = '${episodeId}' AND NEW.step_number = ${step} THEN
             RAISE EXCEPTION 'injected failure';
           END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER inject_failure BEFORE INSERT ON transitions
           FOR EACH ROW EXECUTE FUNCTION inject_failure();`,
      );
    },
    async clearFailure() {
      await pgQuery(
        database.url,
        'DROP TRIGGER IF EXISTS inject_failure ON transitions; DROP FUNCTION IF EXISTS inject_failure();',
      );
    },
    async dispose() {
      for (const store of stores) await store.close().catch(() => {});
      await database.drop();
    },
  };
}
