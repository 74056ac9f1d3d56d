// API tests of the web server through fastify's inject: the play flow, every client
// error (malformed JSON, wrong types, oversize bodies, unknown game/session, wrong turn,
// illegal move, game over), session expiry and bound, concurrency, stats, metrics, CORS.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { buildWebServer, type WebServerOptions } from '../src/web/index.js';
import { FakeSearch, fakeCatalog, uniformModels } from './web-helpers.js';

async function server(overrides: Partial<WebServerOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cartridge-web-'));
  const app = await buildWebServer({
    catalog: fakeCatalog,
    search: new FakeSearch(),
    models: uniformModels,
    dataDir,
    maxSessions: 100,
    sessionTtlMinutes: 60,
    botSimulations: 50,
    corsOrigin: '',
    ...overrides,
  });
  return { app, dataDir };
}

const json = (payload: unknown) => ({
  headers: { 'content-type': 'application/json' },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

test('lists the games with metadata and layout', async (t) => {
  const { app } = await server();
  const res = await app.inject({ method: 'GET', url: '/api/games' });
  t.is(res.statusCode, 200);
  const body = res.json();
  t.is(body.defaultSimulations, 50);
  t.like(body.games[0], {
    envId: 'tictactoe',
    boardWidth: 3,
    numActions: 9,
    layout: 'grid',
    passAction: null,
  });
});

test('human first: move returns the position after the bot reply', async (t) => {
  const { app } = await server();
  const created = await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) });
  t.is(created.statusCode, 201);
  const game = created.json();
  t.is(game.status, 'your_turn');
  t.is(game.humanPlayer, 0);
  t.is(game.legalMoves.length, 9);
  t.deepEqual(game.board.cells, Array(9).fill(-1));
  t.is(game.model.uniform, true);
  const moved = await app.inject({ method: 'POST', url: `/api/game/${game.id}/move`, ...json({ move: 4 }) });
  t.is(moved.statusCode, 200);
  const after = moved.json();
  t.is(after.board.cells[4], 0);
  t.is(after.board.cells[0], 1, 'the fake bot plays the lowest legal cell');
  t.deepEqual(after.lastMove, { player: 1, action: 0, move: 'a1' });
  t.is(after.moves.length, 2);
  t.is(after.status, 'your_turn');
  t.is(after.bot.player, 1);
  t.is(after.bot.winProbability, 0.625);
  t.is(after.bot.moves[0].move, 'a1');
  // Move text in the game notation works too.
  const text = await app.inject({
    method: 'POST',
    url: `/api/game/${game.id}/move`,
    ...json({ move: 'C3' }),
  });
  t.is(text.statusCode, 200);
  t.is(text.json().board.cells[8], 0);
  const state = await app.inject({ method: 'GET', url: `/api/game/${game.id}` });
  t.deepEqual(state.json().board.cells, text.json().board.cells);
});

test('bot first: the bot has moved when the game is returned', async (t) => {
  const { app } = await server();
  const res = await app.inject({
    method: 'POST',
    url: '/api/game/new',
    ...json({ game: 'tictactoe', humanFirst: false, simulations: 10 }),
  });
  t.is(res.statusCode, 201);
  const game = res.json();
  t.is(game.humanPlayer, 1);
  t.is(game.simulations, 10);
  t.is(game.moves.length, 1);
  t.is(game.status, 'your_turn');
  t.is(game.board.cells.filter((c: number) => c === 0).length, 1);
});

