// The iteration loop on its own: runLoop with a fake ExecutionBackend (training = copying a
// prepared ONNX model to latest.onnx) and a fake evaluator with fixed W/D/L, so gating, the
// simulation ramp, resumes and episode accounting are checked exactly and in milliseconds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import type { CartridgeConfig } from '../src/config/index.js';
import { modelVersionOf } from '../src/inference/index.js';
import { matchScore, shouldPromote, simulationsFor } from '../src/orchestrator/gating.js';
import { loopStatePath } from '../src/orchestrator/loop.js';
import { readState } from '../src/orchestrator/state.js';
import { E, LoopHarness, trainedModels, wdl } from './helpers/loop-harness.js';

const harness = (edit?: (config: CartridgeConfig) => void) => new LoopHarness(edit ? { edit } : {});

const sameBytes = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

test('matchScore: wins 1, draws 1/2, over all games; no games scores 0', (t) => {
  t.is(matchScore(wdl(10, 0, 0)), 1);
  t.is(matchScore(wdl(0, 0, 10)), 0);
  t.is(matchScore(wdl(0, 10, 0)), 0.5);
  t.is(matchScore(wdl(10, 2, 8)), 0.55);
  t.is(matchScore(wdl(3, 1, 0)), 0.875);
  t.is(matchScore(wdl(0, 0, 0)), 0);
});

test('shouldPromote: always without a best or without games, else at or above the threshold', (t) => {
  t.true(shouldPromote(null, 0.55));
  t.true(shouldPromote(null, 1));
  t.true(shouldPromote(wdl(0, 0, 0), 0.55), 'gating off (0 games)');
  t.false(shouldPromote(wdl(10, 1, 9), 0.55), '0.525 < 0.55');
  t.true(shouldPromote(wdl(10, 2, 8), 0.55), 'exactly 0.55');
  t.true(shouldPromote(wdl(11, 0, 9), 0.55), 'exactly 0.55 without draws');
  t.true(shouldPromote(wdl(20, 0, 0), 0.55));
  t.false(shouldPromote(wdl(0, 20, 0), 0.55), 'all draws score 0.5');
  t.true(shouldPromote(wdl(0, 20, 0), 0.5));
  t.false(shouldPromote(wdl(19, 1, 0), 1));
});

test('simulationsFor: start, +step per iteration after the first, capped at max', (t) => {
  t.deepEqual(
    [1, 2, 3, 4, 5].map((i) => simulationsFor(i, 10, 5, 20)),
    [10, 15, 20, 20, 20],
  );
  t.deepEqual(
    [1, 2, 10].map((i) => simulationsFor(i, 100, 0, 100)),
    [100, 100, 100],
    'no ramp',
  );
  t.deepEqual(
    [1, 3].map((i) => simulationsFor(i, 50, 25, 40)),
    [50, 50],
    'a max below the start does not lower the start',
  );
  t.is(simulationsFor(3, 16, 7, 100), 30);
});

