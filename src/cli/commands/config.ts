// `cartridge config print`: the effective configuration and where each value came from.
import type { Command } from 'commander';
import { loadCommandConfig } from '../config-options.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect the effective configuration');
  config
    .command('print')
    .description(
      "print the effective configuration (defaults < config.toml < env < flags) with each value's source",
    )
    .option('--json', 'print JSON: {"config": {...}, "sources": {"section.key": "..."}, "configFile": ...}')
    .action((options: { json?: boolean }, command: Command) => {
      const { config: effective, sources, configFile } = loadCommandConfig(command);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ config: effective, sources, configFile: configFile ?? null }, null, 2)}\n`,
        );
        return;
      }
      const lines: string[] = [`# config file: ${configFile ?? '(none)'}`];
      for (const [section, values] of Object.entries(effective)) {
        lines.push('', `[${section}]`);
        for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
          lines.push(`${key} = ${JSON.stringify(value)}  # ${sources[`${section}.${key}`]}`);
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