test('a full game ends with a result, and further moves are refused as game over', async (t) => {
  const { app } = await server();
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  // Bot takes the lowest cell each time: human 4, bot 0, human 8, bot 1, human 2, bot 3, human 6 wins (2-4-6).
  let state: { status: string; result: { outcome: string; message: string } | null } | undefined;
  for (const move of [4, 8, 2, 6]) {
    const res = await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move }) });
    t.is(res.statusCode, 200);
    state = res.json();
  }
  t.is(state?.status, 'over');
  t.deepEqual(state?.result, { winner: 0, outcome: 'human', message: 'You win!' });
  const again = await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 5 }) });
  t.is(again.statusCode, 409);
  t.like(again.json(), { code: 'game_over', error: 'Conflict' });
  const analysis = await app.inject({ method: 'GET', url: `/api/game/${id}/analysis` });
  t.is(analysis.statusCode, 409);
});

test('illegal moves are 422 with a clear message', async (t) => {
  const { app } = await server();
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 4 }) });
  for (const [move, message] of [
    [4, 'b2 is not a legal move here'],
    [0, 'a1 is not a legal move here'],
    [99, '99 is not a legal move here'],
    ['z9', '"z9" is not a move in Tic-Tac-Toe'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move }) });
    t.is(res.statusCode, 422, String(move));
    t.deepEqual(res.json(), { error: 'Unprocessable Entity', code: 'illegal_move', message });
  }
});

test('malformed JSON, wrong types, missing and unknown fields are 400', async (t) => {
  const { app } = await server();
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  const cases: [string, string, string | object, RegExp][] = [
    ['/api/game/new', 'malformed', '{"game": "tictactoe",', /malformed JSON/],
    ['/api/game/new', 'number game', { game: 3 }, /body\/game must be string/],
    ['/api/game/new', 'string bool', { game: 'tictactoe', humanFirst: 'yes' }, /humanFirst must be boolean/],
    [
      '/api/game/new',
      'string sims',
      { game: 'tictactoe', simulations: '100' },
      /simulations must be integer/,
    ],
    ['/api/game/new', 'zero sims', { game: 'tictactoe', simulations: 0 }, /simulations must be >= 1/],
    ['/api/game/new', 'float sims', { game: 'tictactoe', simulations: 1.5 }, /simulations must be integer/],
    ['/api/game/new', 'too many sims', { game: 'tictactoe', simulations: 1_000_000 }, /at most 5000/],
    ['/api/game/new', 'missing game', {}, /must have required property 'game'/],
    [
      '/api/game/new',
      'unknown field',
      { game: 'tictactoe', cheat: true },
      /must NOT have additional properties/,
    ],
    ['/api/game/new', 'array body', '[1,2]', /body must be object/],
    [`/api/game/${id}/move`, 'bool move', { move: true }, /move must be integer,string/],
    [`/api/game/${id}/move`, 'negative move', { move: -1 }, /move must be >= 0/],
    [`/api/game/${id}/move`, 'null move', { move: null }, /move must be integer,string/],
    [`/api/game/${id}/move`, 'long move', { move: 'x'.repeat(100) }, /must NOT have more than 16 characters/],
  ];
  for (const [url, name, payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url, ...json(payload) });
    t.is(res.statusCode, 400, name);
    const body = res.json();
    t.regex(body.message, message, name);
    t.is(body.error, 'Bad Request', name);
    t.notRegex(body.message, /\n\s+at /, `${name}: no stack trace`);
    t.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message'], name);
  }
  // The game was not changed by any of them.
  t.is((await app.inject({ method: 'GET', url: `/api/game/${id}` })).json().moves.length, 0);
});

test('oversize bodies are 413 and non-JSON bodies 415', async (t) => {
  const { app } = await server({ bodyLimitBytes: 1024 });
  const big = await app.inject({
    method: 'POST',
    url: '/api/game/new',
    ...json({ game: 'tictactoe', padding: 'x'.repeat(5000) }),
  });
  t.is(big.statusCode, 413);
  t.like(big.json(), { code: 'body_too_large', message: 'request body is too large (limit 1024 bytes)' });
  const text = await app.inject({
    method: 'POST',
    url: '/api/game/new',
    headers: { 'content-type': 'text/plain' },
    payload: 'game=tictactoe',
  });
  t.is(text.statusCode, 415);
  t.is(text.json().code, 'unsupported_media_type');
});

