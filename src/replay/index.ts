// Replay buffer: where actors and the trainer meet. Pick a backend by configuration; both speak the
// seed's schema (DESIGN.md) plus additive seq/model_version/iteration columns.
import { PostgresReplayStore } from './postgres.js';
import { SqliteReplayStore } from './sqlite.js';
import type { ReplayStore, ReplayStoreOptions } from './types.js';

export { seededRng as mulberry32 } from '../util/rng.js';
export { redactUrl } from './redact.js';
export { ReplayError, ReplayRetryError } from './retry.js';
export { MAX_REJECTION_ROUNDS } from './sampling.js';
export { SCHEMA_VERSION } from './schema.js';
export { DEFAULT_BUSY_TIMEOUT_MS } from './sqlite.js';
export { type SyntheticEpisodeOptions, syntheticEpisode } from './synthetic.js';
export { decodeFloat32, transitionId } from './transitions.js';
export type * from './types.js';
export { PostgresReplayStore, SqliteReplayStore };

/** Open (not migrate) a replay store; call `migrate()` once before writing to a fresh database. */
export function openReplayStore(options: ReplayStoreOptions): ReplayStore {
  switch (options?.backend) {
    case 'sqlite':
      return new SqliteReplayStore(options);
    case 'postgres':
      return new PostgresReplayStore(options);
    default:
      throw new TypeError(
        `backend must be 'sqlite' or 'postgres', got ${JSON.stringify((options as { backend?: unknown })?.backend)}`,
      );
  }
}
