// Every subcommand registers itself on the program; add a line here per command.
import type { Command } from 'commander';
import { registerConfigCommand } from './config.js';
import { registerDbCommand } from './db.js';
import { registerTrainerCommand } from './trainer.js';

export function registerCommands(program: Command): void {
  registerConfigCommand(program);
  registerDbCommand(program);
  registerTrainerCommand(program);
}
