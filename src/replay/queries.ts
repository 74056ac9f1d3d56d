// The SQL and row shapes both replay backends share; each backend supplies its placeholder
// style (`?` in SQLite, `$n` in PostgreSQL) and runs the statements its own way.
import type { GameMetadata, ReplayStats } from './types.js';

/** The placeholder of the n-th (1-based) parameter. */
export type Placeholder = (n: number) => string;
export const sqlitePlaceholder: Placeholder = () => '?';
export const postgresPlaceholder: Placeholder = (n) => `$${n}`;

export function upsertGameMetadataSql(p: Placeholder): string {
  return `INSERT INTO game_metadata (env_id, display_name, board_width, board_height, num_actions, obs_size,
      legal_mask_offset, player_count) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')})
    ON CONFLICT (env_id) DO UPDATE SET display_name = excluded.display_name,
      board_width = excluded.board_width, board_height = excluded.board_height,
      num_actions = excluded.num_actions, obs_size = excluded.obs_size,
      legal_mask_offset = excluded.legal_mask_offset, player_count = excluded.player_count`;
}

export function gameMetadataParams(meta: GameMetadata): (string | number)[] {
  return [
    meta.envId,
    meta.displayName,
    meta.boardWidth,
    meta.boardHeight,
    meta.numActions,
    meta.obsSize,
    meta.legalMaskOffset,
    meta.playerCount,
  ];
}

/** Quoted aliases keep their case in both dialects. */
export function selectGameMetadataSql(p: Placeholder): string {
  return `SELECT env_id AS "envId", display_name AS "displayName", board_width AS "boardWidth",
      board_height AS "boardHeight", num_actions AS "numActions", obs_size AS "obsSize",
      legal_mask_offset AS "legalMaskOffset", player_count AS "playerCount"
    FROM game_metadata WHERE env_id = ${p(1)}`;
}

export interface PruneSql {
  /** Parameters every statement starts with (the env filter, used once per statement). */
  args: unknown[];
  /** Deletes every row (keepNewest = 0). */
  deleteAll: string;
  /** The seq of the keepNewest-th newest row; takes args + [keepNewest - 1]. */
  cutoff: string;
  /**
   * Deletes whole episodes whose newest row is older than the cutoff (takes args + [cutoff]):
   * an episode that straddles the cutoff stays complete, so at least keepNewest rows remain.
   */
  deleteOlderEpisodes: string;
}

export function pruneSql(p: Placeholder, envId?: string): PruneSql {
  const args: unknown[] = envId === undefined ? [] : [envId];
  const where = envId === undefined ? '' : `WHERE env_id = ${p(1)}`;
  const and = envId === undefined ? 'WHERE' : `WHERE env_id = ${p(1)} AND`;
  const next = p(args.length + 1);
  return {
    args,
    deleteAll: `DELETE FROM transitions ${where}`,
    cutoff: `SELECT seq FROM transitions ${where} ORDER BY seq DESC LIMIT 1 OFFSET ${next}`,
    deleteOlderEpisodes: `DELETE FROM transitions ${and} (SELECT MAX(e.seq) FROM transitions e
        WHERE e.env_id = transitions.env_id AND e.episode_id = transitions.episode_id) < ${next}`,
  };
}

export function checkKeepNewest(keepNewest: number): void {
  if (!Number.isInteger(keepNewest) || keepNewest < 0) {
    throw new TypeError(`keepNewest must be a non-negative integer, got ${keepNewest}`);
  }
}

/** Buffer-wide figures from the per-env rows. */
export function summarize(
  backend: 'sqlite' | 'postgres',
  perEnv: ReplayStats['perEnv'],
  sizeBytes: number,
  schemaVersion: number,
): ReplayStats {
  let oldest: number | null = null;
  let newest: number | null = null;
  for (const env of perEnv) {
    if (env.oldest !== null && (oldest === null || env.oldest < oldest)) oldest = env.oldest;
    if (env.newest !== null && (newest === null || env.newest > newest)) newest = env.newest;
  }
  return {
    backend,
    rows: perEnv.reduce((sum, env) => sum + env.rows, 0),
    episodes: perEnv.reduce((sum, env) => sum + env.episodes, 0),
    perEnv,
    oldest,
    newest,
    sizeBytes,
    schemaVersion,
  };
}
