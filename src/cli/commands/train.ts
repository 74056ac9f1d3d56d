// `cartridge train`: the whole AlphaZero loop on this machine (what `npm start` runs), optionally
// with the web UI. The loop itself is `cartridge orchestrate --mode local` (see orchestrate.ts);
// driving a Kubernetes cluster is `cartridge orchestrate --mode kubernetes`.
import type { Command } from 'commander';
import type { CartridgeConfig } from '../../config/index.js';
import { type FlagMap, loadCommandConfig } from '../config-options.js';
import { LOOP_FLAGS, withLoopOptions } from '../loop-options.js';
import { runOrchestrateCommand } from './orchestrate.js';

const FLAGS: FlagMap = {
  ...LOOP_FLAGS,
  mode: { key: 'training.mode', flag: '--mode' },
};

export function registerTrainCommand(program: Command): void {
  withLoopOptions(
    program
      .command('train')
      .description(
        'train an agent from scratch on this machine: self-play → train → evaluate → promote, resumable',
      ),
  )
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
  const web = serve ? await startWeb(config) : undefined;
  try {
    const { stopped } = await runOrchestrateCommand(config, 'local');
    if (web && !stopped) {
      process.stderr.write(`Web UI still serving at ${web.url} — press Ctrl-C to exit.\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
  } finally {
    await web?.close();
  }
}

async function startWeb(config: CartridgeConfig): Promise<{ url: string; close: () => Promise<void> }> {
  const { startWebServer } = await import('../../web/index.js');
  return startWebServer(config);
}
