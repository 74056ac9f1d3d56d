// The games' TypeScript surface over the C++ engines: metadata (DESIGN.md table
// and the C++ registry agree), observation layout, moves, errors, perft
// acceptance figures, serialisation and the symmetry helpers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';
import {
  benchRandomPlayouts,
  GameState,
  getGameInfo,
  listGames,
  nativeGameMetadata,
  perft,
  symmetryTables,
  transformObservation,
  transformPolicy,
  UnknownGameError,
} from '../src/games/index.js';

const exec = promisify(execFile);

const DESIGN_TABLE = [
  ['tictactoe', 3, 3, 9, 29, 18],
  ['connect4', 7, 6, 7, 93, 84],
  ['othello', 8, 8, 65, 195, 128],
  ['othello6', 6, 6, 37, 111, 72],
] as const;

test('metadata matches the DESIGN.md table and the C++ registry', (t) => {
  const games = listGames();
  t.deepEqual(
    games.map((g) => [
      g.env_id,
      g.board_width,
      g.board_height,
      g.num_actions,
      g.obs_size,
      g.legal_mask_offset,
    ]),
    DESIGN_TABLE.map((row) => [...row]),
  );
  for (const g of games) t.is(g.player_count, 2);
  const native = nativeGameMetadata();
  t.deepEqual(
    native,
    games.map(({ player_count: _, ...rest }) => rest),
  );
});

test('getGameInfo names the valid ids for an unknown game', (t) => {
  t.is(getGameInfo('connect4').num_actions, 7);
  const error = t.throws(() => getGameInfo('chess'), { instanceOf: UnknownGameError });
  t.regex(error.message, /chess.*tictactoe, connect4, othello, othello6/);
  t.throws(() => new GameState('chess'), { instanceOf: UnknownGameError });
});

function checkLayout(t: import('ava').ExecutionContext, g: GameState): void {
  const { board_width: w, board_height: h, num_actions: n, obs_size, legal_mask_offset: off } = g.info;
  const cells = w * h;
  const obs = new Float32Array(obs_size).fill(-1);
  t.is(g.writeObservation(obs), obs);
  const mask = g.legalMask();
  for (let a = 0; a < n; a++) t.is(obs[off + a], mask[a]);
  t.is(obs[obs_size - 2], g.toMove() === 0 ? 1 : 0);
  t.is(obs[obs_size - 1], g.toMove() === 1 ? 1 : 0);
  for (let c = 0; c < cells; c++) {
    t.true(obs[c] === 0 || obs[c] === 1);
    t.false(obs[c] === 1 && obs[cells + c] === 1);
  }
  t.deepEqual(
    [...g.legalActions()],
    [...mask].flatMap((v, a) => (v ? [a] : [])),
  );
}

