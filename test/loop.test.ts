// `cartridge train` end to end as a user runs it (a child process), with tiny TicTacToe settings:
// SQLite and PostgreSQL buffers, --time-limit, and continuous mode. Serial: each run uses both cores.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import {
  type BufferCounts,
  postgresEpisodes,
  readLoopState,
  runTrain,
  sqliteEpisodes,
  TINY_EPISODES,
  tempDataDir,
  tinyArgs,
} from './helpers/loop-cli.js';
import { createPgDatabase } from './helpers/replay-backends.js';

const E = TINY_EPISODES;

function assertTwoIterations(
  t: import('ava').ExecutionContext,
  dataDir: string,
  run: { code: number | null; stdout: string; stderr: string },
  buffer: BufferCounts,
) {
  t.is(run.code, 0, run.stderr);
  const state = readLoopState(dataDir);
  if (!state) return t.fail('no loop_state.json');
  t.deepEqual(
    state.history.map((r) => r.iteration),
    [1, 2],
  );
  t.is(state.iteration, 3);
  t.is(state.phase, 'selfplay');
  for (const record of state.history) {
    t.is(record.episodes, E, `iteration ${record.iteration} episodes`);
    t.true(record.positions >= 5 * E, 'a TicTacToe game has at least 5 plies');
    t.true(record.step > 0);
    t.is(typeof record.train_loss, 'number');
    t.truthy(record.vs_random);
    t.regex(record.model_version, /^sha256:[0-9a-f]{12}$/);
  }
  // The first candidate has no best to meet: always promoted; from then on it plays the best.
  t.true(state.history[0]?.promoted);
  t.is(state.history[0]?.vs_best, null);
  t.truthy(state.history[1]?.vs_best);
  t.true((state.history[1]?.step ?? 0) > (state.history[0]?.step ?? 0));

  const best = join(dataDir, 'models', 'best.onnx');
  t.true(existsSync(best));
  t.true(existsSync(join(dataDir, 'models', 'latest.onnx')));
  t.truthy(state.best_model);

  // The buffer holds exactly the episodes the history counts, each one complete, tagged by iteration.
  t.true(buffer.total >= 2 * E);
  t.is(buffer.total, E * 2);
  t.is(buffer.finished, buffer.total);
  t.deepEqual(
    [...buffer.perIteration.entries()],
    [
      [1, E],
      [2, E],
    ],
  );

  t.regex(run.stdout, /Training summary \(tictactoe\), best model: sha256:[0-9a-f]{12}/);
  t.regex(run.stdout, /^\s+1\s+20\s/m);
  t.regex(run.stdout, /^\s+2\s+20\s/m);
  t.regex(run.stderr, /\[iteration 2\/2\] evaluation/);
}

test.serial('two iterations end to end on SQLite', async (t) => {
  const dataDir = tempDataDir();
  const run = await runTrain(tinyArgs(dataDir, 2));
  assertTwoIterations(t, dataDir, run, sqliteEpisodes(dataDir));
  const stats = JSON.parse(readFileSync(join(dataDir, 'stats.json'), 'utf8')) as unknown;
  t.truthy(stats, 'the trainer writes stats.json for the dashboard');

  // Rerunning a finished run does no more work: the history already has its iterations.
  const again = await runTrain(tinyArgs(dataDir, 2));
  t.is(again.code, 0, again.stderr);
  t.is(readLoopState(dataDir)?.history.length, 2);
  t.is(sqliteEpisodes(dataDir).total, 2 * E);
  t.regex(again.stdout, /Training summary/);
});

test.serial('two iterations end to end on PostgreSQL', async (t) => {
  const database = await createPgDatabase();
  try {
    const dataDir = tempDataDir();
    const run = await runTrain(tinyArgs(dataDir, 2), {
      CARTRIDGE_REPLAY_BACKEND: 'postgres',
      CARTRIDGE_REPLAY_URL: database.url,
    });
    t.false(existsSync(join(dataDir, 'replay.db')), 'no SQLite file when the buffer is PostgreSQL');
    assertTwoIterations(t, dataDir, run, await postgresEpisodes(database.url));
  } finally {
    await database.drop();
  }
});

test.serial('--time-limit stops cleanly after the running iteration, and the run resumes', async (t) => {
  const dataDir = tempDataDir();
  // 0.001 minutes is over before the first iteration ends: exactly that iteration completes.
  const run = await runTrain(tinyArgs(dataDir, 3, ['--time-limit', '0.001']));
  t.is(run.code, 0, run.stderr);
  const state = readLoopState(dataDir);
  t.deepEqual(
    state?.history.map((r) => r.iteration),
    [1],
  );
  t.is(state?.iteration, 2);
  t.is(state?.phase, 'selfplay', 'stopped between iterations, not inside one');
  t.truthy(state?.history[0]?.vs_random, 'the evaluation of the running iteration was done');
  t.true(existsSync(join(dataDir, 'models', 'best.onnx')));
  t.is(sqliteEpisodes(dataDir).total, E, 'no self-play of the next iteration started');
  t.regex(run.stdout, /Training summary/);

  // Without the limit the same run goes on from iteration 2 (2 of 3 iterations keeps the test short).
  const rest = await runTrain(tinyArgs(dataDir, 2));
  t.is(rest.code, 0, rest.stderr);
  t.regex(rest.stderr, /\[iteration 2\/2\] self-play/);
  t.deepEqual(
    readLoopState(dataDir)?.history.map((r) => r.iteration),
    [1, 2],
  );
  t.is(sqliteEpisodes(dataDir).total, 2 * E);
});

test.serial('continuous mode completes two iterations', async (t) => {
  const dataDir = tempDataDir();
  // Actors never pause in this mode: more simulations per move keep the buffer (and the
  // per-poll episode count over it) small while they compete with the trainer for 2 cores.
  const run = await runTrain(tinyArgs(dataDir, 2, ['--mode', 'continuous', '--sims', '64']));
  t.is(run.code, 0, run.stderr);
  const state = readLoopState(dataDir);
  t.deepEqual(
    state?.history.map((r) => r.iteration),
    [1, 2],
  );
  for (const record of state?.history ?? []) {
    // Actors run on through training and evaluation, so an iteration counts at least E episodes.
    t.true(record.episodes >= E, `iteration ${record.iteration}: ${record.episodes} episodes`);
    t.is(typeof record.train_loss, 'number');
  }
  t.true(state?.history[0]?.promoted);
  t.true(existsSync(join(dataDir, 'models', 'best.onnx')));
  const buffer = sqliteEpisodes(dataDir);
  const counted = (state?.history ?? []).reduce((sum, r) => sum + r.episodes, 0);
  // Episodes finished after the last evaluation (before the actors stopped) are kept but not counted.
  t.true(buffer.total >= counted, `buffer ${buffer.total} vs history ${counted}`);
  t.is(state?.episodes_at_start, counted, 'the next iteration starts counting where the last one stopped');
  t.is(buffer.finished, buffer.total);
  t.regex(run.stdout, /Training summary/);
});
