// The loop's ladder and solver-based gating: runLoop with a fake backend (training = copying a
// prepared ONNX model to latest.onnx), a fake evaluator with fixed results and mistake rates,
// and a fake ladder matcher; then the real evaluator's mistake rate and ladder matches on
// small real models (20 Pons positions, a few games) so the wiring is checked end to end.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { CartridgeConfig } from '../src/config/index.js';
import {
  createConnect4Solver,
  initialState,
  MctsAgent,
  mistakeRate,
  parsePonsPositions,
} from '../src/eval/index.js';
import { OnnxModel } from '../src/inference/index.js';
import { createLadderMatcher, createLoopEvaluator } from '../src/orchestrator/evaluation.js';
import { ladderPath, readLadder } from '../src/orchestrator/ladder.js';
import {
  bestMistakeRate,
  type LadderMatchRequest,
  shouldPromoteOnMistakes,
} from '../src/orchestrator/loop.js';
import { LoopHarness, TICTACTOE_SHAPE, trainedModels, wdl } from './helpers/loop-harness.js';
import { writeTestModel } from './helpers/models.js';

const C4 = { obsSize: 93, numActions: 7 };
const modelsDir = mkdtempSync(join(tmpdir(), 'cartridge-ladder-models-'));
// 20 positions of the Pons middle-easy set (the fixture's first lines) keep solver work tiny.
const positionsFile = join(modelsDir, 'positions_20');
writeFileSync(
  positionsFile,
  `${readFileSync(join(import.meta.dirname, 'fixtures/pons/Test_L3_R1'), 'utf8')
    .split('\n')
    .slice(0, 20)
    .join('\n')}\n`,
);

// Every candidate beats the best unless a test says otherwise; the newer model loses only 2
// of its games against every predecessor.
const harness = (edit?: (config: CartridgeConfig) => void, ladder = true) =>
  new LoopHarness({
    edit: (config) => {
      config.training.episodes_per_iteration = 4;
      config.training.steps_per_iteration = 2;
      config.evaluation.games = 10;
      edit?.(config);
    },
    defaultOutcome: { vsRandom: wdl(10, 0, 0), vsBest: wdl(10, 0, 0) },
    ...(ladder ? { ladderMatch: (request: LadderMatchRequest) => wdl(request.games - 2, 0, 2) } : {}),
  });

test('shouldPromoteOnMistakes: rate at or below the best promotes; no recorded best rate falls back to the match', (t) => {
  t.true(shouldPromoteOnMistakes(0.1, 0.2, null, 0.55));
  t.true(shouldPromoteOnMistakes(0.2, 0.2, null, 0.55), 'equal rate promotes');
  t.false(shouldPromoteOnMistakes(0.25, 0.2, wdl(10, 0, 0), 0.55), 'the match does not matter');
  t.true(shouldPromoteOnMistakes(0.9, null, wdl(6, 0, 4), 0.55));
  t.false(shouldPromoteOnMistakes(0, null, wdl(5, 0, 5), 0.55));
});

test('every promoted model joins the ladder and plays its K predecessors; ratings are stored', async (t) => {
  const h = harness((c) => {
    c.evaluation.ladder_opponents = 2;
    c.evaluation.ladder_games = 6;
  });
  // Iteration 3 fails the match gate (0.3 < 0.55): it must not enter the ladder.
  h.outcomes.set(3, { vsRandom: wdl(10, 0, 0), vsBest: wdl(3, 0, 7) });
  const state = await h.run(5);
  t.deepEqual(
    state.history.map((r) => r.promoted),
    [true, true, false, true, true],
  );
  t.deepEqual(
    h.ladderMatches.map((m) => [m.iteration, m.opponentIteration, m.games]),
    [
      [2, 1, 6],
      [4, 2, 6],
      [4, 1, 6],
      [5, 4, 6],
      [5, 2, 6],
    ],
  );
  for (const m of h.ladderMatches) {
    t.is(m.modelPath, join(h.dataDir, 'models', 'ladder', `${m.iteration}.onnx`));
    t.is(m.simulations, h.config.evaluation.simulations);
  }
  const ladder = readLadder(ladderPath(h.dataDir));
  t.deepEqual(
    ladder.models.map((m) => m.iteration),
    [1, 2, 4, 5],
  );
  // The ladder keeps its own copies, byte-identical to what was promoted.
  for (const m of ladder.models) {
    t.true(readFileSync(join(h.dataDir, m.file)).equals(readFileSync(trainedModels[m.iteration - 1] ?? '')));
    t.is(state.history[m.iteration - 1]?.model_version, m.model_version);
  }
  t.false(existsSync(join(h.dataDir, 'models', 'ladder', '3.onnx')));
  t.is(ladder.results.length, 5);
  const elo = ladder.ratings.map((r) => r.elo as number);
  t.is(elo[0], 0, 'first model anchored');
  for (let i = 1; i < elo.length; i++) t.true(elo[i]! > elo[i - 1]!, `each newer model is stronger: ${elo}`);
  t.deepEqual(
    ladder.ratings.map((r) => r.games),
    [12, 18, 18, 12],
  );
});

