// The Elo ladder on its own: Bradley-Terry fitting on fixed pairwise results, the ladder
// file's bookkeeping (replacing a re-evaluated iteration, choosing opponents), the table,
// and the web stats endpoint that exposes it to the dashboard.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import {
  addLadderModel,
  emptyLadder,
  fitLadder,
  formatLadder,
  type LadderResult,
  ladderOpponents,
  ladderPath,
  readLadder,
  refitLadder,
  writeLadder,
} from '../src/orchestrator/ladder.js';
import { buildWebServer } from '../src/web/index.js';
import { FakeSearch, fakeCatalog, uniformModels } from './web-helpers.js';

const r = (a: number, b: number, wins: number, draws: number, losses: number): LadderResult => ({
  a,
  b,
  wins,
  draws,
  losses,
});

const eloOf = (ratings: { iteration: number; elo: number | null }[], iteration: number) =>
  ratings.find((x) => x.iteration === iteration)?.elo;

test('fit: symmetric results give equal ratings, the first model anchored at 0', (t) => {
  const ratings = fitLadder([1, 2, 3], [r(2, 1, 5, 2, 5), r(3, 2, 4, 0, 4), r(3, 1, 0, 10, 0)]);
  t.deepEqual(
    ratings.map((x) => x.elo),
    [0, 0, 0],
  );
  t.deepEqual(
    ratings.map((x) => x.games),
    [22, 20, 18],
  );
});

test('fit: a known ordering comes out in order, first model at 0', (t) => {
  // 4 beats 3 beats 2 beats 1, each by a 7-3 margin; 4 also beats 1 heavily.
  const results = [r(2, 1, 7, 0, 3), r(3, 2, 7, 0, 3), r(4, 3, 7, 0, 3), r(4, 1, 9, 1, 0), r(3, 1, 8, 0, 2)];
  const ratings = fitLadder([1, 2, 3, 4], results);
  t.is(eloOf(ratings, 1), 0);
  const elos = ratings.map((x) => x.elo as number);
  for (let i = 1; i < elos.length; i++) t.true(elos[i]! > elos[i - 1]!, `${elos}`);
});

test('fit: two models without a prior match the logistic Elo of their score', (t) => {
  // 75 % score → 400·log10(3) ≈ 190.8 Elo, exactly as eloDifference computes it.
  const ratings = fitLadder([1, 2], [r(2, 1, 15, 0, 5)], { priorDraws: 0 });
  t.is(eloOf(ratings, 1), 0);
  t.is(eloOf(ratings, 2), Math.round(400 * Math.log10(3) * 10) / 10);
  // With one virtual draw the estimate shrinks towards 0 but keeps its sign.
  const shrunk = eloOf(fitLadder([1, 2], [r(2, 1, 15, 0, 5)]), 2) as number;
  t.true(shrunk > 0 && shrunk < 190.8, String(shrunk));
});

test('fit: a clean sweep stays finite; an unconnected model is unrated', (t) => {
  const ratings = fitLadder([1, 2, 5], [r(2, 1, 10, 0, 0)]);
  const two = eloOf(ratings, 2) as number;
  t.true(Number.isFinite(two) && two > 300, String(two));
  t.is(eloOf(ratings, 5), null, 'iteration 5 played nobody connected to the anchor');
  t.is(ratings.find((x) => x.iteration === 5)?.games, 0);
  t.deepEqual(fitLadder([], []), []);
  // The anchor is the lowest iteration, whatever order the models are given in.
  t.is(eloOf(fitLadder([3, 2], [r(3, 2, 2, 0, 8)]), 2), 0);
});

