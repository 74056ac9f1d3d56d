// The real wiring behind `cartridge serve` over HTTP: C++ engines, the MCTS bot, and the
// best model of the trained game hot-loaded from <data_dir>/models/best.onnx.
import { mkdir, mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadConfig } from '../src/config/index.js';
import { startWebServer } from '../src/web/index.js';
import { writeTestModel } from './helpers/models.js';

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('the trained game plays the best model once it appears; other games stay uniform', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cartridge-web-model-'));
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      CARTRIDGE_COMMON_DATA_DIR: dataDir,
      CARTRIDGE_COMMON_ENV_ID: 'connect4',
      CARTRIDGE_ACTOR_MODEL_POLL_MS: '50',
    },
  });
  const server = await startWebServer(config, { host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());

  const games = await (await fetch(`${server.url}/api/games`)).json();
  t.is(games.trainedGame, 'connect4');
  t.deepEqual(
    games.games.map((g: { envId: string }) => g.envId),
    ['tictactoe', 'connect4', 'othello', 'othello6'],
  );

  const before = await post(`${server.url}/api/game/new`, {
    game: 'connect4',
    humanFirst: false,
    simulations: 32,
  });
  t.is(before.status, 201);
  t.true(before.body.model.uniform);

  const models = join(dataDir, 'models');
  await mkdir(models, { recursive: true });
  writeTestModel(join(models, 'tmp.onnx'), { obsSize: 93, numActions: 7 }, { seed: 3 });
  await rename(join(models, 'tmp.onnx'), join(models, 'best.onnx'));
  let state = before.body;
  for (let i = 0; i < 100 && state.model.uniform; i++) {
    await new Promise((r) => setTimeout(r, 50));
    state = await (await fetch(`${server.url}/api/game/${before.body.id}`)).json();
  }
  t.false(state.model.uniform);
  t.regex(state.model.version, /[0-9a-f]{12}/, 'versions name the weights by content hash');

  const moved = await post(`${server.url}/api/game/${state.id}/move`, { move: '4' });
  t.is(moved.status, 200);
  t.is(moved.body.moves.length, 3);
  t.is(moved.body.bot.model, state.model.version);
  t.is(
    moved.body.bot.moves.reduce((n: number, m: { visits: number }) => n + m.visits, 0),
    32,
    'the bot ran the requested simulations',
  );
  const ttt = await post(`${server.url}/api/game/new`, { game: 'tictactoe' });
  t.true(ttt.body.model.uniform);

  // Othello: the human can pass only when it is their only move, and a pass is an action like any other.
  const othello = await post(`${server.url}/api/game/new`, { game: 'othello', simulations: 8 });
  t.is(othello.body.game.passAction, 64);
  t.false(othello.body.legalMoves.some((m: { action: number }) => m.action === 64));
  const pass = await post(`${server.url}/api/game/${othello.body.id}/move`, { move: 'pass' });
  t.is(pass.status, 422);
  t.is(pass.body.message, 'pass is not a legal move here');
  const analysis = await (await fetch(`${server.url}/api/game/${othello.body.id}/analysis`)).json();
  t.is(analysis.player, 0);
  t.is(
    analysis.moves
      .map((m: { move: string }) => m.move)
      .sort()
      .join(),
    othello.body.legalMoves
      .map((m: { move: string }) => m.move)
      .sort()
      .join(),
  );
});
