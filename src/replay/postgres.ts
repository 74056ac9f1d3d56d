// PostgreSQL replay store (phase 2: tens of actors writing at once). Safe behind PgBouncer in transaction
// pooling: no session state (no SET, no temp tables, no session advisory locks), no named prepared
// statements; every multi-statement operation is one explicit transaction on one pooled client.
import pg from 'pg';
import {
  checkKeepNewest,
  gameMetadataParams,
  postgresPlaceholder,
  pruneSql,
  selectGameMetadataSql,
  summarize,
  upsertGameMetadataSql,
} from './queries.js';
import { redactUrl } from './redact.js';
import { type ErrorKind, newCounters, type RetryPolicy, retryPolicy, withRetry } from './retry.js';
import { type SampledRow, type SampleSource, sampleWindow } from './sampling.js';
import { POSTGRES_MIGRATIONS } from './schema.js';
import { episodeRows, type TransitionRow, transitionId } from './transitions.js';
import type {
  Episode,
  GameMetadata,
  PostgresStoreOptions,
  ReplayCounters,
  ReplayStats,
  ReplayStore,
  SampleBatch,
  SampleOptions,
  WriteResult,
} from './types.js';

// Connection loss, server shutdown, too many clients, serialization/deadlock: worth another try.
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TRANSIENT_MESSAGE =
  /connection terminated|terminating connection|connection error|timeout exceeded when trying to connect|Connection ended|not queryable/i;

export function classifyPostgres(error: unknown): ErrorKind {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return 'connection';
    if (TRANSIENT_NODE_CODES.has(code)) return 'connection';
    if (/^[0-9A-Z]{5}$/.test(code)) return 'fatal'; // any other SQLSTATE: a real error, not a lost link
  }
  const message = error instanceof Error ? error.message : String(error);
  return TRANSIENT_MESSAGE.test(message) ? 'connection' : 'fatal';
}