test('ladder file: opponents are the K previous models, a re-evaluated iteration replaces its entry', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cartridge-ladder-'));
  const path = ladderPath(dir);
  t.deepEqual(readLadder(path).models, [], 'no file reads as an empty ladder');
  const ladder = emptyLadder();
  for (const iteration of [1, 2, 4, 5]) {
    addLadderModel(ladder, {
      iteration,
      model_version: `v${iteration}`,
      file: `models/ladder/${iteration}.onnx`,
      added_at: '',
    });
  }
  t.deepEqual(
    ladderOpponents(ladder, 6, 3).map((m) => m.iteration),
    [5, 4, 2],
    'newest first',
  );
  t.deepEqual(
    ladderOpponents(ladder, 2, 3).map((m) => m.iteration),
    [1],
  );
  t.deepEqual(ladderOpponents(ladder, 6, 0), []);
  ladder.results.push(r(2, 1, 6, 0, 4), r(4, 2, 5, 0, 5), r(5, 4, 3, 0, 7));
  addLadderModel(ladder, { iteration: 4, model_version: 'v4b', file: 'models/ladder/4.onnx', added_at: '' });
  t.deepEqual(
    ladder.models.map((m) => [m.iteration, m.model_version]),
    [
      [1, 'v1'],
      [2, 'v2'],
      [4, 'v4b'],
      [5, 'v5'],
    ],
  );
  t.deepEqual(ladder.results, [r(2, 1, 6, 0, 4)], "iteration 4's old games are gone");
  refitLadder(ladder);
  writeLadder(path, ladder);
  const back = readLadder(path);
  t.deepEqual(back.ratings, ladder.ratings);
  t.is(back.ratings.find((x) => x.iteration === 4)?.elo, null);
  const table = formatLadder(back);
  t.regex(table, /^\s*iteration\s+elo\s+games\s+model$/m);
  t.regex(table, /^\s+1\s+0\.0\s+10\s+v1$/m);
  t.regex(table, /^\s+4\s+-\s+0\s+v4b$/m);
  t.regex(formatLadder(emptyLadder()), /empty/);

  await writeFile(path, '{"version": 1, "models": 3}');
  t.throws(() => readLadder(path), { message: /does not hold a valid ladder/ });
});

test('web stats expose the ladder (entries oldest first, matches); no file = empty ladder', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cartridge-ladder-web-'));
  const app = await buildWebServer({
    catalog: fakeCatalog,
    search: new FakeSearch(),
    models: uniformModels,
    dataDir,
    maxSessions: 10,
    sessionTtlMinutes: 60,
    botSimulations: 10,
    corsOrigin: '',
  });
  try {
    const empty = (await app.inject({ method: 'GET', url: '/api/stats' })).json();
    t.deepEqual(empty.ladder, { entries: [], matches: [], updatedAt: null });

    const ladder = emptyLadder();
    for (const iteration of [3, 1]) {
      addLadderModel(ladder, {
        iteration,
        model_version: `sha256:${iteration}`,
        file: `models/ladder/${iteration}.onnx`,
        added_at: '',
      });
    }
    ladder.results.push(r(3, 1, 8, 0, 2));
    refitLadder(ladder);
    writeLadder(ladderPath(dataDir), ladder);
    const stats = (await app.inject({ method: 'GET', url: '/api/stats' })).json();
    t.deepEqual(
      stats.ladder.entries.map((e: { iteration: number; modelVersion: string; games: number }) => [
        e.iteration,
        e.modelVersion,
        e.games,
      ]),
      [
        [1, 'sha256:1', 10],
        [3, 'sha256:3', 10],
      ],
    );
    t.is(stats.ladder.entries[0].elo, 0);
    t.true(stats.ladder.entries[1].elo > 0);
    t.deepEqual(stats.ladder.matches, [r(3, 1, 8, 0, 2)]);
    t.is(typeof stats.ladder.updatedAt, 'string');
  } finally {
    await app.close();
  }
});

const cli = fileURLToPath(new URL('../bin/cartridge.js', import.meta.url));

test('cartridge eval --ladder prints the table, or JSON with --json', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cartridge-ladder-cli-'));
  const ladder = emptyLadder();
  for (const iteration of [1, 2]) {
    addLadderModel(ladder, {
      iteration,
      model_version: `sha256:00000000000${iteration}`,
      file: `models/ladder/${iteration}.onnx`,
      added_at: '',
    });
  }
  ladder.results.push(r(2, 1, 5, 0, 5));
  refitLadder(ladder);
  writeLadder(ladderPath(dataDir), ladder);
  const run = promisify(execFile);
  const table = await run(process.execPath, [cli, 'eval', '--ladder', '--data-dir', dataDir]);
  t.regex(table.stdout, /^\s+1\s+0\.0\s+10\s+sha256:000000000001$/m);
  t.regex(table.stdout, /^\s+2\s+0\.0\s+10\s+sha256:000000000002$/m);
  const json = JSON.parse(
    (
      await run(process.execPath, [cli, 'eval', '--ladder', '--json'], {
        env: { ...process.env, CARTRIDGE_COMMON_DATA_DIR: dataDir },
      })
    ).stdout,
  );
  t.is(json.file, ladderPath(dataDir));
  t.deepEqual(json.ratings, ladder.ratings);
  const bad = await run(process.execPath, [
    cli,
    'eval',
    '--ladder',
    '--vs',
    'random',
    '--data-dir',
    dataDir,
  ]).catch((error: { code: number; stderr: string }) => error);
  t.is((bad as { code: number }).code, 2);
  t.regex((bad as { stderr: string }).stderr, /does not combine/);
});
