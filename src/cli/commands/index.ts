// Every subcommand registers itself on the program; add a line here per command.
import type { Command } from 'commander';
import { registerConfigCommand } from './config.js';
import { registerDbCommand } from './db.js';
import { registerEvalCommand } from './eval.js';
import { registerK8sCommand } from './k8s.js';
import { registerPerftCommand } from './perft.js';
import { registerSolveCommand } from './solve.js';
import { registerTrainerCommand } from './trainer.js';

export function registerCommands(program: Command): void {
  registerConfigCommand(program);
  registerDbCommand(program);
  registerEvalCommand(program);
  registerK8sCommand(program);
  registerPerftCommand(program);
  registerSolveCommand(program);
  registerTrainerCommand(program);
}