test('gating with fixed results: first always promoted, below threshold kept, at/above promoted', async (t) => {
  const h = harness();
  // Iteration 1 has no best: promoted whatever the (unused) match says.
  h.outcomes.set(1, { vsRandom: wdl(9, 1, 0), vsBest: wdl(0, 0, 20) });
  h.outcomes.set(2, { vsRandom: wdl(10, 0, 0), vsBest: wdl(10, 1, 9) }); // 0.525
  h.outcomes.set(3, { vsRandom: wdl(10, 0, 0), vsBest: wdl(10, 2, 8) }); // 0.55
  h.outcomes.set(4, { vsRandom: wdl(10, 0, 0), vsBest: wdl(2, 0, 18) }); // 0.1
  h.outcomes.set(5, { vsRandom: wdl(10, 0, 0), vsBest: wdl(16, 4, 0) }); // 0.9

  const state = await h.run(5);
  t.deepEqual(
    state.history.map((r) => r.promoted),
    [true, false, true, false, true],
  );
  t.deepEqual(
    state.history.map((r) => r.vs_best?.score ?? null),
    [null, 0.525, 0.55, 0.1, 0.9],
  );
  t.deepEqual(state.history[0]?.vs_random, wdl(9, 1, 0));
  t.deepEqual(
    state.history.map((r) => r.model_version),
    trainedModels.map((m) => modelVersionOf(m)),
  );
  t.true(sameBytes(h.best, trainedModels[4] as string));
  t.is(state.best_model, modelVersionOf(trainedModels[4] as string));
  t.deepEqual(
    h.published,
    [0, 2, 4].map((i) => modelVersionOf(trainedModels[i] as string)),
    'each promotion, and only promotions, published best.onnx',
  );

  // The evaluator meets the best only once there is one, with the configured match settings.
  t.is(h.evaluations[0]?.bestPath, null);
  t.true(h.evaluations.slice(1).every((r) => r.bestPath === h.best));
  t.true(h.evaluations.every((r) => r.candidatePath === h.latest));
  t.true(
    h.evaluations.every(
      (r) => r.games === 20 && r.randomGames === 10 && r.simulations === h.config.evaluation.simulations,
    ),
  );
});

test('a candidate below the threshold leaves best.onnx and best_model untouched', async (t) => {
  const h = harness();
  h.outcomes.set(2, { vsRandom: wdl(10, 0, 0), vsBest: wdl(0, 0, 20) });
  const first = await h.run(1);
  const bestAfter1 = readFileSync(h.best);
  t.is(first.best_model, modelVersionOf(trainedModels[0] as string));

  const second = await h.run(2);
  t.false(second.history[1]?.promoted);
  t.true(readFileSync(h.best).equals(bestAfter1), 'best.onnx unchanged');
  t.is(second.best_model, first.best_model);
  t.true(sameBytes(h.latest, trainedModels[1] as string), 'the rejected candidate stays as latest.onnx');
});

test('self-play asks for exactly the missing episodes with the ramped simulations', async (t) => {
  const h = harness((config) => {
    config.mcts.num_simulations = 10;
    config.mcts.simulation_ramp_step = 5;
    config.mcts.max_simulations = 20;
  });
  const state = await h.run(4);
  t.deepEqual(
    h.selfPlay.map((r) => [r.iteration, r.simulations, r.episodes]),
    [
      [1, 10, E],
      [2, 15, E],
      [3, 20, E],
      [4, 20, E],
    ],
  );
  t.deepEqual(
    state.history.map((r) => r.sims),
    [10, 15, 20, 20],
  );
  t.is(h.selfPlay[0]?.modelPath, undefined, 'iteration 1 plays with the uniform bootstrap model');
  t.true(
    h.selfPlay.slice(1).every((r) => r.modelPath === h.best),
    'then with the best model',
  );
  t.deepEqual(
    h.trains.map((r) => [r.iteration, r.steps]),
    [
      [1, 3],
      [2, 3],
      [3, 3],
      [4, 3],
    ],
  );
  t.true(state.history.every((r) => r.episodes === E && r.positions === 7 * E));
  t.deepEqual(
    state.history.map((r) => r.step),
    [3, 6, 9, 12],
  );
});

test('a run resumed in self-play only asks for the episodes still missing', async (t) => {
  const h = harness();
  await h.run(1);
  // A killed run had written 3 of iteration 2's episodes before it died.
  h.episodes += 3;
  const state = await h.run(2);
  t.is(h.selfPlay[1]?.episodes, E - 3);
  t.is(state.history[1]?.episodes, E);
  t.is(h.episodes, 2 * E);
});

