import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError, loadConfig } from '../src/config/index.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'cartridge-config-'));

test('defaults load and validate with no file, env or flags', (t) => {
  const { config, sources, configFile } = loadConfig({ env: {}, cwd: tempDir() });
  t.is(config.common.data_dir, './data');
  t.is(config.replay.backend, 'sqlite');
  t.is(config.web.port, 8080);
  t.is(sources['mcts.num_simulations'], 'default');
  t.is(configFile, undefined);
});

test('layers apply in order: file < env < flags, each with its source', (t) => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'config.toml'),
    '[mcts]\nnum_simulations = 40\nc_puct = 2.0\n[common]\nenv_id = "othello"\n',
  );
  const { config, sources } = loadConfig({
    cwd: dir,
    env: { CARTRIDGE_MCTS_NUM_SIMULATIONS: '60', CARTRIDGE_COMMON_ENV_ID: 'connect4' },
    flags: [{ key: 'mcts.num_simulations', value: '80', flag: '--sims' }],
  });
  t.is(config.mcts.num_simulations, 80);
  t.is(sources['mcts.num_simulations'], 'flag --sims');
  t.is(config.mcts.c_puct, 2);
  t.is(sources['mcts.c_puct'], `file ${join(dir, 'config.toml')}`);
  t.is(config.common.env_id, 'connect4');
  t.is(sources['common.env_id'], 'env CARTRIDGE_COMMON_ENV_ID');
});

test("the seed's documented env overrides work as written", (t) => {
  const { config } = loadConfig({
    cwd: tempDir(),
    env: {
      CARTRIDGE_COMMON_ENV_ID: 'connect4',
      CARTRIDGE_TRAINING_ITERATIONS: '7',
      CARTRIDGE_TRAINING_EPISODES_PER_ITERATION: '33',
      CARTRIDGE_TRAINING_STEPS_PER_ITERATION: '44',
      CARTRIDGE_TRAINING_DEVICE: 'cuda',
      CARTRIDGE_REPLAY_BACKEND: 'postgres',
      CARTRIDGE_REPLAY_URL: 'postgres://u@127.0.0.1:5432/db',
    },
  });
  t.is(config.common.env_id, 'connect4');
  t.is(config.training.iterations, 7);
  t.is(config.training.episodes_per_iteration, 33);
  t.is(config.training.steps_per_iteration, 44);
  t.is(config.training.device, 'cuda');
  t.is(config.replay.backend, 'postgres');
  t.is(config.replay.url, 'postgres://u@127.0.0.1:5432/db');
});

test('a bad env value names the key and the variable', (t) => {
  const error = t.throws(
    () => loadConfig({ cwd: tempDir(), env: { CARTRIDGE_MCTS_NUM_SIMULATIONS: 'abc' } }),
    {
      instanceOf: ConfigError,
    },
  );
  t.regex(error.message, /mcts\.num_simulations/);
  t.regex(error.message, /CARTRIDGE_MCTS_NUM_SIMULATIONS/);
});

test('unknown keys and sections in config.toml are reported, all problems at once', (t) => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'config.toml'),
    '[mcts]\nnum_simulatons = 40\n[bogus]\nx = 1\n[web]\nport = 99999\n',
  );
  const error = t.throws(() => loadConfig({ cwd: dir, env: {} }), { instanceOf: ConfigError });
  t.is(error.problems.length, 3);
  t.regex(error.message, /mcts\.num_simulatons .*unknown key/);
  t.regex(error.message, /\[bogus\].*unknown section/);
  t.regex(error.message, /web\.port = 99999/);
});

test('an unknown key under a known env section is an error, other CARTRIDGE_ vars are not', (t) => {
  t.throws(() => loadConfig({ cwd: tempDir(), env: { CARTRIDGE_MCTS_SIMS: '5' } }), {
    message: /mcts\.sims/,
  });
  t.notThrows(() => loadConfig({ cwd: tempDir(), env: { CARTRIDGE_ADDON: '/x', CARTRIDGE_SOMETHING: 'y' } }));
});

test('string keys keep numeric-looking env text; invalid TOML names the file', (t) => {
  const { config } = loadConfig({ cwd: tempDir(), env: { CARTRIDGE_COMMON_DATA_DIR: '2024' } });
  t.is(config.common.data_dir, '2024');
  const dir = tempDir();
  writeFileSync(join(dir, 'config.toml'), '[mcts\n');
  t.throws(() => loadConfig({ cwd: dir, env: {} }), { message: /config\.toml: not valid TOML/ });
  t.throws(() => loadConfig({ cwd: dir, env: {}, configPath: 'missing.toml' }), {
    message: /does not exist/,
  });
});
