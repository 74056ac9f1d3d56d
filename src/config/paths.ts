// Paths derived from the configuration, so every component agrees on where things live.
import { isAbsolute, join, resolve } from 'node:path';
import type { CartridgeConfig } from './schema.js';

export interface DataPaths {
  dataDir: string;
  modelsDir: string;
  checkpointsDir: string;
  statsFile: string;
  sqliteFile: string;
}

export function dataPaths(config: CartridgeConfig, cwd = process.cwd()): DataPaths {
  const dataDir = resolve(cwd, config.common.data_dir);
  const modelsDir = config.actor.models_dir
    ? isAbsolute(config.actor.models_dir)
      ? config.actor.models_dir
      : resolve(cwd, config.actor.models_dir)
    : join(dataDir, 'models');
  return {
    dataDir,
    modelsDir,
    checkpointsDir: join(dataDir, 'checkpoints'),
    statsFile: join(dataDir, 'stats.json'),
    sqliteFile: join(dataDir, 'replay.db'),
  };
}

/** The replay location: the configured URL, or the SQLite file in the data directory. */
export function replayLocation(config: CartridgeConfig, cwd = process.cwd()): string {
  if (config.replay.url) return config.replay.url;
  if (config.replay.backend === 'postgres') {
    throw new Error('replay.url must be set (postgres://user@host:5432/db) when replay.backend = "postgres"');
  }
  return dataPaths(config, cwd).sqliteFile;
}
