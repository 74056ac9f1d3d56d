// Shared plumbing between commander options and the configuration layers: commands
// declare which of their flags map to which config keys, and get the effective config.
import type { Command } from 'commander';
import { type FlagOverride, type LoadedConfig, loadConfig } from '../config/index.js';
import { configureLogging } from '../logging/index.js';

/** Maps a command's option name (camelCase, as commander stores it) to a config key. */
export type FlagMap = Record<string, { key: string; flag: string }>;

export function loadCommandConfig(command: Command, flagMap: FlagMap = {}): LoadedConfig {
  const options = command.optsWithGlobals<Record<string, unknown>>();
  const flags: FlagOverride[] = [];
  for (const [option, { key, flag }] of Object.entries(flagMap)) {
    if (options[option] !== undefined) flags.push({ key, value: options[option], flag });
  }
  const loaded = loadConfig({ configPath: options.config as string | undefined, flags });
  configureLogging(loaded.config.logging);
  return loaded;
}
