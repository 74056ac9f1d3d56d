import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';

const exec = promisify(execFile);
const cli = (args: string[], env: Record<string, string> = {}) =>
  exec('node', ['bin/cartridge.js', ...args], { env: { ...process.env, ...env } });

test('--help lists the registered subcommands', async (t) => {
  const { stdout } = await cli(['--help']);
  t.regex(stdout, /config/);
  t.regex(stdout, /Usage: cartridge/);
});

test('--version prints the package version', async (t) => {
  const { stdout } = await cli(['--version']);
  t.regex(stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('config print --json prints the effective config with sources', async (t) => {
  const { stdout } = await cli(['config', 'print', '--json'], { CARTRIDGE_MCTS_C_PUCT: '2.5' });
  const parsed = JSON.parse(stdout) as {
    config: { mcts: { c_puct: number } };
    sources: Record<string, string>;
  };
  t.is(parsed.config.mcts.c_puct, 2.5);
  t.is(parsed.sources['mcts.c_puct'], 'env CARTRIDGE_MCTS_C_PUCT');
});

test('a bad env value exits non-zero naming the key and variable', async (t) => {
  const error = await t.throwsAsync(cli(['config', 'print'], { CARTRIDGE_MCTS_NUM_SIMULATIONS: 'abc' }));
  const failure = error as unknown as { code: number; stderr: string };
  t.is(failure.code, 2);
  t.regex(failure.stderr, /mcts\.num_simulations/);
  t.regex(failure.stderr, /CARTRIDGE_MCTS_NUM_SIMULATIONS/);
});
