// Behaviour both backends must share, registered once per backend by test/replay-*.test.ts.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext, TestFn } from 'ava';
import { replayMetadata } from '../../src/games/index.js';
import { decodeFloat32, ReplayError, type ReplayStore, syntheticEpisode } from '../../src/replay/index.js';
import type { Harness } from './replay-backends.js';

const WRITER = fileURLToPath(new URL('./replay-writer.ts', import.meta.url));

const f32 = (values: ArrayLike<number>) => Buffer.from(Float32Array.from(values).buffer);

async function fresh(harness: Harness): Promise<ReplayStore> {
  const store = harness.open();
  await store.migrate();
  return store;
}

export function replaySuite(test: TestFn, makeHarness: () => Promise<Harness>): void {
  const withHarness = (title: string, body: (h: Harness, t: ExecutionContext) => Promise<void>) =>
    test(title, async (t) => {
      const harness = await makeHarness();
      try {
        await body(harness, t);
      } finally {
        await harness.dispose();
      }
    });

  withHarness('migrate is versioned and idempotent', async (h, t) => {
    const store = h.open();
    t.is((await store.stats()).schemaVersion, 0);
    t.is(await store.migrate(), 2);
    t.is(await store.migrate(), 2);
    const again = h.open();
    t.is(await again.migrate(), 2);
    t.is((await store.stats()).schemaVersion, 2);
    t.is(await store.count(), 0);
  });

  withHarness('every column round-trips byte for byte', async (h, t) => {
    const store = await fresh(h);
    const episode = syntheticEpisode({
      envId: 'connect4',
      episodeId: 'roundtrip',
      steps: 5,
      obsSize: 93,
      numActions: 7,
      modelVersion: 'model-3',
      iteration: 3,
      withStates: true,
      timestamp: 1_700_000_123,
    });
    episode.actions[2] = 6;
    episode.outcomes.set([1, -1, 1, -1, 1]);
    episode.rootValues.set([0.25, -0.5, 0.125, 1 / 3, -1]);
    const result = await store.writeEpisodes([episode]);
    t.deepEqual(result, { episodesWritten: 1, episodesSkipped: 0, transitionsWritten: 5 });
    const rows = await h.rows('roundtrip');
    t.is(rows.length, 5);
    for (const [step, row] of rows.entries()) {
      const last = step === 4;
      t.is(row.id, `roundtrip:${step}`);
      t.is(row.env_id, 'connect4');
      t.is(row.episode_id, 'roundtrip');
      t.is(row.step_number, step);
      t.deepEqual(row.state, Buffer.from(episode.stateBytes![step]!));
      t.deepEqual(row.next_state, Buffer.from(episode.stateBytes![step + 1]!));
      const action = Buffer.alloc(4);
      action.writeUInt32LE(episode.actions[step]!);
      t.deepEqual(row.action, action);
      t.deepEqual(row.observation, f32(episode.observations.subarray(step * 93, step * 93 + 93)));
      t.deepEqual(
        row.next_observation,
        last
          ? f32(episode.finalObservation!)
          : f32(episode.observations.subarray(step * 93 + 93, step * 93 + 186)),
      );
      t.deepEqual(row.policy_probs, f32(episode.policies.subarray(step * 7, step * 7 + 7)));
      t.deepEqual(decodeFloat32(row.policy_probs), episode.policies.slice(step * 7, step * 7 + 7));
      t.is(row.reward, last ? 1 : 0);
      t.is(row.done, last);
      t.is(row.timestamp, 1_700_000_123);
      // REAL is float32 in PostgreSQL, double in SQLite: both hold the float32 value exactly.
      t.is(Math.fround(row.mcts_value), episode.rootValues[step]!);
      t.is(Math.fround(row.game_outcome), episode.outcomes[step]!);
      t.is(row.model_version, 'model-3');
      t.is(row.iteration, 3);
      t.true(Number.isFinite(Date.parse(row.created_at.replace(' ', 'T'))));
    }
    // Without states or a final observation: empty state bytes, zero terminal observation.
    const bare = syntheticEpisode({ episodeId: 'bare', steps: 2 });
    await store.writeEpisodes([bare]);
    const [first, terminal] = await h.rows('bare');
    t.is(first!.state.length, 0);
    t.is(first!.next_state.length, 0);
    t.deepEqual(terminal!.next_observation, Buffer.alloc(29 * 4));
    t.is(terminal!.model_version, null);
    t.is(terminal!.iteration, null);
  });

  withHarness('game metadata upserts', async (h, t) => {
    const store = await fresh(h);
    const meta = replayMetadata('tictactoe');
    t.is(await store.getGameMetadata('tictactoe'), null);
    await store.upsertGameMetadata(meta);
    await store.upsertGameMetadata({ ...meta, displayName: 'TicTacToe' });
    t.deepEqual(await store.getGameMetadata('tictactoe'), { ...meta, displayName: 'TicTacToe' });
  });

  withHarness('a failure in the middle of an episode leaves no row of it', async (h, t) => {
    const store = await fresh(h);
    await h.injectFailure('bad', 3);
    const good = syntheticEpisode({ episodeId: 'good', steps: 4 });
    const bad = syntheticEpisode({ episodeId: 'bad', steps: 6 });
    await t.throwsAsync(() => store.writeEpisodes([bad]), {
      instanceOf: ReplayError,
      message: /injected failure/,
    });
    t.is((await h.rows('bad')).length, 0);
    // The batch is one transaction: a failing episode takes its batch down with it, never half of itself.
    await t.throwsAsync(() => store.writeEpisodes([good, bad]), {
      instanceOf: ReplayError,
      message: /injected failure/,
    });
    t.is(await store.count(), 0);
    t.is(store.counters.retries, 0, 'a real error is not retried');
    await store.writeEpisodes([good]);
    await h.clearFailure();
    await store.writeEpisodes([bad]);
    t.is((await h.rows('bad')).length, 6);
    t.is(await store.count(), 10);
    await t.throwsAsync(
      () => store.writeEpisodes([{ ...bad, episodeId: 'short', outcomes: new Float32Array(2) }]),
      {
        instanceOf: TypeError,
        message: /outcomes has 2 entries, want 6/,
      },
    );
  });

  withHarness('re-writing episodes is a no-op', async (h, t) => {
    const store = await fresh(h);
    const episodes = Array.from({ length: 5 }, (_, i) =>
      syntheticEpisode({ episodeId: `idem-${i}`, steps: 7 }),
    );
    t.deepEqual(await store.writeEpisodes(episodes.slice(0, 3)), {
      episodesWritten: 3,
      episodesSkipped: 0,
      transitionsWritten: 21,
    });
    const before = await h.rows();
    t.deepEqual(await store.writeEpisodes(episodes), {
      episodesWritten: 2,
      episodesSkipped: 3,
      transitionsWritten: 14,
    });
    t.deepEqual(await store.writeEpisodes(episodes), {
      episodesWritten: 0,
      episodesSkipped: 5,
      transitionsWritten: 0,
    });
    const after = await h.rows();
    t.is(after.length, 35);
    t.deepEqual(after.slice(0, 21), before, 'existing rows untouched');
    t.is(new Set(after.map((r) => r.id)).size, 35);
  });

  withHarness('sampling stays in the window and covers it uniformly', async (h, t) => {
    const store = await fresh(h);
    // Interleave envs so that A's seqs have gaps of 10-30: a sampler that maps a missed seq to the next
    // existing row (instead of redrawing) would give each episode's first step 2-4x the weight.
    for (let i = 0; i < 40; i++) {
      const batch = [syntheticEpisode({ envId: 'A', episodeId: `a${i}`, steps: 10 })];
      for (let j = 0; j <= i % 3; j++) {
        batch.push(
          syntheticEpisode({ envId: 'B', episodeId: `b${i}-${j}`, steps: 10, obsSize: 5, numActions: 3 }),
        );
      }
      await store.writeEpisodes(batch);
    }
    const all = await h.rows();
    const aRows = all.filter((r) => r.env_id === 'A');
    t.is(aRows.length, 400);
    const window = 150;
    const inWindow = new Map(aRows.slice(-window).map((r) => [r.seq, r]));
    const n = 30_000;
    const batch = await store.sample('A', n, { window, seed: 7 });
    t.is(batch.n, n);
    t.is(batch.obsSize, 29);
    t.is(batch.numActions, 9);
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const seq = batch.seqs[i]!;
      const row = inWindow.get(seq);
      if (!row) {
        t.fail(`seq ${seq} is outside the window`);
        return;
      }
      counts.set(seq, (counts.get(seq) ?? 0) + 1);
      if (i < 200) {
        t.deepEqual(Buffer.from(batch.observations.slice(i * 29, i * 29 + 29).buffer), row.observation);
        t.deepEqual(Buffer.from(batch.policies.slice(i * 9, i * 9 + 9).buffer), row.policy_probs);
        t.is(batch.outcomes[i], row.game_outcome);
      }
    }
    t.is(counts.size, window, 'every row of the window is drawn');
    const expected = n / window;
    let chi2 = 0;
    for (const seq of inWindow.keys()) chi2 += ((counts.get(seq) ?? 0) - expected) ** 2 / expected;
    // df = 149: mean 149, sd ≈ 17.3. A sampler favouring newer rows or gap-followers lands far above.
    t.true(chi2 < 149 + 5 * 17.3, `chi-square ${chi2.toFixed(1)} too large for a uniform sampler`);
    const firstSteps = [...inWindow.values()].filter((r) => r.step_number === 0);
    const firstShare = firstSteps.reduce((s, r) => s + (counts.get(r.seq) ?? 0), 0) / n;
    t.true(Math.abs(firstShare - firstSteps.length / window) < 0.02, `step-0 share ${firstShare}`);
    // Reproducible with a seed; a window larger than the env means the whole env.
    const again = await store.sample('A', 50, { window, seed: 7 });
    t.deepEqual(again.seqs, batch.seqs.slice(0, 50));
    const whole = await store.sample('A', 2000, { window: 10_000, seed: 1 });
    t.true(whole.seqs.every((s) => aRows.some((r) => r.seq === s)));
    t.true(new Set(whole.seqs).size > 350);
    await t.throwsAsync(() => store.sample('missing', 4, { window: 10, seed: 1 }), {
      message: /no transitions/,
    });
    await t.throwsAsync(() => store.sample('A', 0, { window: 10 }), { instanceOf: TypeError });
  });

  withHarness('sampling a sparse window still returns only its rows', async (h, t) => {
    const store = await fresh(h);
    await store.writeEpisodes([syntheticEpisode({ envId: 'C', episodeId: 'c0', steps: 1 })]);
    const filler = Array.from({ length: 100 }, (_, i) =>
      syntheticEpisode({ envId: 'D', episodeId: `d${i}`, steps: 30 }),
    );
    await store.writeEpisodes(filler);
    await store.writeEpisodes([syntheticEpisode({ envId: 'C', episodeId: 'c1', steps: 1 })]);
    const cSeqs = new Set((await h.rows()).filter((r) => r.env_id === 'C').map((r) => r.seq));
    const batch = await store.sample('C', 64, { window: 2, seed: 3 });
    t.true(batch.seqs.every((s) => cSeqs.has(s)));
    t.is(new Set(batch.seqs).size, 2);
  });

  withHarness('prune keeps the newest rows; stats describe the buffer', async (h, t) => {
    const store = await fresh(h);
    for (let i = 0; i < 6; i++) {
      await store.writeEpisodes([
        syntheticEpisode({ envId: 'A', episodeId: `a${i}`, steps: 5, timestamp: 1000 + i }),
        syntheticEpisode({ envId: 'B', episodeId: `b${i}`, steps: 3, timestamp: 2000 + i }),
      ]);
    }
    const stats = await store.stats();
    t.is(stats.backend, h.backend);
    t.is(stats.rows, 48);
    t.is(stats.episodes, 12);
    t.deepEqual(stats.perEnv, [
      { envId: 'A', rows: 30, episodes: 6, oldest: 1000, newest: 1005 },
      { envId: 'B', rows: 18, episodes: 6, oldest: 2000, newest: 2005 },
    ]);
    t.is(stats.oldest, 1000);
    t.is(stats.newest, 2005);
    t.true(stats.sizeBytes > 0);
    const all = await h.rows();
    t.is(await store.prune(20, 'A'), 10);
    t.is(await store.count('A'), 20);
    t.is(await store.count('B'), 18);
    t.deepEqual(
      (await h.rows()).filter((r) => r.env_id === 'A').map((r) => r.id),
      all
        .filter((r) => r.env_id === 'A')
        .slice(-20)
        .map((r) => r.id),
    );
    // The 10 newest rows end 2 rows into b4 (3 rows): b4 is kept whole, so 11 rows remain.
    t.is(await store.prune(10), 27);
    t.deepEqual(
      (await h.rows()).map((r) => r.id),
      all.slice(-11).map((r) => r.id),
    );
    t.is(await store.prune(100), 0);
    const bLeft = (await h.rows()).filter((r) => r.env_id === 'B').length;
    t.is(await store.prune(0, 'B'), bLeft);
    t.is(await store.count(), 11 - bLeft);
  });

  withHarness('prune deletes whole episodes only, keeping at least keepNewest rows', async (h, t) => {
    const store = await fresh(h);
    const lengths = [4, 1, 6, 3, 5, 2];
    const write = () =>
      store.writeEpisodes(
        lengths.flatMap((steps, i) => [
          syntheticEpisode({ envId: 'A', episodeId: `a${i}`, steps }),
          syntheticEpisode({ envId: 'B', episodeId: `b${i}`, steps: 2 }),
        ]),
      );
    for (const keep of [1, 2, 5, 9, 12, 20, 21]) {
      await store.prune(0);
      await write();
      const aRows = (await h.rows()).filter((r) => r.env_id === 'A');
      // Expected: the episodes of A whose newest row is at or after the keep-th newest row of A.
      const cutoff = aRows[aRows.length - keep]!.seq;
      const newest = new Map<string, number>();
      for (const r of aRows) newest.set(r.episode_id, Math.max(newest.get(r.episode_id) ?? 0, r.seq));
      const kept = new Set([...newest].filter(([, seq]) => seq >= cutoff).map(([id]) => id));
      const deleted = await store.prune(keep, 'A');
      const left = (await h.rows()).filter((r) => r.env_id === 'A');
      t.deepEqual(new Set(left.map((r) => r.episode_id)), kept, `keep ${keep}`);
      t.is(deleted + left.length, aRows.length);
      t.true(left.length >= keep);
      for (const id of kept) {
        t.is(
          left.filter((r) => r.episode_id === id).length,
          lengths[Number(id.slice(1))]!,
          `${id} is complete`,
        );
      }
      t.is(await store.count('B'), 12, 'other envs untouched');
    }
  });

  withHarness('8 concurrent writer processes end with exactly the expected rows', async (h, t) => {
    await fresh(h);
    const writers = 8;
    const episodes = 12;
    const steps = 9;
    const results = await Promise.all(
      Array.from(
        { length: writers },
        (_, writer) =>
          new Promise<{ counters: { retries: number; episodesWritten: number } }>((resolve, reject) => {
            const child = fork(
              WRITER,
              [JSON.stringify({ target: h.target, writer, writers, episodes, steps, batch: 4 })],
              { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
            );
            let report: unknown;
            child.on('message', (message) => {
              report = message;
            });
            child.on('error', reject);
            // 'close' comes after the IPC channel has closed, so every message has been received.
            child.on('close', (code) =>
              code === 0 && report
                ? resolve(report as never)
                : reject(new Error(`writer ${writer} exited ${code}`)),
            );
          }),
      ),
    );
    const rows = await h.rows();
    t.is(rows.length, writers * episodes * steps);
    t.is(new Set(rows.map((r) => r.id)).size, rows.length);
    t.is(new Set(rows.map((r) => r.seq)).size, rows.length);
    t.is(
      results.reduce((sum, r) => sum + r.counters.episodesWritten, 0),
      writers * episodes,
      'duplicates were recognised as no-ops',
    );
    for (let w = 0; w < writers; w++) {
      for (let e = 0; e < episodes; e++) {
        const mine = rows.filter((r) => r.episode_id === `w${w}-e${e}`);
        t.is(mine.length, steps);
      }
    }
    if (h.backend === 'sqlite') {
      t.deepEqual(
        rows.map((r) => r.seq),
        rows.map((_, i) => i + 1),
        'SQLite seqs are gap-free',
      );
    }
  });
}