test('unknown game, unknown session, bad ids and unknown routes are 4xx', async (t) => {
  const { app } = await server();
  const game = await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'chess' }) });
  t.is(game.statusCode, 404);
  t.like(game.json(), { code: 'unknown_game', message: 'unknown game "chess" (games: tictactoe)' });
  for (const [method, url] of [
    ['GET', '/api/game/nope'],
    ['GET', '/api/game/nope/analysis'],
    ['DELETE', '/api/game/nope'],
  ] as const) {
    const res = await app.inject({ method, url });
    t.is(res.statusCode, 404, url);
    t.is(res.json().code, 'unknown_session');
  }
  const move = await app.inject({ method: 'POST', url: '/api/game/nope/move', ...json({ move: 1 }) });
  t.is(move.statusCode, 404);
  const badId = await app.inject({ method: 'GET', url: `/api/game/${'%24'.repeat(3)}` });
  t.is(badId.statusCode, 400);
  const route = await app.inject({ method: 'GET', url: '/api/nothing' });
  t.is(route.statusCode, 404);
  t.is(route.json().code, 'not_found');
});

test('a move while the bot is thinking is refused as wrong turn / busy', async (t) => {
  const search = new FakeSearch(150);
  const { app } = await server({ search });
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  const first = app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 4 }) });
  await new Promise((r) => setTimeout(r, 30));
  const second = await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 5 }) });
  t.is(second.statusCode, 409);
  t.is(second.json().code, 'busy');
  t.is((await first).statusCode, 200);
  t.is((await app.inject({ method: 'GET', url: `/api/game/${id}` })).json().moves.length, 2);
});

test('wrong turn: the human cannot move for the bot', async (t) => {
  const { app } = await server();
  // A game whose position is set to the bot's turn without the bot having moved: reached by
  // a search that fails, leaving the bot to move.
  let fail = true;
  const search = new FakeSearch();
  const failing = {
    search: async (...args: Parameters<FakeSearch['search']>) => {
      if (fail) throw new Error('model exploded');
      return search.search(...args);
    },
  };
  const { app: flaky } = await server({ search: failing });
  const created = await flaky.inject({
    method: 'POST',
    url: '/api/game/new',
    ...json({ game: 'tictactoe' }),
  });
  const { id } = created.json();
  const broken = await flaky.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 4 }) });
  t.is(broken.statusCode, 500);
  t.deepEqual(broken.json(), {
    error: 'Internal Server Error',
    code: 'internal_error',
    message: 'internal server error',
  });
  const state = (await flaky.inject({ method: 'GET', url: `/api/game/${id}` })).json();
  t.is(state.status, 'bot_turn');
  const wrong = await flaky.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 5 }) });
  t.is(wrong.statusCode, 409);
  t.like(wrong.json(), { code: 'wrong_turn', message: 'it is not your turn' });
  fail = false;
  await app.close();
});

test('concurrent sessions are independent', async (t) => {
  const { app } = await server({ search: new FakeSearch(5) });
  const ids = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/game/new',
        ...json({ game: 'tictactoe', humanFirst: i % 2 === 0 }),
      });
      return res.json().id as string;
    }),
  );
  t.is(new Set(ids).size, 20);
  const moves = await Promise.all(
    ids.map((id, i) =>
      app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 8 - (i % 3) }) }),
    ),
  );
  for (const [i, res] of moves.entries()) {
    t.is(res.statusCode, 200);
    const body = res.json();
    t.is(body.board.cells[8 - (i % 3)], body.humanPlayer, `session ${i} has its own move`);
    t.is(body.moves.length, i % 2 === 0 ? 2 : 3);
  }
});

