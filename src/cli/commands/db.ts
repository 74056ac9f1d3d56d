// `cartridge db migrate|stats|prune`: maintenance of the replay buffer on either backend
// (replay.backend / replay.url from the config, or --backend / --url).
import type { Command } from 'commander';
import { ReplayError, type ReplayStats, type ReplayStore } from '../../replay/index.js';
import { type FlagMap, loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';
import { openReplayFromConfig } from '../replay-store.js';

const FLAGS: FlagMap = {
  backend: { key: 'replay.backend', flag: '--backend' },
  url: { key: 'replay.url', flag: '--url' },
  dataDir: { key: 'common.data_dir', flag: '--data-dir' },
};

function withStoreOptions(command: Command): Command {
  return command
    .option('--backend <backend>', 'sqlite | postgres (replay.backend)')
    .option('--url <url>', 'postgres://… or a SQLite file path (replay.url)')
    .option('--data-dir <dir>', 'data directory holding replay.db (common.data_dir)')
    .option('--json', 'print JSON');
}

/** Open the store, run `work`, always close; store failures print one clear line (exit 1). */
async function run(command: Command, mustExist: boolean, work: (store: ReplayStore) => Promise<void>) {
  const { config } = loadCommandConfig(command, FLAGS);
  const { store } = openReplayFromConfig(config, { mustExist });
  try {
    await work(store);
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

const iso = (seconds: number | null) => (seconds === null ? '-' : new Date(seconds * 1000).toISOString());

function formatStats(location: string, stats: ReplayStats): string {
  const lines = [
    `replay ${stats.backend} at ${location} (schema v${stats.schemaVersion})`,
    `  transitions ${stats.rows}, episodes ${stats.episodes}, ${(stats.sizeBytes / 2 ** 20).toFixed(2)} MiB`,
    `  oldest ${iso(stats.oldest)}, newest ${iso(stats.newest)}`,
  ];
  for (const env of stats.perEnv) {
    lines.push(
      `  ${env.envId.padEnd(12)} ${String(env.rows).padStart(10)} transitions ${String(env.episodes).padStart(8)} episodes  ${iso(env.oldest)} .. ${iso(env.newest)}`,
    );
  }
  return lines.join('\n');
}

function nonNegativeInt(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) {
      throw new UsageError(`${flag} must be a non-negative integer, got "${text}"`);
    }
    return value;
  };
}

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('replay buffer maintenance (SQLite or PostgreSQL)');

  withStoreOptions(
    db.command('migrate').description('create or upgrade the replay schema (idempotent)'),
  ).action((options: { json?: boolean }, command: Command) =>
    run(command, false, async (store) => {
      const version = await store.migrate();
      if (options.json)
        process.stdout.write(`${JSON.stringify({ location: store.location, schemaVersion: version })}\n`);
      else process.stdout.write(`replay ${store.backend} at ${store.location}: schema v${version}\n`);
    }),
  );

  withStoreOptions(
    db.command('stats').description('rows, episodes, per-env counts, time range and size'),
  ).action((options: { json?: boolean }, command: Command) =>
    run(command, true, async (store) => {
      const stats = await store.stats();
      if (options.json)
        process.stdout.write(`${JSON.stringify({ location: store.location, ...stats }, null, 2)}\n`);
      else process.stdout.write(`${formatStats(store.location, stats)}\n`);
    }),
  );

  withStoreOptions(
    db
      .command('prune')
      .description('keep only the newest transitions, in whole episodes (default replay.max_transitions)')
      .option('--keep <n>', 'transitions to keep', nonNegativeInt('--keep'))
      .option('--env <env_id>', 'prune only this game'),
  ).action((options: { keep?: number; env?: string; json?: boolean }, command: Command) =>
    run(command, true, async (store) => {
      const { config } = loadCommandConfig(command, FLAGS);
      const keep = options.keep ?? config.replay.max_transitions;
      if (options.keep === undefined && keep === 0) {
        throw new UsageError('replay.max_transitions is 0 (never prune): pass --keep N');
      }
      const deleted = await store.prune(keep, options.env);
      const remaining = await store.count(options.env);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ location: store.location, kept: keep, deleted, remaining })}\n`,
        );
      } else {
        process.stdout.write(
          `pruned ${deleted} transitions; ${remaining} remain${options.env ? ` for ${options.env}` : ''}\n`,
        );
      }
    }),
  );
}
