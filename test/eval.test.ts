// Evaluation library: mistake rates with known answers, the TicTacToe exhaustive
// check, matches and the Elo/CI arithmetic.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  type Agent,
  Connect4SolverAgent,
  Connect4State,
  createConnect4Solver,
  defaultHeuristic,
  EVAL_GAMES,
  eloDifference,
  initialState,
  MctsAgent,
  MinimaxAgent,
  mistakeRate,
  parsePonsPositions,
  playMatch,
  RandomAgent,
  TicTacToePerfectAgent,
  TicTacToeState,
  tictactoeExhaustive,
  tictactoePositions,
  tictactoeValue,
} from '../src/eval/index.js';
import { GameState, gameIds, gameShape } from '../src/games/index.js';
import { UniformModel } from '../src/inference/index.js';

const solver = createConnect4Solver({ tableLog2: 22 });
const endEasy = parsePonsPositions(
  readFileSync(join(import.meta.dirname, 'fixtures', 'pons', 'Test_L3_R1'), 'utf8'),
);
const sample = endEasy.slice(0, 200);

/** Always the worst W/D/L move (ties: lowest column). */
class WorstMoveAgent implements Agent {
  readonly name = 'worst';
  async chooseMove(state: Connect4State): Promise<number> {
    const values = solver.analyze(state.pons(), true);
    let worst = -1;
    for (const a of state.legalActions()) if (worst < 0 || values[a]! < values[worst]!) worst = a;
    return worst;
  }
}

test('a solver-backed agent makes no mistakes', async (t) => {
  const report = await mistakeRate(new Connect4SolverAgent(solver, { weak: true }), sample, solver);
  t.is(report.positions, 200);
  t.is(report.mistakes, 0);
  t.is(report.mistakeRate, 0);
  // Its chosen move always keeps the position's own W/D/L value.
  for (const [i, d] of report.details.entries()) t.is(d.chosenValue, Math.sign(sample[i]!.score));
});

test('the worst-move agent errs exactly where a worse move exists', async (t) => {
  const report = await mistakeRate(new WorstMoveAgent() as Agent, sample, solver);
  // Counted independently: positions where the legal moves' W/D/L values are not all equal.
  let withWorseMove = 0;
  for (const { moves } of sample) {
    const values = solver
      .analyze(moves)
      .filter((v): v is number => v !== null)
      .map(Math.sign);
    if (Math.min(...values) < Math.max(...values)) withWorseMove++;
  }
  t.true(withWorseMove > 0);
  t.is(report.mistakes, withWorseMove);
  t.is(report.mistakeRate, withWorseMove / 200);
});

test('strong solver agent plays the fastest win, weak one any winning move', async (t) => {
  // Move scores [1, full, -8, 8, 3, 1, 7]: every positive column wins, column 4 wins soonest.
  const moves = '662222576343651642712157';
  t.is(await new Connect4SolverAgent(solver).chooseMove(Connect4State.fromPons(moves)), 3);
  t.is(await new Connect4SolverAgent(solver, { weak: true }).chooseMove(Connect4State.fromPons(moves)), 0);
});

test('TicTacToe: 4,520 non-terminal positions; the game is a draw', (t) => {
  t.is(tictactoePositions().length, 4520);
  t.is(tictactoeValue(new TicTacToeState()), 0);
});

test('TicTacToe exhaustive check: perfect agent 100 %, random agent far below', async (t) => {
  const perfect = await tictactoeExhaustive(new TicTacToePerfectAgent({ tieBreakSeed: 1 }));
  t.is(perfect.positions, 4520);
  t.is(perfect.optimalRate, 1);
  const random = await tictactoeExhaustive(new RandomAgent(3));
  t.true(random.optimalRate < 0.9);
  t.is(random.optimal + random.mistakes.length, 4520);
});

test('Elo difference and its 95% interval on fixed results', (t) => {
  // 60 W, 20 D, 20 L: score 0.7, per-game variance 0.16, standard error 0.04.
  const e = eloDifference(60, 20, 20);
  t.is(e.elo.toFixed(2), (-400 * Math.log10(1 / 0.7 - 1)).toFixed(2));
  t.true(Math.abs(e.elo - 147.19) < 0.01);
  const lowP = 0.7 - 1.959964 * 0.04;
  t.true(Math.abs(e.low - -400 * Math.log10(1 / lowP - 1)) < 1e-9);
  t.true(Math.abs(e.low - 86.23) < 0.01);
  t.true(Math.abs(e.high - 218.25) < 0.01);
  const even = eloDifference(10, 0, 10);
  t.is(even.elo, 0);
  t.true(Math.abs(even.low + even.high) < 1e-9);
  t.is(eloDifference(5, 0, 0).elo, Infinity);
});

