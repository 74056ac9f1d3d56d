// Builds the effective configuration from four layers, later ones winning:
// built-in defaults.toml < config.toml < CARTRIDGE_<SECTION>_<KEY> env vars < CLI flags.
// Every problem is collected and reported at once, one line each, naming the key,
// where the bad value came from and what was expected.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import TOML from '@iarna/toml';
import type { z } from 'zod';
import { type CartridgeConfig, configSchema } from './schema.js';

/** Environment variables with the CARTRIDGE_ prefix that are not configuration keys. */
const NON_CONFIG_ENV = new Set([
  'CARTRIDGE_CONFIG',
  'CARTRIDGE_ADDON',
  'CARTRIDGE_NATIVE_BUILD',
  'CARTRIDGE_PYTHON',
]);

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A value set on the command line for a config key, e.g. {key: 'mcts.num_simulations', value: '200', flag: '--sims'}. */
export interface FlagOverride {
  key: string;
  value: unknown;
  flag: string;
}

export interface LoadConfigOptions {
  /** Explicit config file (from --config); else $CARTRIDGE_CONFIG; else ./config.toml when present. */
  configPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  flags?: FlagOverride[];
  cwd?: string;
}

export interface LoadedConfig {
  config: CartridgeConfig;
  /** Where each 'section.key' came from: 'default', 'file <path>', 'env <NAME>' or 'flag <--name>'. */
  sources: Record<string, string>;
  configFile: string | undefined;
}

type Section = Record<string, z.ZodType>;
const sections = Object.fromEntries(
  Object.entries(configSchema.shape).map(([name, schema]) => [name, schema.shape as Section]),
) as Record<string, Section>;

const defaultsPath = new URL('./defaults.toml', import.meta.url);

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const raw: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, string> = {};
  // Values that arrived as text (env, flags): a string schema accepts the text as typed.
  const rawText: Record<string, string> = {};

  const set = (section: string, key: string, value: unknown, source: string, text?: string) => {
    raw[section] ??= {};
    raw[section][key] = value;
    sources[`${section}.${key}`] = source;
    if (text === undefined) delete rawText[`${section}.${key}`];
    else rawText[`${section}.${key}`] = text;
  };

  applyTable(TOML.parse(readFileSync(defaultsPath, 'utf8')), 'default', set, problems);

  const configFile = findConfigFile(options.configPath ?? env.CARTRIDGE_CONFIG, cwd, problems);
  if (configFile) {
    try {
      applyTable(TOML.parse(readFileSync(configFile, 'utf8')), `file ${configFile}`, set, problems);
    } catch (error) {
      problems.push(`${configFile}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('CARTRIDGE_') || text === undefined || NON_CONFIG_ENV.has(name)) continue;
    const rest = name.slice('CARTRIDGE_'.length);
    const section = Object.keys(sections).find((s) => rest.startsWith(`${s.toUpperCase()}_`));
    if (!section) continue; // not a configuration variable
    const key = rest.slice(section.length + 1).toLowerCase();
    if (!(key in sections[section]!)) {
      problems.push(
        `${name}: unknown key "${section}.${key}" (known: ${Object.keys(sections[section]!).join(', ')})`,
      );
      continue;
    }
    set(section, key, parseScalar(text), `env ${name}`, text);
  }

  for (const flag of options.flags ?? []) {
    const [section, key] = flag.key.split('.') as [string, string];
    if (!sections[section] || !(key in sections[section]))
      throw new Error(`flag ${flag.flag} maps to unknown key ${flag.key}`);
    const text = typeof flag.value === 'string' ? flag.value : undefined;
    set(section, key, text === undefined ? flag.value : parseScalar(text), `flag ${flag.flag}`, text);
  }

  const config: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(sections)) {
    config[section] = {};
    for (const [key, schema] of Object.entries(fields)) {
      const path = `${section}.${key}`;
      const value = raw[section]?.[key];
      let result = schema.safeParse(value);
      if (!result.success && rawText[path] !== undefined) {
        const asText = schema.safeParse(rawText[path]);
        if (asText.success) result = asText;
      }
      if (result.success) config[section]![key] = result.data;
      else {
        const shown = rawText[path] ?? value;
        problems.push(
          `${path} = ${JSON.stringify(shown)} (from ${sources[path]}): ${describeExpectation(result.error)}`,
        );
      }
    }
  }
  if (config.models?.store === 's3' && !config.models.s3_bucket)
    problems.push('models.s3_bucket must be set when models.store = "s3"');
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: config as CartridgeConfig, sources, configFile };
}

function findConfigFile(explicit: string | undefined, cwd: string, problems: string[]): string | undefined {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) problems.push(`config file ${path} does not exist`);
    return existsSync(path) ? path : undefined;
  }
  const local = resolve(cwd, 'config.toml');
  return existsSync(local) ? local : undefined;
}

function applyTable(
  table: Record<string, unknown>,
  source: string,
  set: (section: string, key: string, value: unknown, source: string) => void,
  problems: string[],
): void {
  for (const [section, body] of Object.entries(table)) {
    const fields = sections[section];
    if (!fields) {
      problems.push(`[${section}] (${source}): unknown section (known: ${Object.keys(sections).join(', ')})`);
      continue;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      problems.push(`${section} (${source}): expected a [${section}] table`);
      continue;
    }
    for (const [key, value] of Object.entries(body)) {
      if (!(key in fields)) {
        problems.push(
          `${section}.${key} (${source}): unknown key (known: ${Object.keys(fields).join(', ')})`,
        );
        continue;
      }
      set(section, key, value, source);
    }
  }
}

/** Reads an env/flag string as a TOML scalar (number, boolean, quoted string), else keeps the text. */
function parseScalar(text: string): unknown {
  try {
    return (TOML.parse(`v = ${text}`) as { v: unknown }).v;
  } catch {
    return text;
  }
}

function describeExpectation(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('; ');
}