test('TicTacToe observation: planes, legal plane, side to move', (t) => {
  const g = new GameState('tictactoe');
  g.play(4).play(0);
  const obs = g.observation();
  t.is(obs.length, 29);
  t.deepEqual([...obs.slice(0, 9)], [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  t.deepEqual([...obs.slice(9, 18)], [1, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.deepEqual([...obs.slice(18, 27)], [0, 1, 1, 1, 0, 1, 1, 1, 1]);
  t.deepEqual([...obs.slice(27)], [1, 0]);
  checkLayout(t, g);
});

test('Connect4 observation: cell = row*7+col with row 0 at the bottom', (t) => {
  const g = new GameState('connect4');
  g.playMove('4');
  g.playMove('4');
  g.playMove('1');
  const obs = g.observation();
  t.is(obs[0 * 7 + 3], 1); // X d1
  t.is(obs[0 * 7 + 0], 1); // X a1
  t.is(obs[42 + 1 * 7 + 3], 1); // O d2
  t.is(
    obs.slice(0, 84).reduce((a, b) => a + b, 0),
    3,
  );
  t.deepEqual([...obs.slice(84, 91)], [1, 1, 1, 1, 1, 1, 1]);
  t.deepEqual([...obs.slice(91)], [0, 1]);
  checkLayout(t, g);
});

test('Othello observation: standard start, Black first, pass slot in the legal plane', (t) => {
  for (const [id, n] of [
    ['othello', 8],
    ['othello6', 6],
  ] as const) {
    const g = new GameState(id);
    const obs = g.observation();
    const cells = n * n;
    const cell = (m: string) => g.parseMove(m)!;
    const lo = String.fromCharCode(97 + n / 2 - 1) + String(n / 2);
    t.is(cell('a1'), 0);
    t.is(obs[cell(lo)], 0, `${lo} is White`);
    t.is(obs[cells + cell(lo)], 1);
    t.is(
      obs.slice(0, cells).reduce((a, b) => a + b, 0),
      2,
    );
    t.is(obs[2 * cells + cells], 0, 'pass not legal at the start');
    t.is(g.legalActions().length, 4);
    t.deepEqual([...obs.slice(obs.length - 2)], [1, 0]);
    checkLayout(t, g);
  }
  const g = new GameState('othello');
  t.deepEqual(
    [...g.legalActions()].map((a) => g.formatMove(a)),
    ['d3', 'c4', 'f5', 'e6'],
  );
});

test('move strings round-trip for every action', (t) => {
  for (const info of listGames()) {
    const g = new GameState(info.env_id);
    for (let a = 0; a < info.num_actions; a++) t.is(g.parseMove(g.formatMove(a)), a);
  }
  const c4 = new GameState('connect4');
  t.is(c4.parseMove('1'), 0);
  t.is(c4.parseMove('7'), 6);
  t.is(c4.parseMove('0'), null);
  t.is(c4.parseMove('8'), null);
  const o = new GameState('othello');
  t.is(o.parseMove('pass'), 64);
  t.is(o.parseMove('h8'), 63);
  t.is(o.parseMove('z9'), null);
  t.is(new GameState('tictactoe').parseMove('9'), null);
});

test('illegal moves throw a RangeError naming the move; bad arguments a TypeError', (t) => {
  const g = new GameState('othello');
  t.throws(() => g.play(0), { instanceOf: RangeError, message: /illegal move 0 \(a1\)/ });
  t.throws(() => g.play(64), { instanceOf: RangeError, message: /pass/ });
  t.throws(() => g.play(999), { instanceOf: RangeError });
  t.throws(() => g.playMove('nonsense'), { instanceOf: RangeError });
  t.throws(() => g.play('d3' as unknown as number), { instanceOf: TypeError, message: /action/ });
  t.throws(() => g.play(1.5), { instanceOf: TypeError });
  t.throws(() => g.writeObservation(new Float32Array(10)), { instanceOf: RangeError, message: /195/ });
  t.throws(() => g.writeObservation(new Float64Array(195) as unknown as Float32Array), {
    instanceOf: TypeError,
  });
  t.throws(() => g.legalMask(new Uint8Array(3)), { instanceOf: RangeError });
  const c4 = new GameState('connect4');
  for (const m of '121212') c4.playMove(m);
  c4.playMove('1'); // four in column 1
  t.true(c4.isTerminal());
  t.is(c4.winner(), 0);
  t.is(c4.legalActions().length, 0);
  t.throws(() => c4.play(3), { instanceOf: RangeError, message: /over/ });
  const full = new GameState('connect4');
  for (let i = 0; i < 6; i++) full.play(0);
  t.throws(() => full.play(0), { instanceOf: RangeError, message: /illegal move 0 \(1\)/ });
});

test('a TicTacToe game: winner, render, clone independence', (t) => {
  const g = new GameState('tictactoe');
  for (const a of [0, 3, 1, 4]) g.play(a);
  const copy = g.clone();
  g.play(2);
  t.true(g.isTerminal());
  t.is(g.winner(), 0);
  t.false(copy.isTerminal());
  t.is(copy.ply(), 4);
  t.is(copy.winner(), null);
  t.is(g.render(), '6 7 8\nO O 5\nX X X\n');
});

test('serialize round trip, with env and length checks', (t) => {
  for (const info of listGames()) {
    const g = new GameState(info.env_id);
    for (let i = 0; i < 6 && !g.isTerminal(); i++) g.play(g.legalActions()[i % g.legalActions().length]!);
    const bytes = g.serialize();
    const back = GameState.deserialize(info.env_id, bytes);
    t.is(back.hash(), g.hash());
    t.is(back.ply(), g.ply());
    t.deepEqual(back.observation(), g.observation());
    t.is(back.render(), g.render());
    if (!back.isTerminal()) {
      back.play(back.legalActions()[0]!);
      t.is(back.ply(), g.ply() + 1);
      t.not(back.hash(), g.hash(), 'the restored game is independent');
    }
  }
  const c4 = new GameState('connect4').serialize();
  const ttt = new GameState('tictactoe').serialize();
  t.not(c4.length, ttt.length);
  t.throws(() => GameState.deserialize('tictactoe', c4), { instanceOf: RangeError, message: /bytes/ });
  const corrupt = new GameState('connect4').play(3).serialize();
  corrupt[0] = 0xff;
  t.throws(() => GameState.deserialize('connect4', corrupt), { instanceOf: RangeError, message: /valid/ });
  t.throws(() => GameState.deserialize('connect4', [1, 2] as unknown as Uint8Array), {
    instanceOf: TypeError,
  });
});

test('hash: same position by different move orders, side to move included', (t) => {
  const a = new GameState('connect4');
  const b = new GameState('connect4');
  for (const m of '1234') a.playMove(m);
  for (const m of '3214') b.playMove(m);
  t.is(typeof a.hash(), 'bigint');
  t.is(a.hash(), b.hash());
  b.playMove('5');
  t.not(a.hash(), b.hash());
});

test('perft acceptance figures and DESIGN.md external truths', (t) => {
  t.is(perft('othello', 8), 390216);
  t.is(perft('othello', 9), 3005288);
  t.is(perft('connect4', 8, { distinct: true }), 184275);
  t.is(perft('tictactoe', 9), 255168);
  t.is(perft('tictactoe', 6, { distinct: true }), 1520);
  const perPly = [1, 9, 72, 252, 756, 1260, 1520, 1140, 390, 78];
  t.deepEqual(
    perPly.map((_, d) => perft('tictactoe', d, { distinct: true })),
    perPly,
  );
  t.is(
    perPly.reduce((a, b) => a + b, 0),
    5478,
  );
  t.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((d) => perft('connect4', d, { distinct: true })),
    [1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275],
  );
  t.throws(() => perft('othello', -1), { instanceOf: RangeError });
  t.throws(() => perft('go', 1), { instanceOf: UnknownGameError });
});

const cli = (args: string[]) => exec('node', ['bin/cartridge.js', ...args]);

for (const [args, expected] of [
  [['perft', 'othello', '8'], '390216'],
  [['perft', 'connect4', '8', '--distinct'], '184275'],
  [['perft', 'tictactoe', '9'], '255168'],
  [['perft', 'tictactoe', '6', '--distinct'], '1520'],
] as const) {
  test(`cartridge ${args.join(' ')} prints ${expected} last`, async (t) => {
    const { stdout } = await cli([...args]);
    t.is(stdout.trim().split('\n').at(-1), expected);
  });
}

test('cartridge perft rejects a bad game or depth with exit code 2', async (t) => {
  for (const [args, pattern] of [
    [['perft', 'chess', '3'], /unknown game "chess".*connect4/],
    [['perft', 'othello', '-1'], /depth must be an integer >= 0/],
    [['perft', 'othello', '2.5'], /depth must be an integer >= 0/],
  ] as const) {
    const error = await t.throwsAsync(cli([...args]));
    t.is((error as { code?: number }).code, 2);
    t.regex((error as { stderr?: string }).stderr ?? '', pattern);
  }
});

test('symmetry tables and transforms agree with playing the mirrored game', (t) => {
  const tables = symmetryTables('connect4');
  t.is(tables.numSymmetries, 2);
  t.deepEqual([...tables.action.slice(7)], [6, 5, 4, 3, 2, 1, 0]);
  t.is(tables.cell[42 + 0], 6);
  const g = new GameState('connect4');
  const m = new GameState('connect4');
  for (const col of [0, 0, 1, 5, 6, 3]) {
    g.play(col);
    m.play(tables.action[7 + col]!);
  }
  const out = new Float32Array(93);
  transformObservation('connect4', 1, g.observation(), out);
  t.deepEqual(out, m.observation());
  const policy = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  const mapped = transformPolicy('connect4', 1, policy, new Float32Array(7));
  t.deepEqual([...mapped], [...policy].reverse());
  const othello = symmetryTables('othello');
  t.is(othello.cell.length, 8 * 64);
  t.is(othello.action.length, 8 * 65);
  for (let s = 0; s < 8; s++) t.is(othello.action[s * 65 + 64], 64, 'pass maps to pass');
  t.throws(() => transformPolicy('connect4', 2, policy, new Float32Array(7)), { instanceOf: RangeError });
  t.throws(() => transformPolicy('connect4', 1, policy, new Float32Array(6)), { instanceOf: RangeError });
});

test('random playouts: every game finishes, results add up', (t) => {
  for (const info of listGames()) {
    const r = benchRandomPlayouts(info.env_id, 200, 7);
    t.is(r.playouts, 200);
    t.is(r.player1Wins + r.player2Wins + r.draws, 200);
    t.true(r.seconds >= 0 && r.cpuSeconds >= 0);
    t.true(r.plies >= 200 * 5);
  }
  t.deepEqual(
    benchRandomPlayouts('connect4', 100, 3).plies,
    benchRandomPlayouts('connect4', 100, 3).plies,
    'seeded',
  );
});
