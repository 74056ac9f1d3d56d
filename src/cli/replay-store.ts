// Opens the replay store the configuration names (replay.backend, replay.url, common.data_dir),
// turning configuration mistakes into UsageErrors. Shared by every command that touches the buffer.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CartridgeConfig, replayLocation } from '../config/index.js';
import { openReplayStore, type ReplayStore, redactUrl } from '../replay/index.js';
import { UsageError } from './errors.js';

export interface OpenedReplay {
  store: ReplayStore;
  /** SQLite file path or postgres:// URL (unredacted: handed to the trainer). */
  location: string;
}

export function openReplayFromConfig(
  config: CartridgeConfig,
  options: { mustExist?: boolean } = {},
): OpenedReplay {
  let location: string;
  try {
    location = replayLocation(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const retry = { attempts: config.replay.retry_attempts };
  if (config.replay.backend === 'postgres') {
    if (!/^postgres(ql)?:\/\//.test(location)) {
      throw new UsageError(
        `replay.url must be a postgres:// URL for the postgres backend, got ${redactUrl(location)}`,
      );
    }
    return {
      store: openReplayStore({
        backend: 'postgres',
        url: location,
        poolSize: config.replay.pool_size,
        ...retry,
      }),
      location,
    };
  }
  if (options.mustExist && !existsSync(location)) {
    throw new UsageError(`no replay database at ${location} (create it with: cartridge db migrate)`);
  }
  mkdirSync(dirname(location), { recursive: true });
  return {
    store: openReplayStore({
      backend: 'sqlite',
      path: location,
      busyTimeoutMs: config.replay.busy_timeout_ms,
      ...retry,
    }),
    location,
  };
}
