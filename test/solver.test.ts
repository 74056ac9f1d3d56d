// The Connect4 solver against Pascal Pons' end-easy and middle-easy sets (every
// position), hand-made positions, and its argument checks at the N-API boundary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { createConnect4Solver, parsePonsPositions, wdl } from '../src/eval/index.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'pons');
const solver = createConnect4Solver({ tableLog2: 22 });

for (const set of ['Test_L3_R1', 'Test_L2_R1']) {
  test(`solver reproduces every score of ${set}`, (t) => {
    const positions = parsePonsPositions(readFileSync(join(fixtures, set), 'utf8'), set);
    t.is(positions.length, 1000);
    const wrong: string[] = [];
    for (const { moves, score } of positions) {
      const strong = solver.solve(moves);
      const weak = solver.solve(moves, true);
      if (strong !== score || weak !== wdl(score))
        wrong.push(`${moves}: ${strong}/${weak}, expected ${score}`);
    }
    t.deepEqual(wrong, []);
  });
}

test('analysis: the best move scores the position, full columns are null', (t) => {
  const positions = parsePonsPositions(readFileSync(join(fixtures, 'Test_L2_R1'), 'utf8')).slice(0, 50);
  for (const { moves, score } of positions) {
    const scores = solver.analyze(moves);
    t.is(Math.max(...scores.filter((s): s is number => s !== null)), score, moves);
    const heights = [0, 0, 0, 0, 0, 0, 0];
    for (const ch of moves) heights[Number(ch) - 1]!++;
    t.deepEqual(
      scores.map((s) => s === null),
      heights.map((h) => h === 6),
    );
  }
});

test('hand-made positions: immediate win, double threat, forced draw', (t) => {
  // Player 1 has three at the bottom and wins with its 4th stone: 22 - 4.
  t.is(solver.solve('112233'), 18);
  // Player 1's open three (columns 2-4) cannot be blocked at both ends: player 2 loses at once.
  t.is(solver.solve('22334'), -18);
  t.is(solver.solve('22334', true), -1);
  // 41 stones, one cell left (column 5) and no four possible: a draw.
  t.is(solver.solve('34371421232441511266632441335662675775775'), 0);
  t.deepEqual(solver.analyze('34371421232441511266632441335662675775775'), [
    null,
    null,
    null,
    null,
    0,
    null,
    null,
  ]);
});

test('analyzeCells agrees with analyze on move strings', (t) => {
  const moves = '662222576343651642712157';
  const cells = new Int8Array(42).fill(-1);
  const heights = [0, 0, 0, 0, 0, 0, 0];
  for (const [i, ch] of [...moves].entries()) {
    const col = Number(ch) - 1;
    cells[heights[col]! * 7 + col] = i % 2;
    heights[col]!++;
  }
  t.deepEqual(solver.analyzeCells(cells), solver.analyze(moves));
  const floating = new Int8Array(42).fill(-1);
  floating[7] = 0;
  t.throws(() => solver.analyzeCells(floating), { instanceOf: RangeError });
  t.throws(() => solver.analyzeCells(new Int8Array(5)), { instanceOf: TypeError });
});

test('bad input is rejected with a message', (t) => {
  t.regex(solver.validate('8') ?? '', /not a digit 1\.\.7/);
  t.regex(solver.validate('4444444') ?? '', /full/);
  t.regex(solver.validate('1212121') ?? '', /wins the game/);
  t.is(solver.validate('4453'), null);
  t.throws(() => solver.solve('1212121'), { instanceOf: RangeError });
  t.throws(() => solver.solve(42 as unknown as string), { instanceOf: TypeError });
  t.throws(() => solver.solve('44', 'yes' as unknown as boolean), { instanceOf: TypeError });
  t.throws(() => createConnect4Solver({ tableLog2: 40 }), { instanceOf: RangeError });
});