test('perfect TicTacToe never loses to random from either side; matches are deterministic', async (t) => {
  const run = () =>
    playMatch(new TicTacToePerfectAgent({ tieBreakSeed: 2 }), new RandomAgent(7), {
      games: 40,
      seed: 5,
      newGame: () => new TicTacToeState(),
    });
  const result = await run();
  t.is(result.games, 40);
  t.is(result.losses, 0);
  t.true(result.wins > 20);
  t.deepEqual(await run(), result);
  const selfPlay = await playMatch(
    new TicTacToePerfectAgent(),
    new TicTacToePerfectAgent({ tieBreakSeed: 3 }),
    {
      games: 10,
      seed: 1,
      newGame: () => new TicTacToeState(),
    },
  );
  t.is(selfPlay.draws, 10);
});

test('minimax and MCTS agents beat random at TicTacToe and play legal Connect4', async (t) => {
  const minimax = new MinimaxAgent(4, defaultHeuristic('tictactoe'), 1);
  const m = await playMatch(minimax, new RandomAgent(2), {
    games: 20,
    seed: 3,
    newGame: () => new TicTacToeState(),
  });
  t.true(m.wins > m.losses);
  const mcts = new MctsAgent(new UniformModel(29, 9), { envId: 'tictactoe', simulations: 200 });
  const r = await playMatch(mcts, new RandomAgent(4), {
    games: 20,
    seed: 3,
    newGame: () => new TicTacToeState(),
  });
  t.true(r.wins > r.losses);
  // Minimax at depth 2 sees an immediate Connect4 win.
  t.is(
    await new MinimaxAgent(2, defaultHeuristic('connect4')).chooseMove(Connect4State.fromPons('112233')),
    3,
  );
});

/** Runs the CLI without blocking the other tests: exit status, stdout, stderr. */
function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'cartridge.js'), ...args],
      (error, stdout, stderr) => {
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

test('cli: solve prints the score then every move', async (t) => {
  const out = await cli('solve', 'connect4', '662222576343651642712157', '--table-log2', '20');
  t.is(out.status, 0, out.stderr);
  t.deepEqual(out.stdout.trim().split('\n'), [
    'score: 8',
    '1: 1',
    '2: full',
    '3: -8',
    '4: 8',
    '5: 3',
    '6: 1',
    '7: 7',
  ]);
  for (const bad of ['4480', '4444444', '1212121']) {
    const r = await cli('solve', 'connect4', bad);
    t.is(r.status, 2, bad);
    t.regex(r.stderr, /^solve: /);
  }
});

test('cli: eval --positions --json reports mistake_rate', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'cartridge-eval-')), 'positions');
  writeFileSync(
    file,
    `${endEasy
      .slice(0, 30)
      .map((p) => `${p.moves} ${p.score}`)
      .join('\n')}\n`,
  );
  const solverRun = await cli(
    'eval',
    '--game',
    'connect4',
    '--agent',
    'solver',
    '--positions',
    file,
    '--json',
  );
  t.is(solverRun.status, 0, solverRun.stderr);
  const report = JSON.parse(solverRun.stdout);
  t.is(report.mistake_rate, 0);
  t.is(report.details.length, 30);
  const mctsRun = await cli('eval', '--game', 'connect4', '--sims', '20', '--positions', file, '--json');
  t.is(mctsRun.status, 0, mctsRun.stderr);
  const mcts = JSON.parse(mctsRun.stdout);
  t.is(mcts.agent, 'mcts:uniform@20');
  t.is(mcts.mistake_rate, mcts.details.filter((d: { mistake: boolean }) => d.mistake).length / 30);
});

test('eval plays every registry game: matches finish, history and cells follow the engine', async (t) => {
  t.deepEqual([...EVAL_GAMES], gameIds());
  for (const envId of EVAL_GAMES) {
    const { obsSize, numActions } = gameShape(envId);
    const mcts = new MctsAgent(new UniformModel(obsSize, numActions), { envId, simulations: 16 });
    const result = await playMatch(mcts, new RandomAgent(1), {
      games: 2,
      seed: 1,
      newGame: () => initialState(envId),
    });
    t.is(result.wins + result.draws + result.losses, 2, envId);
    // Replaying the history on a GameState gives the same position and cells.
    const state = initialState(envId);
    const rng = new RandomAgent(3);
    for (let i = 0; i < 6 && !state.isTerminal(); i++) state.play(await rng.chooseMove(state));
    const game = new GameState(envId);
    for (const a of state.history) game.play(a);
    t.deepEqual(state.observation(), game.observation(), envId);
    const owners = Array.from(state.cells());
    t.is(
      owners.filter((c) => c !== -1).length,
      game
        .observation()
        .subarray(0, 2 * owners.length)
        .reduce((s, x) => s + x, 0),
    );
    t.is(state.clone().history.length, state.history.length);
  }
});
