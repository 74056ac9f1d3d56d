// Kill-and-resume of `cartridge train`: SIGKILL the process (no chance to clean up) in the middle
// of a phase, rerun the same command, and check what the loop guarantees:
//  - iterations continue where they stopped: the history is 1..N, none lost, none twice;
//  - the buffer is the truth for episode progress, and holds only whole episodes (one transaction
//    each), so episodes written before the kill count toward their iteration and in-flight ones
//    (not yet written) are lost and replaced, never counted. In synchronous mode the actors stop at
//    exactly the target, hence: every history record has exactly E episodes, the buffer holds
//    exactly E episodes tagged with each iteration, and its total equals the sum of the history.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import {
  readLoopState,
  runTrain,
  sqliteEpisodes,
  startTrain,
  TINY_EPISODES,
  tempDataDir,
  tinyArgs,
  waitFor,
} from './helpers/loop-cli.js';

const E = TINY_EPISODES;

/** Trainer processes (python -m cartridge_trainer) started by this process id. */
function trainerChildren(parentPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parentPid), '-f', 'cartridge_trainer'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertCompleted(t: import('ava').ExecutionContext, dataDir: string, iterations: number) {
  const state = readLoopState(dataDir);
  if (!state) return t.fail('no loop_state.json');
  t.deepEqual(
    state.history.map((r) => r.iteration),
    Array.from({ length: iterations }, (_, i) => i + 1),
    'every iteration recorded exactly once, in order',
  );
  t.is(state.iteration, iterations + 1);
  for (const record of state.history) {
    t.is(record.episodes, E, `iteration ${record.iteration} counts exactly its E episodes`);
    t.true(record.step > 0, `iteration ${record.iteration} has its training step`);
    t.is(typeof record.train_loss, 'number', `iteration ${record.iteration} has its training loss`);
  }
  const buffer = sqliteEpisodes(dataDir);
  t.is(buffer.finished, buffer.total, 'only whole episodes in the buffer');
  t.is(
    buffer.total,
    state.history.reduce((sum, r) => sum + r.episodes, 0),
    'buffer total = sum of per-iteration episodes',
  );
  t.deepEqual(
    [...buffer.perIteration.entries()],
    Array.from({ length: iterations }, (_, i) => [i + 1, E]),
    'each iteration generated exactly E episodes across the kill',
  );
  t.is(state.episodes_at_start, buffer.total);
  t.true(existsSync(join(dataDir, 'models', 'best.onnx')));
}

test.serial('SIGKILL during training, rerun: resumes the iteration and completes the run', async (t) => {
  const dataDir = tempDataDir();
  const first = startTrain(tinyArgs(dataDir, 3));
  const seen = await waitFor(
    'phase train of iteration 2',
    () => {
      const state = readLoopState(dataDir);
      return state?.iteration === 2 && state.phase === 'train' ? state : undefined;
    },
    120_000,
  );
  const pid = first.child.pid ?? 0;
  const trainers = await waitFor(
    'the trainer child process',
    () => {
      const found = trainerChildren(pid);
      return found.length > 0 ? found : undefined;
    },
    30_000,
  );
  first.child.kill('SIGKILL');
  const killed = await first.done;
  t.is(killed.signal, 'SIGKILL');
  t.is(seen.history.length, 1);
  // The orphaned trainer (its parent gone) must not live on and write models behind the rerun's back.
  await waitFor('the orphaned trainer to exit', () => !trainers.some(alive), 30_000);

  const second = await runTrain(tinyArgs(dataDir, 3));
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /\[iteration 2\/3\] training/, 'the rerun starts at the phase it was killed in');
  t.notRegex(second.stderr, /\[iteration 1\/3\]/, 'completed iterations are not redone');
  assertCompleted(t, dataDir, 3);
});

test.serial('SIGKILL in the middle of self-play, rerun: no episode lost or counted twice', async (t) => {
  const dataDir = tempDataDir();
  // More simulations make self-play long enough to be caught half-way (after some batches are written).
  const args = tinyArgs(dataDir, 3, ['--sims', '96']);
  const first = startTrain(args, { CARTRIDGE_ACTOR_WRITE_BATCH_EPISODES: '2' });
  const partial = await waitFor(
    'iteration 2 self-play with part of its episodes written',
    () => {
      const state = readLoopState(dataDir);
      if (state?.iteration !== 2 || state.phase !== 'selfplay') return undefined;
      const written = sqliteEpisodes(dataDir).perIteration.get(2) ?? 0;
      return written > 0 && written < E ? written : undefined;
    },
    180_000,
    10,
  );
  first.child.kill('SIGKILL');
  await first.done;
  const atKill = sqliteEpisodes(dataDir).perIteration.get(2) ?? 0;
  t.true(atKill >= partial && atKill <= E, `iteration 2 had ${atKill} of ${E} episodes at the kill`);

  const second = await runTrain(args, { CARTRIDGE_ACTOR_WRITE_BATCH_EPISODES: '2' });
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /\[iteration 2\/3\] self-play/);
  t.notRegex(second.stderr, /\[iteration 1\/3\]/);
  assertCompleted(t, dataDir, 3);
});