test('ladder_games = 0 disables the ladder; without a matcher models join unrated', async (t) => {
  const off = harness((c) => {
    c.evaluation.ladder_games = 0;
  });
  await off.run(2);
  t.is(off.ladderMatches.length, 0);
  t.false(existsSync(ladderPath(off.dataDir)));
  t.false(existsSync(join(off.dataDir, 'models', 'ladder')));

  const unmatched = harness(undefined, false);
  await unmatched.run(2);
  const ladder = readLadder(ladderPath(unmatched.dataDir));
  t.deepEqual(
    ladder.ratings.map((r) => [r.iteration, r.elo, r.games]),
    [
      [1, 0, 0],
      [2, null, 0],
    ],
  );
});

test('gate_on = mistake_rate: rates are recorded, promotion when the rate is at or below the best', async (t) => {
  const h = harness((c) => {
    c.evaluation.gate_on = 'mistake_rate';
    c.evaluation.positions = positionsFile;
    c.evaluation.ladder_games = 0;
  });
  // The match results point the other way each time, to show they do not decide.
  const rates = [0.4, 0.3, 0.35, 0.3, 0.1];
  const matches = [wdl(0, 0, 10), wdl(0, 0, 10), wdl(10, 0, 0), wdl(0, 0, 10), wdl(0, 0, 10)];
  rates.forEach((rate, i) => {
    h.outcomes.set(i + 1, { vsRandom: wdl(10, 0, 0), vsBest: matches[i]!, mistakeRate: rate });
  });
  const state = await h.run(5);
  t.true(h.evaluations.every((e) => e.positionsPath === positionsFile));
  t.deepEqual(
    state.history.map((r) => r.mistake_rate),
    rates,
  );
  t.deepEqual(
    state.history.map((r) => r.promoted),
    [true, true, false, true, true],
  );
  t.is(bestMistakeRate(state), 0.1);
  t.true(
    readFileSync(join(h.paths.modelsDir, 'best.onnx')).equals(readFileSync(trainedModels[4]!)),
    'the last promoted is the best',
  );
});

test('gate_on = mistake_rate without evaluation.positions is refused before any work', async (t) => {
  const h = harness((c) => {
    c.evaluation.gate_on = 'mistake_rate';
  });
  await t.throwsAsync(h.run(1), { message: /gate_on = "mistake_rate" needs evaluation.positions/ });
  t.is(h.episodes, 0);
  t.is(h.evaluations.length, 0);
});

test('the real evaluator measures the candidate mistake rate on the positions file (Connect4)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-ladder-c4-'));
  const candidate = writeTestModel(join(dir, 'candidate.onnx'), C4, { seed: 3 });
  const options = {
    envId: 'connect4',
    shape: C4,
    newGame: () => initialState('connect4'),
    cPuct: 1.5,
    seed: 1,
    openingPlies: 2,
  };
  const outcome = await createLoopEvaluator(options)({
    iteration: 1,
    candidatePath: candidate,
    bestPath: null,
    games: 0,
    randomGames: 0,
    simulations: 8,
    positionsPath: positionsFile,
  });
  // The same agent measured directly gives the same rate (the search is deterministic).
  const model = await OnnxModel.load(candidate, C4);
  try {
    const agent = new MctsAgent(model, { envId: 'connect4', simulations: 8, cPuct: 1.5 });
    const positions = parsePonsPositions(readFileSync(positionsFile, 'utf8'));
    t.is(positions.length, 20);
    const direct = await mistakeRate(agent, positions, createConnect4Solver({ tableLog2: 20 }));
    t.is(outcome.mistakeRate, direct.mistakeRate);
  } finally {
    await model.release();
  }
  t.is(outcome.vsRandom, null);

  const ttt = createLoopEvaluator({
    ...options,
    envId: 'tictactoe',
    shape: TICTACTOE_SHAPE,
    newGame: () => initialState('tictactoe'),
  });
  await t.throwsAsync(
    ttt({
      iteration: 1,
      candidatePath: trainedModels[0]!,
      bestPath: null,
      games: 0,
      randomGames: 0,
      simulations: 4,
      positionsPath: positionsFile,
    }),
    { message: /Connect4 \(Pons\) positions file; this run's game is tictactoe/ },
  );
});

test('the real ladder matcher plays both colours between two models', async (t) => {
  const play = createLadderMatcher({
    envId: 'tictactoe',
    shape: TICTACTOE_SHAPE,
    newGame: () => initialState('tictactoe'),
    cPuct: 1.5,
    seed: 0,
    openingPlies: 2,
  });
  const request = {
    iteration: 2,
    opponentIteration: 1,
    modelPath: trainedModels[1]!,
    opponentPath: trainedModels[0]!,
    games: 4,
    simulations: 8,
  };
  const result = await play(request);
  t.is(result.wins + result.draws + result.losses, 4);
  t.deepEqual(await play(request), result, 'seeded: the same match again gives the same result');
});
