// Public types of the replay buffer: what actors write, what the trainer samples, and the store contract.

/**
 * One finished self-play game, as the actor holds it: flat typed arrays, one entry (or row) per step.
 * `steps` = actions.length; obs_size and num_actions follow from the array lengths.
 */
export interface Episode {
  envId: string;
  /** Deterministic, supplied by the caller: transition ids are `${episodeId}:${step}`, so a retried write is a no-op. */
  episodeId: string;
  modelVersion?: string | null;
  iteration?: number | null;
  /** float32[steps * obs_size], the position before each move. */
  observations: Float32Array;
  /** The move played at each step (stored as a little-endian uint32). */
  actions: Int32Array | Uint32Array;
  /** float32[steps * num_actions], the MCTS visit distribution at each step. */
  policies: Float32Array;
  /** MCTS root value at each step, from the side to move. */
  rootValues: Float32Array;
  /** Final game result at each step, from the perspective of the player to move at that step (+1 win, -1 loss, 0 draw). */
  outcomes: Float32Array;
  /** Player to move at each step (checked for length; the seed's schema has no column for it). */
  toMove?: Uint8Array | Int8Array | Int32Array;
  /** Serialized game state per step; `steps + 1` entries when the final state is included. Empty when absent. */
  stateBytes?: Uint8Array[];
  /** Observation of the final (terminal) position; the last step's next_observation is zeros without it. */
  finalObservation?: Float32Array;
  /** Unix seconds; defaults to the time of the write. */
  timestamp?: number;
}

/** A row of table `game_metadata` (DESIGN.md). */
export interface GameMetadata {
  envId: string;
  displayName: string;
  boardWidth: number;
  boardHeight: number;
  numActions: number;
  obsSize: number;
  legalMaskOffset: number;
  playerCount: number;
}

/** A uniform sample of transitions of one env, with replacement: row i is observations[i*obsSize ..]. */
export interface SampleBatch {
  n: number;
  obsSize: number;
  numActions: number;
  observations: Float32Array;
  policies: Float32Array;
  /** game_outcome of each sampled transition (side-to-move perspective). */
  outcomes: Float32Array;
  /** seq of each sampled transition (for diagnostics and tests). */
  seqs: Float64Array;
}

export interface SampleOptions {
  /** Sample from the newest `window` transitions of the env (by seq). */
  window: number;
  /** Seed of the default generator (mulberry32); ignored when `rng` is given. */
  seed?: number;
  /** Uniform [0, 1) generator. */
  rng?: () => number;
}

export interface EnvStats {
  envId: string;
  rows: number;
  episodes: number;
  /** Unix seconds of the oldest / newest transition, null when empty. */
  oldest: number | null;
  newest: number | null;
}

export interface ReplayStats {
  backend: 'sqlite' | 'postgres';
  rows: number;
  episodes: number;
  perEnv: EnvStats[];
  oldest: number | null;
  newest: number | null;
  /** Bytes on disk: SQLite file + WAL; PostgreSQL relation sizes incl. indexes and TOAST. */
  sizeBytes: number;
  schemaVersion: number;
}

export interface WriteResult {
  /** Episodes whose rows were inserted by this call. */
  episodesWritten: number;
  /** Episodes already present (a retried or repeated write). */
  episodesSkipped: number;
  transitionsWritten: number;
}

/** Counters for metrics; monotonically increasing over the store's life. */
export interface ReplayCounters {
  /** Write / read attempts repeated after a transient error. */
  retries: number;
  /** SQLite busy/locked errors seen (after busy_timeout expired). */
  busyErrors: number;
  /** PostgreSQL connection errors seen (dropped / terminated backends). */
  connectionErrors: number;
  /** Operations that failed after all retries. */
  failures: number;
  episodesWritten: number;
  transitionsWritten: number;
}

export interface RetryOptions {
  /** Total attempts including the first (default 6). */
  attempts?: number;
  /** First backoff delay (default 25 ms), doubled per attempt with jitter. */
  baseDelayMs?: number;
  /** Cap of one delay (default 2000 ms). */
  maxDelayMs?: number;
}

export interface SqliteStoreOptions extends RetryOptions {
  backend: 'sqlite';
  /** Database file (created when missing). */
  path: string;
  /** PRAGMA busy_timeout (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface PostgresStoreOptions extends RetryOptions {
  backend: 'postgres';
  /** postgres://user:pass@host:port/db (never logged unredacted). */
  url: string;
  /** Pool size (default 4). */
  poolSize?: number;
  /** Milliseconds to wait for a connection (default 10000). */
  connectTimeoutMs?: number;
}

export type ReplayStoreOptions = SqliteStoreOptions | PostgresStoreOptions;

export interface ReplayStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Where the store lives, with any password redacted. */
  readonly location: string;
  readonly counters: ReplayCounters;
  /** Apply pending schema migrations (idempotent); returns the schema version. */
  migrate(): Promise<number>;
  upsertGameMetadata(meta: GameMetadata): Promise<void>;
  getGameMetadata(envId: string): Promise<GameMetadata | null>;
  /** Write episodes: the batch in one transaction, each episode all or nothing, re-writes are no-ops. */
  writeEpisodes(episodes: readonly Episode[]): Promise<WriteResult>;
  count(envId?: string): Promise<number>;
  sample(envId: string, n: number, options: SampleOptions): Promise<SampleBatch>;
  /**
   * Keep the newest `keepNewest` transitions (of `envId` when given, else of the whole table), in whole
   * episodes: an episode with any row among them is kept complete. Returns the rows deleted.
   */
  prune(keepNewest: number, envId?: string): Promise<number>;
  stats(): Promise<ReplayStats>;
  close(): Promise<void>;
}