test('a run resumed at evaluation keeps the training figures of its iteration', async (t) => {
  const h = harness();
  h.outcomes.set(2, () => {
    throw new Error('killed during evaluation');
  });
  await t.throwsAsync(h.run(3), { message: 'killed during evaluation' });
  const saved = readState(loopStatePath(h.paths));
  t.is(saved?.iteration, 2);
  t.is(saved?.phase, 'evaluate');

  h.outcomes.delete(2);
  const state = await h.run(3);
  t.is(h.trains.length, 3, 'iteration 2 is not trained twice');
  t.deepEqual(
    state.history.map((r) => r.iteration),
    [1, 2, 3],
  );
  t.is(state.history[1]?.step, 6);
  t.is(state.history[1]?.train_loss, 0.5);
  t.is(state.history[1]?.policy_loss, 0.5);
  t.is(state.history[1]?.value_loss, 0.25);
  t.is(state.history[1]?.episodes, E);
});

test('pruning old episodes after training does not shrink the iteration episode count', async (t) => {
  const h = harness();
  h.pruneEpisodes = 2;
  const state = await h.run(3);
  t.deepEqual(
    state.history.map((r) => r.episodes),
    [E, E, E],
  );
  t.deepEqual(
    h.selfPlay.map((r) => r.episodes),
    [E, E, E],
  );
  t.is(state.episodes_at_start, h.episodes);
  t.is(h.episodes, 3 * E - 2 * 2, 'the fake did prune (twice: nothing older than iteration 1)');
});

test('stopRequested and the time limit end the run after a whole iteration', async (t) => {
  const stopped = harness();
  let done = 0;
  const byStop = await stopped.run(5, {
    stopRequested: () => {
      done = readState(loopStatePath(stopped.paths))?.history.length ?? 0;
      return done >= 1;
    },
  });
  t.is(byStop.history.length, 1);
  t.is(byStop.phase, 'selfplay');
  t.is(byStop.iteration, 2);
  t.true(stopped.stops >= 1, 'actors are stopped on the way out');

  const timed = harness();
  const byTime = await timed.run(5, { timeLimitMs: 1 });
  t.is(byTime.history.length, 1, 'the running iteration finishes, no new one starts');
  t.is(byTime.history[0]?.vs_random?.wins, 10, 'its evaluation was done');
  t.is(timed.selfPlay.length, 1);
  t.is(readState(loopStatePath(timed.paths))?.iteration, 2);
});

test('a state file of another game or a corrupt one is an error, never reset', async (t) => {
  const h = harness();
  await h.run(1);
  const path = loopStatePath(h.paths);
  const saved = readFileSync(path, 'utf8');
  h.config.common.env_id = 'connect4';
  await t.throwsAsync(h.run(2), { message: /belongs to a tictactoe run, not connect4/ });
  h.config.common.env_id = 'tictactoe';
  writeFileSync(path, '{"version": 1, ');
  await t.throwsAsync(h.run(2), { message: /is not valid JSON/ });
  t.true(existsSync(path));
  writeFileSync(path, saved);
  const state = await h.run(2);
  t.is(state.history.length, 2);
});

test('generate_with = latest: actors play the newest candidate, promoted or not', async (t) => {
  const h = harness((config) => {
    config.training.generate_with = 'latest';
  });
  h.outcomes.set(2, { vsRandom: wdl(10, 0, 0), vsBest: wdl(0, 0, 20) });
  await h.run(3);
  t.deepEqual(
    h.selfPlay.map((r) => r.modelPath),
    [undefined, h.latest, h.latest],
  );
});

test('continuous mode: positions/s is what self-play wrote in its time, not what actors add during training', async (t) => {
  const h = new LoopHarness({
    edit: (config) => {
      config.training.mode = 'continuous';
    },
    episodesDuringTraining: 3,
    selfPlayDelayMs: 30,
  });
  const state = await h.run(2);
  t.is(state.history.length, 2);
  for (const record of state.history) {
    t.is(record.positions, (E + 3) * 7, 'the iteration counts every position written in it');
    t.true(record.selfplay_seconds > 0);
    t.true(
      Math.abs(record.positions_per_s * record.selfplay_seconds - E * 7) < 1e-6,
      `rate × self-play time = self-play's own ${E * 7} positions, got ${record.positions_per_s * record.selfplay_seconds}`,
    );
  }
  t.is(h.stops, 1, 'continuous actors run through every phase and are stopped once, at the end');
});
