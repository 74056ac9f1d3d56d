// Every subcommand registers itself on the program; add a line here per command.
import type { Command } from 'commander';
import { registerBenchCommand } from './bench.js';
import { registerConfigCommand } from './config.js';
import { registerDbCommand } from './db.js';
import { registerK8sCommand } from './k8s.js';
import { registerTrainerCommand } from './trainer.js';

export function registerCommands(program: Command): void {
  registerBenchCommand(program);
  registerConfigCommand(program);
  registerDbCommand(program);
  registerK8sCommand(program);
  registerTrainerCommand(program);
}
