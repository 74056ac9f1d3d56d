// Versioned migrations of the replay schema, one list per dialect. Version 1 is the seed's schema exactly
// (so an existing seed database upgrades in place); later versions are additive. Never edit a released step.

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'seed schema: transitions + game_metadata',
    statements: [
      `CREATE TABLE IF NOT EXISTS transitions (
        id TEXT PRIMARY KEY,
        env_id TEXT NOT NULL,
        episode_id TEXT NOT NULL,
        step_number INTEGER NOT NULL,
        state BLOB NOT NULL,
        action BLOB NOT NULL,
        next_state BLOB NOT NULL,
        observation BLOB NOT NULL,
        next_observation BLOB NOT NULL,
        reward REAL NOT NULL,
        done INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        policy_probs BLOB,
        mcts_value REAL DEFAULT 0.0,
        game_outcome REAL,
        created_at TEXT DEFAULT CURRENT_TIMESTAMP
      )`,
      'CREATE INDEX IF NOT EXISTS idx_transitions_timestamp ON transitions(timestamp)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_episode ON transitions(episode_id)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_env ON transitions(env_id)',
      `CREATE TABLE IF NOT EXISTS game_metadata (
        env_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        board_width INTEGER NOT NULL,
        board_height INTEGER NOT NULL,
        num_actions INTEGER NOT NULL,
        obs_size INTEGER NOT NULL,
        legal_mask_offset INTEGER NOT NULL,
        player_count INTEGER NOT NULL,
        created_at TEXT DEFAULT CURRENT_TIMESTAMP
      )`,
    ],
  },
  {
    version: 2,
    name: 'seq (window sampling), model_version, iteration',
    statements: [
      // Existing rows get their rowid (insertion order) as seq; new rows get max(seq)+1 from the writer.
      'ALTER TABLE transitions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0',
      'UPDATE transitions SET seq = rowid',
      'ALTER TABLE transitions ADD COLUMN model_version TEXT',
      'ALTER TABLE transitions ADD COLUMN iteration INTEGER',
      'CREATE UNIQUE INDEX IF NOT EXISTS idx_transitions_seq ON transitions(seq)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_env_seq ON transitions(env_id, seq)',
    ],
  },
];

export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'seed schema: transitions + game_metadata',
    statements: [
      `CREATE TABLE IF NOT EXISTS transitions (
        id TEXT PRIMARY KEY,
        env_id TEXT NOT NULL,
        episode_id TEXT NOT NULL,
        step_number INTEGER NOT NULL,
        state BYTEA NOT NULL,
        action BYTEA NOT NULL,
        next_state BYTEA NOT NULL,
        observation BYTEA NOT NULL,
        next_observation BYTEA NOT NULL,
        reward REAL NOT NULL,
        done BOOLEAN NOT NULL,
        timestamp BIGINT NOT NULL,
        policy_probs BYTEA,
        mcts_value REAL DEFAULT 0.0,
        game_outcome REAL,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`,
      'CREATE INDEX IF NOT EXISTS idx_transitions_timestamp ON transitions(timestamp)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_episode ON transitions(episode_id)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_env ON transitions(env_id)',
      `CREATE TABLE IF NOT EXISTS game_metadata (
        env_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        board_width INTEGER NOT NULL,
        board_height INTEGER NOT NULL,
        num_actions INTEGER NOT NULL,
        obs_size INTEGER NOT NULL,
        legal_mask_offset INTEGER NOT NULL,
        player_count INTEGER NOT NULL,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`,
    ],
  },
  {
    version: 2,
    name: 'seq (window sampling), model_version, iteration',
    statements: [
      // BIGSERIAL fills existing rows; gaps (rolled-back or conflicting inserts) are fine for the sampler.
      'ALTER TABLE transitions ADD COLUMN IF NOT EXISTS seq BIGSERIAL',
      'ALTER TABLE transitions ADD COLUMN IF NOT EXISTS model_version TEXT',
      'ALTER TABLE transitions ADD COLUMN IF NOT EXISTS iteration INTEGER',
      'CREATE UNIQUE INDEX IF NOT EXISTS idx_transitions_seq ON transitions(seq)',
      'CREATE INDEX IF NOT EXISTS idx_transitions_env_seq ON transitions(env_id, seq)',
    ],
  },
];

export const SCHEMA_VERSION = SQLITE_MIGRATIONS.length;
