// `cartridge trainer`: one training job of the Python trainer on the replay buffer, with the
// effective configuration passed through; publishes <models>/latest.onnx for the actors.
import type { Command } from 'commander';
import { dataPaths, replayLocation } from '../../config/index.js';
import { logger } from '../../logging/index.js';
import { s3StoreOptions, uploadModel } from '../../models/index.js';
import { findTorchPython, runTrainer, TrainerPythonError, TrainerRunError } from '../../trainer/index.js';
import { loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';

function positiveInt(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
    return value;
  };
}

export function registerTrainerCommand(program: Command): void {
  program
    .command('trainer')
    .description('train the network on the replay buffer (Python/PyTorch) and publish latest.onnx')
    .option('--game <env_id>', 'game to train (common.env_id)')
    .option('--steps <n>', 'optimiser steps (default training.steps_per_iteration)', positiveInt('--steps'))
    .option(
      '--iteration <i>',
      'iteration number used in model file names (default 1)',
      positiveInt('--iteration'),
    )
    .option('--device <device>', 'cpu | cuda | auto (training.device)')
    .option('--batch-size <n>', 'batch size (training.batch_size)')
    .option('--threads <n>', 'torch/OpenBLAS threads (trainer.threads)')
    .option('--data-dir <dir>', 'data directory (common.data_dir)')
    .action(async (options: { steps?: number; iteration?: number }, command: Command) => {
      const { config } = loadCommandConfig(command, {
        game: { key: 'common.env_id', flag: '--game' },
        device: { key: 'training.device', flag: '--device' },
        batchSize: { key: 'training.batch_size', flag: '--batch-size' },
        threads: { key: 'trainer.threads', flag: '--threads' },
        dataDir: { key: 'common.data_dir', flag: '--data-dir' },
      });
      const log = logger('trainer');
      let replay: string;
      let python: string;
      try {
        replay = replayLocation(config);
        python = findTorchPython(config.trainer.python || undefined);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const paths = { ...dataPaths(config), replayLocation: replay };
      log.info({ python, game: config.common.env_id, models: paths.modelsDir }, 'starting trainer');
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        const summary = await runTrainer({
          config,
          paths,
          python,
          steps: options.steps,
          iteration: options.iteration,
          signal: controller.signal,
          // the trainer's own error line becomes this command's error message instead
          onLine: (line) => {
            if (!line.startsWith('cartridge-trainer: error:')) log.info(line);
          },
        });
        if (config.models.store === 's3') {
          const uploaded = await uploadModel(
            {
              file: summary.model,
              iteration: summary.iteration,
              step: summary.step,
              metadata: { sha256: summary.sha256 },
            },
            s3StoreOptions(config),
          );
          log.info({ bucket: config.models.s3_bucket, ...uploaded }, 'published model to S3');
        }
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } catch (error) {
        if (error instanceof TrainerRunError && error.isUsageError) throw new UsageError(error.message);
        if (error instanceof TrainerPythonError) throw new UsageError(error.message);
        throw error;
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
    });
}
