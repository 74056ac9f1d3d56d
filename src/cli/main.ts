// The `cartridge` command line: one binary, one subcommand per job.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { UnknownGameError } from '../games/metadata.js';
import { registerCommands } from './commands/index.js';
import { UsageError } from './errors.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('cartridge')
    .description('AlphaZero self-play training for two-player board games')
    .version(packageVersion(), '-V, --version')
    .option(
      '-c, --config <path>',
      'config.toml to read (default: $CARTRIDGE_CONFIG, else ./config.toml if present)',
    )
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof UnknownGameError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `cartridge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
