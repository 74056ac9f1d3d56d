// `cartridge orchestrate --mode local`: the same loop as `cartridge train`, run end to end with tiny
// settings (real actor, real Python trainer, in-process evaluation, promotion to best.onnx).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { cartridge } from './helpers/orchestrate-cli.js';

const TINY = {
  CARTRIDGE_EVALUATION_GAMES: '2',
  CARTRIDGE_EVALUATION_RANDOM_GAMES: '2',
  CARTRIDGE_EVALUATION_SIMULATIONS: '4',
  CARTRIDGE_ACTOR_GAMES_PER_WORKER: '8',
};

test('orchestrate --mode local runs one iteration and promotes the first model', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cartridge-orchestrate-'));
  const run = cartridge(
    [
      'orchestrate',
      '--mode',
      'local',
      '--iterations',
      '1',
      '--episodes',
      '10',
      '--steps',
      '10',
      '--sims',
      '8',
      '--data-dir',
      dataDir,
    ],
    TINY,
  );
  const { code } = await run.exited;
  t.is(code, 0, run.stderr());
  t.regex(run.stdout(), /Training summary \(tictactoe\)/);
  const state = JSON.parse(readFileSync(join(dataDir, 'loop_state.json'), 'utf8'));
  t.is(state.history.length, 1);
  t.true(state.history[0].episodes >= 10);
  t.is(state.history[0].step, 10);
  t.true(state.history[0].promoted, 'the first model is promoted (no best yet)');
  t.is(state.best_model, state.history[0].model_version);
  t.true(existsSync(join(dataDir, 'models', 'best.onnx')));
  t.regex(run.stderr(), /self-play: 10 episodes at 8 simulations/);
});

test('orchestrate rejects Kubernetes connection flags in local mode', async (t) => {
  const run = cartridge(['orchestrate', '--mode', 'local', '--server', 'http://127.0.0.1:1']);
  const { code } = await run.exited;
  t.is(code, 2);
  t.regex(run.stderr(), /need --mode kubernetes/);
});
