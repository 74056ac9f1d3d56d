// SQLite replay store (phase 1: one file shared by a few local actors). WAL lets readers run beside the
// writer; writers are serialised by SQLite itself, so seq = max(seq)+1 inside a BEGIN IMMEDIATE transaction
// is gap-free and unique. better-sqlite3 is synchronous: each call is short, one transaction per batch.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  checkKeepNewest,
  gameMetadataParams,
  pruneSql,
  selectGameMetadataSql,
  sqlitePlaceholder,
  summarize,
  upsertGameMetadataSql,
} from './queries.js';
import { type ErrorKind, newCounters, type RetryPolicy, retryPolicy, withRetry } from './retry.js';
import { type SampledRow, type SampleSource, sampleWindow } from './sampling.js';
import { SQLITE_MIGRATIONS } from './schema.js';
import { episodeRows, transitionId } from './transitions.js';
import type {
  Episode,
  GameMetadata,
  ReplayCounters,
  ReplayStats,
  ReplayStore,
  SampleBatch,
  SampleOptions,
  SqliteStoreOptions,
  WriteResult,
} from './types.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function classifySqlite(error: unknown): ErrorKind {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return 'busy';
  }
  return 'fatal';
}

const INSERT_SQL = `INSERT INTO transitions (id, env_id, episode_id, step_number, state, action, next_state,
  observation, next_observation, reward, done, timestamp, policy_probs, mcts_value, game_outcome,
  seq, model_version, iteration)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO NOTHING`;

export class SqliteReplayStore implements ReplayStore {
  readonly backend = 'sqlite' as const;
  readonly location: string;
  readonly counters: ReplayCounters = newCounters();
  private readonly db: Database.Database;
  private readonly policy: RetryPolicy;
  private statements: ReturnType<SqliteReplayStore['prepare']> | undefined;

