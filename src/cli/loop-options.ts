// The flags `train` and `orchestrate` share: both run the same iteration loop, so its sizes are
// set the same way from either command.
import type { Command } from 'commander';
import type { FlagMap } from './config-options.js';

export const LOOP_FLAGS: FlagMap = {
  game: { key: 'common.env_id', flag: '--game' },
  iterations: { key: 'training.iterations', flag: '--iterations' },
  timeLimit: { key: 'training.time_limit_minutes', flag: '--time-limit' },
  episodes: { key: 'training.episodes_per_iteration', flag: '--episodes' },
  steps: { key: 'training.steps_per_iteration', flag: '--steps' },
  sims: { key: 'mcts.num_simulations', flag: '--sims' },
  dataDir: { key: 'common.data_dir', flag: '--data-dir' },
  workers: { key: 'actor.workers', flag: '--workers' },
};

/** Declares the loop's sizing options (--game … --sims); --workers and --data-dir are worded per command. */
export function withLoopOptions(command: Command): Command {
  return command
    .option('--game <id>', 'game (common.env_id)')
    .option('--iterations <n>', 'total iterations of the run (training.iterations)')
    .option(
      '--time-limit <minutes>',
      'stop after the iteration running when this much time has passed (training.time_limit_minutes)',
    )
    .option('--episodes <n>', 'self-play episodes per iteration (training.episodes_per_iteration)')
    .option('--steps <n>', 'optimiser steps per iteration (training.steps_per_iteration)')
    .option('--sims <n>', 'MCTS simulations per move at the start of the ramp (mcts.num_simulations)');
}