test('sessions expire after the TTL and the number of sessions is bounded', async (t) => {
  let now = 1_000_000;
  const { app } = await server({ maxSessions: 3, sessionTtlMinutes: 1, now: () => now });
  const make = () => app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) });
  const first = (await make()).json().id;
  await make();
  now += 45_000;
  const third = (await make()).json().id;
  // Touching a session refreshes it.
  t.is((await app.inject({ method: 'GET', url: `/api/game/${first}` })).statusCode, 200);
  const full = await make();
  t.is(full.statusCode, 503);
  t.is(full.json().code, 'too_many_sessions');
  t.is(full.headers['retry-after'], '60');
  now += 30_000; // the second session is now 75 s idle: expired; the first and third are not
  t.is((await make()).statusCode, 201);
  t.is((await app.inject({ method: 'GET', url: `/api/game/${third}` })).statusCode, 200);
  now += 61_000;
  const gone = await app.inject({ method: 'GET', url: `/api/game/${first}` });
  t.is(gone.statusCode, 404);
  t.regex(gone.json().message, /expired/);
  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.is(health.status, 'ok');
});

test('analysis reports visits, value and win probability without changing the game', async (t) => {
  const search = new FakeSearch();
  const { app } = await server({ search });
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  const res = await app.inject({ method: 'GET', url: `/api/game/${id}/analysis` });
  t.is(res.statusCode, 200);
  const a = res.json();
  t.is(a.player, 0);
  t.is(a.value, 0.25);
  t.is(a.winProbability, 0.625);
  t.is(a.moves.length, 9);
  t.deepEqual(a.moves[0], { action: 0, move: 'a1', visits: 9, share: 9 / 45 });
  t.is((await app.inject({ method: 'GET', url: `/api/game/${id}` })).json().moves.length, 0);
  t.is((await app.inject({ method: 'DELETE', url: `/api/game/${id}` })).statusCode, 204);
  t.is((await app.inject({ method: 'GET', url: `/api/game/${id}` })).statusCode, 404);
});

test('stats: empty without files, then read from stats.json and loop_state.json', async (t) => {
  const { app, dataDir } = await server();
  const empty = (await app.inject({ method: 'GET', url: '/api/stats' })).json();
  t.deepEqual(empty.iterations, []);
  t.deepEqual(empty.losses, []);
  t.is(empty.iteration, null);
  await writeFile(
    join(dataDir, 'stats.json'),
    JSON.stringify({
      env_id: 'tictactoe',
      iteration: 2,
      step: 200,
      learning_rate: 0.001,
      history: [
        { step: 100, iteration: 1, loss: 2.1, policy_loss: 1.9, value_loss: 0.2, lr: 0.001, time: 1 },
        { step: 200, iteration: 2, loss: 1.7, policy_loss: 1.6, value_loss: 0.1, lr: 0.001, time: 2 },
        { broken: true },
      ],
    }),
  );
  await writeFile(
    join(dataDir, 'loop_state.json'),
    JSON.stringify({
      iteration: 2,
      phase: 'selfplay',
      env_id: 'tictactoe',
      best_model: 'model_0002.onnx',
      history: [
        {
          iteration: 2,
          episodes: 100,
          positions: 900,
          positions_per_s: 3000,
          vs_random: { wins: 9, draws: 1, losses: 0 },
          vs_best: { wins: 5, draws: 3, losses: 2, score: 0.65 },
          promoted: true,
          model_version: 'v2',
        },
        { iteration: 1, positions_per_s: 2500, promoted: true, model_version: 'v1' },
      ],
    }),
  );
  const stats = (await app.inject({ method: 'GET', url: '/api/stats' })).json();
  t.is(stats.iteration, 2);
  t.is(stats.phase, 'selfplay');
  t.is(stats.bestModel, 'model_0002.onnx');
  t.deepEqual(
    stats.iterations.map((r: { iteration: number }) => r.iteration),
    [1, 2],
  );
  t.is(stats.iterations[1].vs_best.score, 0.65);
  t.is(stats.losses.length, 2);
  t.is(stats.trainer.step, 200);
  // A half-written file reads as no stats, not an error.
  await writeFile(join(dataDir, 'loop_state.json'), '{"iteration": 3, "hist');
  const partial = await app.inject({ method: 'GET', url: '/api/stats' });
  t.is(partial.statusCode, 200);
  t.deepEqual(partial.json().iterations, []);
});