  constructor(options: SqliteStoreOptions) {
    if (typeof options.path !== 'string' || options.path === '')
      throw new TypeError('path must be a non-empty string');
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new TypeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
    }
    this.policy = retryPolicy(options);
    this.location = resolve(options.path);
    mkdirSync(dirname(this.location), { recursive: true });
    this.db = new Database(this.location, { timeout: busyTimeoutMs });
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare(INSERT_SQL),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM transitions').pluck(),
      exists: db.prepare('SELECT 1 FROM transitions WHERE id = ?').pluck(),
      hi: db.prepare('SELECT MAX(seq) FROM transitions WHERE env_id = ?').pluck(),
      lo: db
        .prepare('SELECT seq FROM transitions WHERE env_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?')
        .pluck(),
      lowest: db.prepare('SELECT MIN(seq) FROM transitions WHERE env_id = ?').pluck(),
      bySeq: db.prepare(
        `SELECT seq, observation, policy_probs AS policyProbs, game_outcome AS gameOutcome FROM transitions
         WHERE env_id = ? AND seq IN (SELECT value FROM json_each(?))`,
      ),
      scan: db.prepare('SELECT seq FROM transitions WHERE env_id = ? AND seq BETWEEN ? AND ?').pluck(),
    };
  }

  /** Statements are prepared on first use, after the tables exist. */
  private get stmt() {
    this.statements ??= this.prepare();
    return this.statements;
  }

  private retry<T>(what: string, operation: () => T): Promise<T> {
    return withRetry(`${what} (${this.location})`, this.policy, this.counters, classifySqlite, operation);
  }

  async migrate(): Promise<number> {
    return this.retry('migrate', () => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT DEFAULT CURRENT_TIMESTAMP)`);
      const apply = this.db.transaction(() => {
        const done = new Set(
          this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
        );
        for (const migration of SQLITE_MIGRATIONS) {
          if (done.has(migration.version)) continue;
          for (const sql of migration.statements) this.db.exec(sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)')
            .run(migration.version, migration.name);
        }
      });
      apply.immediate();
      this.statements = undefined;
      return this.schemaVersion();
    });
  }

  private schemaVersion(): number {
    const table = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .pluck()
      .get();
    if (!table) return 0;
    return (
      (this.db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() as number) ??
      0
    );
  }

  async upsertGameMetadata(meta: GameMetadata): Promise<void> {
    await this.retry('upsert game_metadata', () => {
      this.db.prepare(upsertGameMetadataSql(sqlitePlaceholder)).run(...gameMetadataParams(meta));
    });
  }

  async getGameMetadata(envId: string): Promise<GameMetadata | null> {
    const row = this.db.prepare(selectGameMetadataSql(sqlitePlaceholder)).get(envId) as
      | GameMetadata
      | undefined;
    return row ?? null;
  }

  async writeEpisodes(episodes: readonly Episode[]): Promise<WriteResult> {
    const now = Math.floor(Date.now() / 1000);
    const batch = episodes.map((episode) => episodeRows(episode, now)); // validates before any I/O
    const result = await this.retry(`write of ${episodes.length} episodes`, () => {
      const { insert, maxSeq, exists } = this.stmt;
      const write = this.db.transaction(() => {
        const out: WriteResult = { episodesWritten: 0, episodesSkipped: 0, transitionsWritten: 0 };
        let seq = (maxSeq.get() as number) + 1;
        for (const rows of batch) {
          // Episodes are written whole, so step 0 present ⇒ the episode is present.
          if (exists.get(transitionId(rows[0]!.episodeId, 0))) {
            out.episodesSkipped++;
            continue;
          }
          for (const r of rows) {
            const info = insert.run(
              r.id,
              r.envId,
              r.episodeId,
              r.stepNumber,
              r.state,
              r.action,
              r.nextState,
              r.observation,
              r.nextObservation,
              r.reward,
              r.done ? 1 : 0,
              r.timestamp,
              r.policyProbs,
              r.mctsValue,
              r.gameOutcome,
              seq,
              r.modelVersion,
              r.iteration,
            );
            if (info.changes > 0) {
              seq++;
              out.transitionsWritten++;
            }
          }
          out.episodesWritten++;
        }
        return out;
      });
      return write.immediate();
    });
    this.counters.episodesWritten += result.episodesWritten;
    this.counters.transitionsWritten += result.transitionsWritten;
    return result;
  }

  async count(envId?: string): Promise<number> {
    return this.retry('count', () =>
      envId === undefined
        ? (this.db.prepare('SELECT COUNT(*) FROM transitions').pluck().get() as number)
        : (this.db.prepare('SELECT COUNT(*) FROM transitions WHERE env_id = ?').pluck().get(envId) as number),
    );
  }

  async sample(envId: string, n: number, options: SampleOptions): Promise<SampleBatch> {
    const stmt = this.stmt;
    const source: SampleSource = {
      windowBounds: async (env, window) => {
        const hi = stmt.hi.get(env) as number | null;
        if (hi === null || hi === undefined) return null;
        const lo = (stmt.lo.get(env, window - 1) as number | undefined) ?? (stmt.lowest.get(env) as number);
        return { lo, hi };
      },
      fetchBySeq: async (env, seqs) => stmt.bySeq.all(env, JSON.stringify(seqs)) as SampledRow[],
      scanSeqs: async (env, lo, hi) => stmt.scan.all(env, lo, hi) as number[],
    };
    return this.retry('sample', () => sampleWindow(source, envId, n, options));
  }

  async prune(keepNewest: number, envId?: string): Promise<number> {
    checkKeepNewest(keepNewest);
    const sql = pruneSql(sqlitePlaceholder, envId);
    return this.retry('prune', () => {
      const prune = this.db.transaction(() => {
        if (keepNewest === 0) return this.db.prepare(sql.deleteAll).run(...sql.args).changes;
        const cutoff = this.db
          .prepare(sql.cutoff)
          .pluck()
          .get(...sql.args, keepNewest - 1) as number | undefined;
        if (cutoff === undefined) return 0;
        return this.db.prepare(sql.deleteOlderEpisodes).run(...sql.args, cutoff).changes;
      });
      return prune.immediate();
    });
  }

  async stats(): Promise<ReplayStats> {
    return this.retry('stats', () => {
      const schemaVersion = this.schemaVersion();
      if (schemaVersion === 0) return summarize('sqlite', [], 0, 0);
      const perEnv = this.db
        .prepare(
          `SELECT env_id AS envId, COUNT(*) AS "rows", COUNT(DISTINCT episode_id) AS episodes,
             MIN(timestamp) AS oldest, MAX(timestamp) AS newest
           FROM transitions GROUP BY env_id ORDER BY env_id`,
        )
        .all() as ReplayStats['perEnv'];
      const pageBytes =
        (this.db.pragma('page_count', { simple: true }) as number) *
        (this.db.pragma('page_size', { simple: true }) as number);
      let walBytes = 0;
      try {
        walBytes = statSync(`${this.location}-wal`).size;
      } catch {
        // no WAL file (checkpointed and removed)
      }
      return summarize('sqlite', perEnv, pageBytes + walBytes, schemaVersion);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
