// `cartridge train`: the whole AlphaZero loop on this machine (what `npm start` runs), or
// driving a Kubernetes cluster with orchestrator.mode = kubernetes (see `cartridge orchestrate`).
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { type CartridgeConfig, dataPaths } from '../../config/index.js';
import { initialState } from '../../eval/index.js';
import { gameShape, replayMetadata } from '../../games/index.js';
import { modelVersionOf } from '../../inference/index.js';
import { logger } from '../../logging/index.js';
import { createLoopEvaluator } from '../../orchestrator/evaluation.js';
import { LocalBackend } from '../../orchestrator/local.js';
import { runLoop } from '../../orchestrator/loop.js';
import { TerminalView } from '../../orchestrator/view.js';
import { type FlagMap, loadCommandConfig } from '../config-options.js';
import { openReplayFromConfig } from '../replay-store.js';

const FLAGS: FlagMap = {
  game: { key: 'common.env_id', flag: '--game' },
  iterations: { key: 'training.iterations', flag: '--iterations' },
  timeLimit: { key: 'training.time_limit_minutes', flag: '--time-limit' },
  episodes: { key: 'training.episodes_per_iteration', flag: '--episodes' },
  steps: { key: 'training.steps_per_iteration', flag: '--steps' },
  sims: { key: 'mcts.num_simulations', flag: '--sims' },
  mode: { key: 'training.mode', flag: '--mode' },
  dataDir: { key: 'common.data_dir', flag: '--data-dir' },
  workers: { key: 'actor.workers', flag: '--workers' },
};

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'train an agent from scratch on this machine: self-play → train → evaluate → promote, resumable',
    )
    .option('--game <id>', 'game (common.env_id)')
    .option('--iterations <n>', 'total iterations of the run (training.iterations)')
    .option(
      '--time-limit <minutes>',
      'stop after the iteration running when this much time has passed (training.time_limit_minutes)',
    )
    .option('--episodes <n>', 'self-play episodes per iteration (training.episodes_per_iteration)')
    .option('--steps <n>', 'optimiser steps per iteration (training.steps_per_iteration)')
    .option('--sims <n>', 'MCTS simulations per move at the start of the ramp (mcts.num_simulations)')
    .option('--mode <mode>', 'synchronous | continuous (training.mode)')
    .option('--workers <n>', 'self-play worker threads (actor.workers)')
    .option('--data-dir <dir>', 'data directory (common.data_dir)')
    .option('--serve', 'also serve the web UI (web.host:web.port) during and after training')
    .action(async (options: { serve?: boolean }, command: Command) => {
      const { config } = loadCommandConfig(command, FLAGS);
      await runTrainCommand(config, options.serve === true);
    });
}

async function runTrainCommand(config: CartridgeConfig, serve: boolean): Promise<void> {
  const log = logger('train');
  const envId = config.common.env_id;
  const shape = gameShape(envId);
  const paths = dataPaths(config);
  mkdirSync(paths.modelsDir, { recursive: true });
  const { store, location } = openReplayFromConfig(config);
  await store.migrate();
  await store.upsertGameMetadata(replayMetadata(envId));

  const view = new TerminalView(process.stderr, config.training.iterations);
  const backend = new LocalBackend({
    config,
    paths,
    replayLocation: location,
    replay: store,
    shape,
    onTrainerLine: (line) => view.trainerLine(line),
  });
  const web = serve ? await startWeb(config) : undefined;

  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      log.warn({ signal }, 'second signal: exiting now (state is saved; rerun the same command to resume)');
      process.exit(130);
    }
    stopRequested = true;
    log.info({ signal }, 'stopping after the current phase (press again to exit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const state = await runLoop(
      {
        config,
        paths,
        backend,
        countReplay: async () => {
          const stats = await store.stats();
          const env = stats.perEnv.find((e) => e.envId === envId);
          return { episodes: env?.episodes ?? 0, positions: env?.rows ?? 0 };
        },
        evaluate: createLoopEvaluator({
          envId,
          shape,
          newGame: () => initialState(envId as never),
          cPuct: config.mcts.c_puct,
          seed: config.common.seed,
          openingPlies: 2,
          onGame: (label, done, total) => view.evaluationProgress(label, done, total),
        }),
        modelVersion: (path) => modelVersionOf(path),
        view,
        stopRequested: () => stopRequested,
        maintainReplay: async () => {
          if (config.replay.max_transitions > 0) await store.prune(config.replay.max_transitions, envId);
        },
      },
      {
        iterations: config.training.iterations,
        timeLimitMs: config.training.time_limit_minutes * 60_000,
      },
    );
    process.stdout.write(`${view.summary(state)}\n`);
    if (web && !stopRequested) {
      process.stderr.write(`Web UI still serving at ${web.url} — press Ctrl-C to exit.\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
    await web?.close();
    await store.close();
  }
}

async function startWeb(config: CartridgeConfig): Promise<{ url: string; close: () => Promise<void> }> {
  const { startWebServer } = await import('../../web/index.js');
  return startWebServer(config);
}