test('metrics count requests, sessions and bot think time', async (t) => {
  const { app } = await server();
  const { id } = (
    await app.inject({ method: 'POST', url: '/api/game/new', ...json({ game: 'tictactoe' }) })
  ).json();
  await app.inject({ method: 'POST', url: `/api/game/${id}/move`, ...json({ move: 4 }) });
  await app.inject({ method: 'GET', url: '/api/game/missing' });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.is(res.statusCode, 200);
  t.regex(res.headers['content-type'] as string, /text\/plain/);
  t.regex(res.body, /cartridge_web_sessions 1/);
  t.regex(
    res.body,
    /cartridge_web_requests_total\{method="POST",route="\/api\/game\/:id\/move",status="200"\} 1/,
  );
  t.regex(res.body, /cartridge_web_requests_total\{method="GET",route="\/api\/game\/:id",status="404"\} 1/);
  t.regex(res.body, /cartridge_web_bot_think_seconds_count\{game="tictactoe"\} 1/);
  t.regex(res.body, /cartridge_web_bot_moves_total\{game="tictactoe",model="uniform"\} 1/);
});

test('CORS: same-origin only by default; configured origins only; wildcard refused', async (t) => {
  const { app } = await server();
  const res = await app.inject({
    method: 'GET',
    url: '/api/games',
    headers: { origin: 'https://evil.example' },
  });
  t.is(res.headers['access-control-allow-origin'], undefined);
  t.is(res.headers['x-content-type-options'], 'nosniff');
  t.regex(res.headers['content-security-policy'] as string, /default-src 'self'/);
  const { app: allowed } = await server({ corsOrigin: 'https://ok.example' });
  const ok = await allowed.inject({
    method: 'GET',
    url: '/api/games',
    headers: { origin: 'https://ok.example' },
  });
  t.is(ok.headers['access-control-allow-origin'], 'https://ok.example');
  const other = await allowed.inject({
    method: 'GET',
    url: '/api/games',
    headers: { origin: 'https://no.example' },
  });
  t.is(other.headers['access-control-allow-origin'], undefined);
  const preflight = await allowed.inject({
    method: 'OPTIONS',
    url: '/api/game/new',
    headers: { origin: 'https://ok.example', 'access-control-request-method': 'POST' },
  });
  t.is(preflight.statusCode, 204);
  await t.throwsAsync(server({ corsOrigin: '*' }), { message: /"\*" is not allowed/ });
});

test('serves the page, chart.js and an OpenAPI description of every API route', async (t) => {
  const { app } = await server();
  const page = await app.inject({ method: 'GET', url: '/' });
  t.is(page.statusCode, 200);
  t.regex(page.body, /<div id="board"/);
  const chart = await app.inject({ method: 'GET', url: '/vendor/chart.umd.js' });
  t.is(chart.statusCode, 200);
  t.regex(chart.headers['content-type'] as string, /javascript/);
  t.true(chart.body.length > 100_000);
  const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  t.is(spec.openapi, '3.1.0');
  t.deepEqual(Object.keys(spec.paths).sort(), [
    '/api/game/new',
    '/api/game/{id}',
    '/api/game/{id}/analysis',
    '/api/game/{id}/move',
    '/api/games',
    '/api/stats',
    '/health',
    '/metrics',
  ]);
  t.truthy(spec.paths['/api/game/{id}/move'].post.requestBody);
  t.truthy(spec.paths['/api/game/{id}/move'].post.responses['422']);
});
