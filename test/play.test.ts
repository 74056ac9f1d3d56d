// `cartridge play` as a person at a pipe would use it: moves on stdin, the transcript on stdout.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { GameState } from '../src/games/index.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { writeTestModel } from './helpers/models.js';

/** Runs `cartridge play` in an empty data dir (no best.onnx unless a test puts one there). */
function play(
  args: string[],
  stdin: string,
  dataDir = mkdtempSync(join(tmpdir(), 'play-')),
): Promise<CliResult> {
  return runCli(['play', ...args], { cwd: dataDir, env: { CARTRIDGE_COMMON_DATA_DIR: dataDir }, stdin });
}

/** The moves actually played, in order: accepted human moves (a board follows) and the bot's. */
function playedMoves(transcript: string): string[] {
  const lines = transcript.split('\n');
  const moves: string[] = [];
  lines.forEach((line, i) => {
    const human = /^Your move \([XO]\): (.+)$/.exec(line);
    if (human && lines[i + 1] === '') moves.push(human[1]!.trim());
    const bot = /^Bot \([XO]\) plays (\S+)/.exec(line);
    if (bot) moves.push(bot[1]!);
  });
  return moves;
}

test('a full TicTacToe game against the bot ends with a result that matches the moves', async (t) => {
  // Each cell once, in order: the next free cell is always further down the list.
  const out = await play(
    ['--game', 'tictactoe', '--sims', '200', '--seed', '5'],
    '0\n1\n2\n3\n4\n5\n6\n7\n8\n',
  );
  t.is(out.status, 0, out.stderr);
  t.regex(out.stdout, /Model: uniform \(no .*best\.onnx yet/);
  const result = /^Result: (draw|([XO]) wins — (you win|the bot wins)) after (\d+) moves\.$/m.exec(
    out.stdout,
  );
  t.truthy(result, out.stdout);
  const moves = playedMoves(out.stdout);
  t.is(moves.length, Number(result![4]));
  const replay = new GameState('tictactoe');
  for (const m of moves) replay.playMove(m);
  t.true(replay.isTerminal());
  const winner = replay.winner();
  t.is(result![1] === 'draw' ? null : result![2], winner === null ? null : 'XO'[winner]);
  if (winner !== null) t.is(result![3], winner === 0 ? 'you win' : 'the bot wins');
  // The bot reports a value and its top moves with visit shares.
  t.regex(out.stdout, /^Bot \(O\) plays \d {2}value [+-]\d\.\d\d for the bot {2}top: \d \d+%/m);
  t.true(out.stdout.trimEnd().endsWith(result![0]));
});

test('illegal and garbage input get a message and the prompt again; quit leaves', async (t) => {
  const out = await play(['--game', 'tictactoe', '--sims', '20', '--seed', '1'], '9\nfoo\n\n4\n4\nquit\n');
  t.is(out.status, 0, out.stderr);
  t.regex(out.stdout, /^"9" is not a Tic-Tac-Toe move\. Legal moves: 0 1 2 3 4 5 6 7 8$/m);
  t.regex(out.stdout, /^"foo" is not a Tic-Tac-Toe move\. Legal moves: 0 1 2 3 4 5 6 7 8$/m);
  t.regex(out.stdout, /^4 is not legal here\. Legal moves: (\d ){6}\d$/m);
  // 9, foo, blank, 4 (played), 4 (taken), quit: one prompt per line read.
  t.is(out.stdout.match(/Your move \(X\): /g)?.length, 6);
  t.deepEqual(playedMoves(out.stdout).slice(0, 1), ['4']);
  t.regex(out.stdout, /Game abandoned\.\n$/);
  t.notRegex(out.stdout, /Result:/);
});

test('--bot-first: the bot plays X and moves before the first prompt; EOF ends cleanly', async (t) => {
  const out = await play(['--game', 'tictactoe', '--sims', '30', '--bot-first'], '');
  t.is(out.status, 0, out.stderr);
  t.regex(out.stdout, /you are O \(the bot moves first\)/);
  const bot = out.stdout.indexOf('Bot (X) plays ');
  const prompt = out.stdout.indexOf('Your move (O): ');
  t.true(bot > 0 && prompt > bot, out.stdout);
  t.regex(out.stdout, /Input ended; game abandoned\.\n$/);
  t.regex(out.stdout, /seed \d+\./); // seed 0 = a random one, printed so the game can be replayed
});

test('Connect4 columns 1..7 and Othello squares are the move syntax', async (t) => {
  const c4 = await play(['--game', 'connect4', '--sims', '20', '--seed', '2'], '0\n4\nquit\n');
  t.is(c4.status, 0, c4.stderr);
  t.regex(c4.stdout, /^"0" is not a Connect Four move\. Legal moves: 1 2 3 4 5 6 7$/m);
  t.regex(c4.stdout, /^\. \. \. X \. \. \.$/m); // dropped in column 4, bottom row
  const oth = await play(['--game', 'othello', '--sims', '20', '--seed', '2'], 'a1\nd3\nquit\n');
  t.is(oth.status, 0, oth.stderr);
  t.regex(oth.stdout, /^a1 is not legal here\. Legal moves: d3 c4 f5 e6$/m);
  t.regex(oth.stdout, /^3 \. \. \. X \. \. \. \.$/m);
});

test('unknown game: exit 2 naming the known games', async (t) => {
  const out = await play(['--game', 'chess'], '');
  t.is(out.status, 2);
  t.regex(out.stderr, /chess/);
  t.regex(out.stderr, /tictactoe, connect4, othello, othello6/);
  t.notRegex(out.stderr, /\n\s+at /); // no stack trace
  const both = await play(['--human-first', '--bot-first'], '');
  t.is(both.status, 2);
  t.regex(both.stderr, /--human-first, --bot-first/);
});

test('the default model is <data_dir>/models/best.onnx when it exists; a wrong-shape model is a usage error', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'play-model-'));
  mkdirSync(join(dataDir, 'models'));
  writeTestModel(join(dataDir, 'models', 'best.onnx'), { obsSize: 29, numActions: 9 }, { seed: 3 });
  const out = await play(['--game', 'tictactoe', '--sims', '40', '--seed', '4'], '4\nquit\n', dataDir);
  t.is(out.status, 0, out.stderr);
  t.regex(out.stdout, /Model: .*models\/best\.onnx \(sha256:[0-9a-f]{12}\)/);
  t.regex(out.stdout, /^Bot \(O\) plays \d /m);
  const wrong = await play(['--game', 'connect4'], '', dataDir);
  t.is(wrong.status, 2);
  t.regex(wrong.stderr, /best\.onnx[\s\S]*connect4 needs a model with obs_size 93 and num_actions 7/);
  const missing = await play(['--model', join(dataDir, 'nope.onnx')], '', dataDir);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /--model: file not found/);
});
