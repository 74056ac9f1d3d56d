// Every subcommand registers itself on the program; add a line here per command.
import type { Command } from 'commander';
import { registerActorCommand } from './actor.js';
import { registerBenchCommand } from './bench.js';
import { registerConfigCommand } from './config.js';
import { registerDbCommand } from './db.js';
import { registerEvalCommand } from './eval.js';
import { registerK8sCommand } from './k8s.js';
import { registerOrchestrateCommand } from './orchestrate.js';
import { registerPerftCommand } from './perft.js';
import { registerPlayCommand } from './play.js';
import { registerServeCommand } from './serve.js';
import { registerSolveCommand } from './solve.js';
import { registerTrainCommand } from './train.js';
import { registerTrainerCommand } from './trainer.js';

export function registerCommands(program: Command): void {
  registerActorCommand(program);
  registerBenchCommand(program);
  registerConfigCommand(program);
  registerDbCommand(program);
  registerEvalCommand(program);
  registerK8sCommand(program);
  registerOrchestrateCommand(program);
  registerPerftCommand(program);
  registerPlayCommand(program);
  registerServeCommand(program);
  registerSolveCommand(program);
  registerTrainCommand(program);
  registerTrainerCommand(program);
}