const COLUMNS = [
  'id',
  'env_id',
  'episode_id',
  'step_number',
  'state',
  'action',
  'next_state',
  'observation',
  'next_observation',
  'reward',
  'done',
  'timestamp',
  'policy_probs',
  'mcts_value',
  'game_outcome',
  'model_version',
  'iteration',
] as const;
/** Rows per INSERT statement: keeps parameters (17 per row) under PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 2000;

function rowValues(r: TransitionRow): unknown[] {
  return [
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
    r.done,
    r.timestamp,
    r.policyProbs,
    r.mctsValue,
    r.gameOutcome,
    r.modelVersion,
    r.iteration,
  ];
}

function insertSql(rowCount: number): string {
  const width = COLUMNS.length;
  const tuples: string[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const params: string[] = new Array(width);
    for (let c = 0; c < width; c++) params[c] = `$${r * width + c + 1}`;
    tuples[r] = `(${params.join(',')})`;
  }
  return `INSERT INTO transitions (${COLUMNS.join(', ')}) VALUES ${tuples.join(',')} ON CONFLICT (id) DO NOTHING RETURNING step_number`;
}

export class PostgresReplayStore implements ReplayStore {
  readonly backend = 'postgres' as const;
  readonly location: string;
  readonly counters: ReplayCounters = newCounters();
  private readonly pool: pg.Pool;
  private readonly policy: RetryPolicy;

  constructor(options: PostgresStoreOptions) {
    if (typeof options.url !== 'string' || options.url === '')
      throw new TypeError('url must be a non-empty string');
    this.policy = retryPolicy(options);
    this.location = redactUrl(options.url);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'cartridge-replay',
    });
    // An idle pooled client whose backend dies emits here; the pool drops it. Without a listener Node exits.
    this.pool.on('error', () => {
      this.counters.connectionErrors++;
    });
  }

  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(`${what} (${this.location})`, this.policy, this.counters, classifyPostgres, operation);
  }

  /** Run `work` on one client inside BEGIN/COMMIT; a broken client is destroyed, not returned to the pool. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const onError = () => {}; // errors while checked out surface through the pending query instead
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async migrate(): Promise<number> {
    return this.retry('migrate', () =>
      this.transaction(async (client) => {
        // Transaction-scoped lock: concurrent migrators (e.g. many actors starting) apply each step once.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('cartridge.replay.migrate'))");
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ DEFAULT NOW())`);
        const done = new Set(
          (await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
        );
        for (const migration of POSTGRES_MIGRATIONS) {
          if (done.has(migration.version)) continue;
          for (const sql of migration.statements) await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
        }
        const max = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
        return Number(max.rows[0].v);
      }),
    );
  }

  async upsertGameMetadata(meta: GameMetadata): Promise<void> {
    await this.retry('upsert game_metadata', async () => {
      await this.pool.query(upsertGameMetadataSql(postgresPlaceholder), gameMetadataParams(meta));
    });
  }

  async getGameMetadata(envId: string): Promise<GameMetadata | null> {
    const result = await this.retry('read game_metadata', () =>
      this.pool.query(selectGameMetadataSql(postgresPlaceholder), [envId]),
    );
    return (result.rows[0] as GameMetadata | undefined) ?? null;
  }

  async writeEpisodes(episodes: readonly Episode[]): Promise<WriteResult> {
    const now = Math.floor(Date.now() / 1000);
    const batch = episodes.map((episode) => episodeRows(episode, now)); // validates before any I/O
    if (batch.length === 0) return { episodesWritten: 0, episodesSkipped: 0, transitionsWritten: 0 };
    const result = await this.retry(`write of ${episodes.length} episodes`, () =>
      this.transaction(async (client) => {
        const firstIds = batch.map((rows) => transitionId(rows[0]!.episodeId, 0));
        const present = new Set(
          (await client.query('SELECT id FROM transitions WHERE id = ANY($1::text[])', [firstIds])).rows.map(
            (r) => r.id as string,
          ),
        );
        const fresh = batch.filter((rows) => !present.has(rows[0]!.id));
        const rows = fresh.flat();
        // A concurrent writer may commit the same episode between the SELECT above and the INSERT; its rows
        // then conflict and are skipped, so an episode counts as written only if its step 0 was inserted here.
        let transitionsWritten = 0;
        let episodesWritten = 0;
        for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
          const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
          const inserted = await client.query(insertSql(chunk.length), chunk.flatMap(rowValues));
          transitionsWritten += inserted.rowCount ?? 0;
          for (const row of inserted.rows) if (Number(row.step_number) === 0) episodesWritten++;
        }
        return {
          episodesWritten,
          episodesSkipped: batch.length - episodesWritten,
          transitionsWritten,
        };
      }),
    );
    this.counters.episodesWritten += result.episodesWritten;
    this.counters.transitionsWritten += result.transitionsWritten;
    return result;
  }

  async count(envId?: string): Promise<number> {
    const result = await this.retry('count', () =>
      envId === undefined
        ? this.pool.query('SELECT COUNT(*)::bigint AS n FROM transitions')
        : this.pool.query('SELECT COUNT(*)::bigint AS n FROM transitions WHERE env_id = $1', [envId]),
    );
    return Number(result.rows[0].n);
  }

  async sample(envId: string, n: number, options: SampleOptions): Promise<SampleBatch> {
    const pool = this.pool;
    const source: SampleSource = {
      windowBounds: async (env, window) => {
        const bounds = await pool.query(
          `SELECT (SELECT MAX(seq) FROM transitions WHERE env_id = $1) AS hi,
             COALESCE((SELECT seq FROM transitions WHERE env_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2),
                      (SELECT MIN(seq) FROM transitions WHERE env_id = $1)) AS lo`,
          [env, window - 1],
        );
        const row = bounds.rows[0];
        if (row.hi === null) return null;
        return { lo: Number(row.lo), hi: Number(row.hi) };
      },
      fetchBySeq: async (env, seqs) => {
        const result = await pool.query(
          `SELECT seq, observation, policy_probs AS "policyProbs", game_outcome AS "gameOutcome"
           FROM transitions WHERE env_id = $1 AND seq = ANY($2::bigint[])`,
          [env, seqs],
        );
        return result.rows.map((r) => ({ ...r, seq: Number(r.seq) }) as SampledRow);
      },
      scanSeqs: async (env, lo, hi) => {
        const result = await pool.query(
          'SELECT seq FROM transitions WHERE env_id = $1 AND seq BETWEEN $2 AND $3',
          [env, lo, hi],
        );
        return result.rows.map((r) => Number(r.seq));
      },
    };
    return this.retry('sample', () => sampleWindow(source, envId, n, options));
  }

  async prune(keepNewest: number, envId?: string): Promise<number> {
    checkKeepNewest(keepNewest);
    const sql = pruneSql(postgresPlaceholder, envId);
    return this.retry('prune', () =>
      this.transaction(async (client) => {
        if (keepNewest === 0) return (await client.query(sql.deleteAll, sql.args)).rowCount ?? 0;
        const cutoff = await client.query(sql.cutoff, [...sql.args, keepNewest - 1]);
        if (cutoff.rows.length === 0) return 0;
        const deleted = await client.query(sql.deleteOlderEpisodes, [...sql.args, cutoff.rows[0].seq]);
        return deleted.rowCount ?? 0;
      }),
    );
  }

  async stats(): Promise<ReplayStats> {
    return this.retry('stats', async () => {
      const exists = await this.pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e");
      if (!exists.rows[0].e) return summarize('postgres', [], 0, 0);
      const version = await this.pool.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
      const schemaVersion = Number(version.rows[0].v);
      const perEnv = await this.pool.query(
        `SELECT env_id AS "envId", COUNT(*)::bigint AS "rows", COUNT(DISTINCT episode_id)::bigint AS episodes,
           MIN(timestamp) AS oldest, MAX(timestamp) AS newest
         FROM transitions GROUP BY env_id ORDER BY env_id`,
      );
      const size = await this.pool.query(
        `SELECT pg_total_relation_size('transitions') + pg_total_relation_size('game_metadata')
           + pg_total_relation_size('schema_migrations') AS bytes`,
      );
      return summarize(
        'postgres',
        perEnv.rows.map((r) => ({
          envId: r.envId,
          rows: Number(r.rows),
          episodes: Number(r.episodes),
          oldest: r.oldest === null ? null : Number(r.oldest),
          newest: r.newest === null ? null : Number(r.newest),
        })),
        Number(size.rows[0].bytes),
        schemaVersion,
      );
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
