import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { Actor, actorModelFile } from '../../actor/index.js';
import { actorSearchOptions } from '../../actor/search-settings.js';
import { dataPaths } from '../../config/index.js';
import { gameShape, replayMetadata } from '../../games/index.js';
import { logger } from '../../logging/index.js';
import { ActorMetrics, startProbeServer } from '../../metrics/index.js';
import { S3ModelSync, s3StoreOptions } from '../../models/index.js';
import { type FlagMap, loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';
import { openReplayFromConfig } from '../replay-store.js';

const FLAGS: FlagMap = {
  game: { key: 'common.env_id', flag: '--game' },
  episodes: { key: 'actor.episodes', flag: '--episodes' },
  workers: { key: 'actor.workers', flag: '--workers' },
  gamesPerWorker: { key: 'actor.games_per_worker', flag: '--games-per-worker' },
  sims: { key: 'mcts.num_simulations', flag: '--sims' },
  replayUrl: { key: 'replay.url', flag: '--replay-url' },
  models: { key: 'actor.models_dir', flag: '--models' },
  metricsPort: { key: 'actor.metrics_port', flag: '--metrics-port' },
  dataDir: { key: 'common.data_dir', flag: '--data-dir' },
};

export function registerActorCommand(program: Command): void {
  program
    .command('actor')
    .description(
      'generate self-play episodes into the replay buffer (stops on SIGTERM after writing what is complete)',
    )
    .option('--game <id>', 'game to play (common.env_id)')
    .option('--episodes <n>', 'stop after n complete episodes (actor.episodes; 0 = until stopped)')
    .option('--forever', 'run until SIGTERM/SIGINT (same as --episodes 0)')
    .option('--workers <n>', 'self-play worker threads (actor.workers)')
    .option('--games-per-worker <n>', 'concurrent games per worker (actor.games_per_worker)')
    .option('--sims <n>', 'MCTS simulations per move (mcts.num_simulations)')
    .option('--replay-url <url>', 'replay location: postgres://… or a SQLite file (replay.url)')
    .option(
      '--models <dir>',
      'models folder; its latest.onnx (or best.onnx with training.generate_with = best) is followed (actor.models_dir)',
    )
    .option(
      '--metrics-port <port>',
      'serve /health, /ready, /metrics on this port (actor.metrics_port; 0 = off)',
    )
    .option('--data-dir <dir>', 'data directory (common.data_dir)')
    .action(
      async (options: { forever?: boolean; episodes?: string; replayUrl?: string }, command: Command) => {
        if (options.forever && options.episodes !== undefined)
          throw new UsageError('use either --episodes or --forever');
        if (options.forever) command.setOptionValue('episodes', '0');
        if (options.replayUrl && /^postgres(ql)?:\/\//.test(options.replayUrl))
          command.setOptionValue('backend', 'postgres');
        const { config } = loadCommandConfig(command, {
          ...FLAGS,
          backend: { key: 'replay.backend', flag: '--replay-url' },
        });
        await runActorCommand(config);
      },
    );
}

async function runActorCommand(config: import('../../config/index.js').CartridgeConfig): Promise<void> {
  const log = logger('actor');
  const shape = gameShape(config.common.env_id);
  const paths = dataPaths(config);
  const { store } = openReplayFromConfig(config);
  await store.migrate();
  await store.upsertGameMetadata(replayMetadata(config.common.env_id));

  // S3 store: mirror the model this actor follows (<prefix>/latest.onnx or best.onnx) into the
  // local models dir, where the file-based watcher picks it up.
  const modelFile = actorModelFile(config, paths);
  const modelSync =
    config.models.store === 's3'
      ? new S3ModelSync({
          ...s3StoreOptions(config),
          modelsDir: dirname(modelFile),
          fileName: basename(modelFile),
          pollMs: config.models.s3_poll_ms,
        })
      : undefined;
  await modelSync?.start();
  const metrics = new ActorMetrics();
  const actor = await Actor.start({
    envId: config.common.env_id,
    shape,
    workers: config.actor.workers,
    gamesPerWorker: config.actor.games_per_worker,
    arenasPerWorker: config.actor.arenas_per_worker,
    search: actorSearchOptions(config, shape, config.mcts.num_simulations),
    intraOpThreads: config.actor.intra_op_threads,
    executionProvider: config.actor.execution_provider,
    modelFile,
    modelPollMs: config.actor.model_poll_ms,
    replay: store,
    writeBatchEpisodes: config.actor.write_batch_episodes,
    episodes: config.actor.episodes,
    iteration: null,
    seed: config.common.seed || Math.floor(Math.random() * 2 ** 31),
    metrics,
  });
  const probes =
    config.actor.metrics_port > 0
      ? await startProbeServer({
          host: '0.0.0.0',
          port: config.actor.metrics_port,
          registry: metrics.registry,
          isReady: () => actor.ready,
        })
      : undefined;

  const progress = setInterval(() => {
    const p = actor.progress();
    const line = `episodes ${p.episodes}${config.actor.episodes ? `/${config.actor.episodes}` : ''}, ${p.positionsPerSecond.toFixed(0)} positions/s, ${p.evaluationsPerSecond.toFixed(0)} evals/s, batch fill ${(p.averageBatchFill * 100).toFixed(0)}%, cache hits ${(p.cacheHitRate * 100).toFixed(0)}%, model ${p.modelVersion}`;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
    else log.info(p, 'progress');
  }, 2000);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log.info(
      { signal, graceSeconds: config.actor.drain_timeout_seconds },
      'draining: writing completed episodes',
    );
    void actor.stop(config.actor.drain_timeout_seconds * 1000);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const summary = await actor.done;
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(
      `${JSON.stringify({ episodes: summary.episodes, positions: summary.positions, seconds: Number(summary.elapsedSeconds.toFixed(1)), model: summary.modelVersion })}\n`,
    );
  } finally {
    clearInterval(progress);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await probes?.close();
    await modelSync?.close();
    await store.close();
  }
}
