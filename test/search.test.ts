import test from 'ava';
import {
  ArenaPipeline,
  type EpisodeBatch,
  type Evaluator,
  type EvaluatorOutput,
  Searcher,
  type SearcherOptions,
  SelfPlayArena,
  uniformEvaluator,
} from '../src/search/index.js';

const LINES = [0o007, 0o070, 0o700, 0o111, 0o222, 0o444, 0o421, 0o124];
const hasLine = (m: number) => LINES.some((l) => (m & l) === l);

// Exact TicTacToe value for the side to move (`mine`), memoised negamax over bit masks.
const memo = new Map<number, number>();
function ticTacToeValue(mine: number, theirs: number): number {
  if (hasLine(theirs)) return -1;
  if ((mine | theirs) === 0x1ff) return 0;
  const key = mine | (theirs << 9);
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let best = -2;
  for (let c = 0; c < 9; c++) {
    if (((mine | theirs) >> c) & 1) continue;
    best = Math.max(best, -ticTacToeValue(theirs, mine | (1 << c)));
  }
  memo.set(key, best);
  return best;
}

function decodeTicTacToe(obs: Float32Array, row: number): { marks: [number, number]; mover: number } {
  const o = row * 29;
  const marks: [number, number] = [0, 0];
  for (let c = 0; c < 9; c++) {
    if (obs[o + c]! > 0.5) marks[0] |= 1 << c;
    if (obs[o + 9 + c]! > 0.5) marks[1] |= 1 << c;
  }
  return { marks, mover: obs[o + 27]! > 0.5 ? 0 : 1 };
}

/** Uniform priors, exact minimax values. */
function exactTicTacToeEvaluator(maxBatch: number): Evaluator {
  const logits = new Float32Array(9 * maxBatch);
  const values = new Float32Array(maxBatch);
  return (obs, n) => {
    for (let i = 0; i < n; i++) {
      const { marks, mover } = decodeTicTacToe(obs, i);
      values[i] = ticTacToeValue(marks[mover]!, marks[1 - mover]!);
    }
    return { logits, values };
  };
}

/** A deterministic function of the observation, so statistics differ between positions. */
function hashedEvaluator(obsSize: number, numActions: number, maxBatch: number): Evaluator {
  const logits = new Float32Array(numActions * maxBatch);
  const values = new Float32Array(maxBatch);
  return (obs, n) => {
    for (let i = 0; i < n; i++) {
      let h = 2166136261;
      for (let k = 0; k < obsSize; k++) if (obs[i * obsSize + k]! > 0.5) h = Math.imul(h ^ (k + 1), 16777619);
      for (let a = 0; a < numActions; a++) {
        h = Math.imul(h ^ (a + 7), 16777619);
        logits[i * numActions + a] = ((h >>> 8) % 2000) / 1000 - 1;
      }
      h = Math.imul(h ^ 99, 16777619);
      values[i] = ((h >>> 8) % 2001) / 1000 - 1;
    }
    return { logits, values };
  };
}

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

function searcher(options: Partial<SearcherOptions> & { envId: string }): Searcher {
  return new Searcher({ simulations: 400, maxBatch: 8, ...options });
}

const tactics: { envId: string; moves: number[]; best: number; what: string }[] = [
  { envId: 'tictactoe', moves: [0, 3, 1, 4], best: 2, what: 'X wins at 2' },
  { envId: 'tictactoe', moves: [0, 4, 8, 2], best: 6, what: 'X blocks 2-4-6 at 6' },
  { envId: 'connect4', moves: [0, 6, 0, 6, 0, 5], best: 0, what: 'player 1 wins in column 0' },
  { envId: 'connect4', moves: [0, 6, 0, 5, 0], best: 0, what: 'player 2 blocks column 0' },
];

for (const { envId, moves, best, what } of tactics) {
  test(`uniform evaluator: ${envId}: ${what}`, async (t) => {
    for (const maxBatch of [1, 8]) {
      const s = searcher({ envId, simulations: 800, maxBatch });
      const r = await s.search({ moves }, uniformEvaluator(s.numActions, s.maxBatch));
      t.is(r.action, best, `maxBatch ${maxBatch}`);
      t.is(sum(r.visits), 800);
      t.true(Math.abs(sum(r.policy) - 1) < 1e-5);
    }
  });
}

test('exact TicTacToe evaluator: only optimal moves from every non-terminal position', async (t) => {
  // Enumerate reachable positions as move lists (dedup by marks).
  const positions: number[][] = [];
  const seen = new Set<number>();
  const walk = (marks: [number, number], moves: number[]) => {
    const key = marks[0] | (marks[1] << 9);
    if (seen.has(key)) return;
    seen.add(key);
    if (hasLine(marks[0]) || hasLine(marks[1]) || (marks[0] | marks[1]) === 0x1ff) return;
    positions.push(moves);
    const p = moves.length & 1;
    for (let c = 0; c < 9; c++) {
      if (((marks[0] | marks[1]) >> c) & 1) continue;
      const next: [number, number] = [marks[0], marks[1]];
      next[p] = next[p]! | (1 << c);
      walk(next, [...moves, c]);
    }
  };
  walk([0, 0], []);
  t.is(seen.size, 5478);
  t.is(positions.length, 4520);
  const s = searcher({ envId: 'tictactoe', simulations: 64, maxBatch: 4 });
  const evaluate = exactTicTacToeEvaluator(4);
  const wrong: string[] = [];
  for (const moves of positions) {
    const r = await s.search({ moves }, evaluate);
    const marks: [number, number] = [0, 0];
    moves.forEach((m, i) => {
      marks[i & 1] = marks[i & 1]! | (1 << m);
    });
    const p = moves.length & 1;
    const before = ticTacToeValue(marks[p]!, marks[1 - p]!);
    marks[p] = marks[p]! | (1 << r.action);
    const after = -ticTacToeValue(marks[1 - p]!, marks[p]!);
    if (after !== before) wrong.push(`${moves.join('')} -> ${r.action}`);
  }
  t.deepEqual(wrong, []);
});

test('visits sum to S plus reused visits; tree reuse equals a fresh search with the carried statistics', async (t) => {
  const envId = 'connect4';
  const a = searcher({ envId, simulations: 300, maxBatch: 1 });
  const evaluate = hashedEvaluator(a.obsSize, a.numActions, 8);
  const first = await a.search({ moves: [] }, evaluate);
  t.is(sum(first.visits), 300);
  const carried = first.visits[first.action]!;
  a.advance(first.action);
  const reused = await a.search(null, evaluate, { simulations: 100 });
  t.is(sum(reused.visits), carried - 1 + 100); // the child's first visit expanded it

  // Fresh tree from the same position: carried - 1 simulations rebuild the carried statistics,
  // then the same 100 more give an identical result.
  const b = searcher({ envId, simulations: 300, maxBatch: 1 });
  await b.search({ moves: [first.action] }, evaluate, { simulations: carried - 1 });
  const fresh = await b.search(null, evaluate, { simulations: 100 });
  t.deepEqual(Array.from(fresh.visits), Array.from(reused.visits));
  t.is(fresh.value, reused.value);
  t.is(fresh.action, reused.action);
});

test('virtual loss leaves no trace: batched search matches its own visit accounting', async (t) => {
  const s = searcher({ envId: 'connect4', simulations: 500, maxBatch: 16 });
  const evaluate = hashedEvaluator(s.obsSize, s.numActions, 16);
  const r1 = await s.search({ moves: [3, 3, 2] }, evaluate);
  t.is(sum(r1.visits), 500);
  // Searching on from the same tree: the in-flight marks of the first search are gone, so the
  // root carries exactly its real visits.
  const r2 = await s.search(null, evaluate, { simulations: 200 });
  t.is(sum(r2.visits), 700);
  t.true(s.stats().averageBatchFill > 1);
});

test('the evaluation cache returns exactly what the network returned', async (t) => {
  const evaluate = hashedEvaluator(29, 9, 1);
  const withCache = searcher({ envId: 'tictactoe', simulations: 600, maxBatch: 1, cacheSize: 1 << 14 });
  const without = searcher({ envId: 'tictactoe', simulations: 600, maxBatch: 1 });
  const a = await withCache.search({ moves: [] }, evaluate);
  const b = await without.search({ moves: [] }, evaluate);
  t.deepEqual(Array.from(a.visits), Array.from(b.visits));
  t.is(a.value, b.value);
  const sa = withCache.stats();
  const sb = without.stats();
  t.true(sa.cacheHits > 0);
  t.is(sa.networkEvaluations + sa.cacheHits, sb.networkEvaluations);
});

function checkEpisodes(
  t: import('ava').ExecutionContext,
  batch: EpisodeBatch,
  obsSize: number,
  numActions: number,
) {
  const legalOffset = obsSize - numActions - 2;
  let row = 0;
  const results = { wins0: 0, wins1: 0, draws: 0 };
  for (let e = 0; e < batch.count; e++) {
    const winner = batch.winners[e]!;
    if (winner === 0) results.wins0++;
    else if (winner === 1) results.wins1++;
    else results.draws++;
    for (let i = 0; i < batch.stepCounts[e]!; i++, row++) {
      const mover = batch.toMove[row]!;
      const expected = winner === -1 ? 0 : winner === mover ? 1 : -1;
      if (batch.outcomes[row] !== expected) t.fail(`episode ${e} step ${i}: outcome ${batch.outcomes[row]}`);
      if (batch.observations[row * obsSize + obsSize - 2 + mover] !== 1) t.fail('side-to-move plane');
      let p = 0;
      for (let a = 0; a < numActions; a++) {
        const legal = batch.legalMasks[row * numActions + a]!;
        if (legal !== batch.observations[row * obsSize + legalOffset + a])
          t.fail('legal mask vs observation');
        const prob = batch.policies[row * numActions + a]!;
        if (!legal && prob !== 0) t.fail('policy on an illegal move');
        p += prob;
      }
      if (Math.abs(p - 1) > 1e-5) t.fail(`policy sums to ${p}`);
      if (!batch.legalMasks[row * numActions + batch.actions[row]!]) t.fail('illegal action recorded');
    }
  }
  t.is(row, batch.actions.length);
  return results;
}

test('arena: episodes carry consistent records and outcome signs for both winners and draws', async (t) => {
  const arena = new SelfPlayArena({
    envId: 'tictactoe',
    numGames: 32,
    simulations: 16,
    temperatureMoves: 9,
    dirichletAlpha: 1,
    cacheSize: 4096,
    seed: 7,
  });
  const batches = await arena.playEpisodes(uniformEvaluator(9, arena.maxBatch), 200);
  const totals = { wins0: 0, wins1: 0, draws: 0 };
  for (const b of batches) {
    const r = checkEpisodes(t, b, 29, 9);
    totals.wins0 += r.wins0;
    totals.wins1 += r.wins1;
    totals.draws += r.draws;
  }
  t.true(totals.wins0 > 0 && totals.wins1 > 0 && totals.draws > 0, JSON.stringify(totals));
  t.true(totals.wins0 + totals.wins1 + totals.draws >= 200);
  const stats = arena.stats();
  t.is(stats.episodes, totals.wins0 + totals.wins1 + totals.draws);
  t.true(stats.cacheHits > 0 && stats.terminalHits > 0);
  t.is(arena.activeGames, 0);
});

test('arena: Connect4 episodes are valid and deterministic given the seed', async (t) => {
  const run = async (seed: number) => {
    const arena = new SelfPlayArena({
      envId: 'connect4',
      numGames: 8,
      simulations: 24,
      temperatureMoves: 8,
      seed,
    });
    const batches = await arena.playEpisodes(hashedEvaluator(93, 7, 8), 8);
    for (const b of batches) checkEpisodes(t, b, 93, 7);
    return batches.flatMap((b) => [Array.from(b.actions), Array.from(b.policies), Array.from(b.rootValues)]);
  };
  const a = await run(11);
  t.deepEqual(await run(11), a);
  t.notDeepEqual(await run(12), a);
});

test('arena: requestStop(true) drops unfinished games; one N-API call per batch', (t) => {
  const arena = new SelfPlayArena({ envId: 'connect4', numGames: 4, simulations: 10, seed: 1 });
  const zero = uniformEvaluator(7, 4);
  let n = arena.step(null, null);
  t.is(n, 4);
  t.throws(() => arena.step(null, null), { instanceOf: TypeError, message: /policyLogits and values/ });
  const out = zero(arena.observations, n) as { logits: Float32Array; values: Float32Array };
  n = arena.step(out.logits, out.values);
  t.is(n, 4);
  arena.requestStop(true);
  t.is(arena.activeGames, 0);
  t.is(arena.step(null, null), 0);
  t.is(arena.takeEpisodes().count, 0);
});

test('options and arguments are checked at the boundary', (t) => {
  t.throws(() => new SelfPlayArena({ envId: 'chess', numGames: 1, simulations: 1 }), {
    message: /unknown game/,
  });
  t.throws(() => new SelfPlayArena({ envId: 'connect4', numGames: 0, simulations: 1 }), {
    message: /options.numGames/,
  });
  t.throws(() => new Searcher({ envId: 'connect4', simulations: 10, cPuct: 'x' as unknown as number }), {
    instanceOf: TypeError,
    message: /options.cPuct/,
  });
  const arena = new SelfPlayArena({ envId: 'connect4', numGames: 2, simulations: 1 });
  t.throws(() => arena.step(null, null, new Float32Array(3)), { message: /observationsOut/ });
  const s = new Searcher({ envId: 'tictactoe', simulations: 10 });
  t.throws(() => s.setPosition({ moves: [0, 0] }), { instanceOf: RangeError, message: /moves\[1\]/ });
  t.throws(() => s.setPosition({ state: new Uint8Array(3) }), { message: /bytes/ });
});

test('two arenas alternated by one driver play exactly as each alone (no shared state)', async (t) => {
  const options = { envId: 'connect4', numGames: 6, simulations: 20, temperatureMoves: 6 };
  const evaluate = hashedEvaluator(93, 7, 6);
  const alone = async (seed: number) => {
    const arena = new SelfPlayArena({ ...options, seed });
    return (await arena.playEpisodes(evaluate, 6)).flatMap((b) => Array.from(b.actions));
  };
  // Interleaved: A's batch is "in inference" while B does its tree work, and vice versa.
  const a = new SelfPlayArena({ ...options, seed: 1 });
  const b = new SelfPlayArena({ ...options, seed: 2 });
  const outA: number[] = [];
  const outB: number[] = [];
  const drivers = [a, b].map((arena, i) => ({ arena, out: i === 0 ? outA : outB, finished: 0 }));
  const inputs = drivers.map(() => ({
    logits: null as Float32Array | null,
    values: null as Float32Array | null,
  }));
  while (drivers.some((d) => d.arena.activeGames > 0)) {
    for (const [i, d] of drivers.entries()) {
      if (d.arena.activeGames === 0) continue;
      const n = d.arena.step(inputs[i]!.logits, inputs[i]!.values);
      const taken = d.arena.takeEpisodes();
      d.out.push(...taken.actions);
      d.finished += taken.count;
      if (d.finished >= 6) d.arena.requestStop();
      if (n === 0) {
        inputs[i] = { logits: null, values: null };
        continue;
      }
      // Copy: both arenas share one evaluator whose output arrays are reused.
      const o = await evaluate(d.arena.observations, n);
      inputs[i] = { logits: o.logits.slice(), values: o.values.slice() };
    }
  }
  t.deepEqual(outA, await alone(1));
  t.deepEqual(outB, await alone(2));
});

test('the searcher accepts an asynchronous evaluator', async (t) => {
  const s = searcher({ envId: 'tictactoe', simulations: 200, maxBatch: 4 });
  const exact = exactTicTacToeEvaluator(4);
  const r = await s.search({ moves: [0, 4, 8, 2] }, async (obs, n) => {
    await new Promise((resolve) => setImmediate(resolve));
    return exact(obs, n);
  });
  t.is(r.action, 6);
  t.is(sum(r.visits), 200);
  t.true(r.value > 0); // blocking at 6 also forks (0-3-6 and 6-7-8): X wins
});

test('stepAsync plays exactly the games step() plays, off the JS thread, and locks the arena meanwhile', async (t) => {
  const options = {
    envId: 'connect4',
    numGames: 8,
    simulations: 16,
    seed: 11,
    dirichletAlpha: 1,
    temperatureMoves: 4,
  };
  const play = async (useAsync: boolean) => {
    const arena = new SelfPlayArena(options);
    const evaluate = uniformEvaluator(arena.numActions, arena.maxBatch);
    const actions: number[] = [];
    let logits: Float32Array | null = null;
    let values: Float32Array | null = null;
    while (actions.length < 40) {
      const n: number = useAsync ? await arena.stepAsync(logits, values) : arena.step(logits, values);
      actions.push(...arena.takeEpisodes().actions);
      const out =
        n > 0 ? (evaluate(arena.observations, n) as { logits: Float32Array; values: Float32Array }) : null;
      logits = out ? out.logits : null;
      values = out ? out.values : null;
    }
    return actions.slice(0, 40);
  };
  t.deepEqual(await play(true), await play(false));

  const arena = new SelfPlayArena(options);
  const pending = arena.stepAsync(null, null);
  t.throws(() => arena.stats(), { message: /busy/ });
  t.throws(() => arena.step(null, null), { message: /busy/ });
  t.throws(() => arena.takeEpisodes(), { message: /busy/ });
  t.true((await pending) > 0);
  t.notThrows(() => arena.stats());
});

test('ArenaPipeline: each arena plays exactly the games it plays alone; every batch is evaluated once', async (t) => {
  const options = (seed: number) => ({
    envId: 'tictactoe',
    numGames: 6,
    simulations: 12,
    seed,
    dirichletAlpha: 1,
    temperatureMoves: 3,
  });
  const alone = (seed: number, moves: number) => {
    const arena = new SelfPlayArena(options(seed));
    const evaluate = uniformEvaluator(arena.numActions, arena.maxBatch);
    const actions: number[] = [];
    let out: EvaluatorOutput | null = null;
    while (actions.length < moves) {
      const n = arena.step(out?.logits ?? null, out?.values ?? null);
      actions.push(...arena.takeEpisodes().actions);
      out = n > 0 ? (evaluate(arena.observations, n) as EvaluatorOutput) : null;
    }
    return actions.slice(0, moves);
  };

  const arenas = [new SelfPlayArena(options(5)), new SelfPlayArena(options(6))];
  const pipeline = new ArenaPipeline(arenas);
  const evaluate = uniformEvaluator(arenas[0]!.numActions, arenas[0]!.maxBatch);
  const order: number[] = [];
  let evaluated = 0;
  const actions: number[][] = [[], []];
  while (actions.some((a) => a.length < 60)) {
    await pipeline.round(
      async (observations, n, index) => {
        t.is(observations, pipeline.buffers[index]!);
        order.push(index);
        evaluated += n;
        return evaluate(observations, n) as EvaluatorOutput;
      },
      (index) => actions[index]!.push(...arenas[index]!.takeEpisodes().actions),
    );
  }
  await pipeline.settle();
  t.deepEqual(actions[0]!.slice(0, 60), alone(5, 60));
  t.deepEqual(actions[1]!.slice(0, 60), alone(6, 60));
  t.true(
    order.every((index, k) => k === 0 || index !== order[k - 1]),
    'arenas take turns',
  );
  const stats = arenas.map((a) => a.stats());
  // The batches written by the last round are pending: counted by the arenas, not yet evaluated.
  t.is(
    evaluated + arenas.reduce((s, a) => s + a.pending, 0),
    stats[0]!.networkEvaluations + stats[1]!.networkEvaluations,
  );
  t.throws(() => new ArenaPipeline([]), { instanceOf: RangeError });

  // One arena steps on the JS thread (nothing to overlap with): the same games again.
  const single = new ArenaPipeline([new SelfPlayArena(options(5))]);
  const singleActions: number[] = [];
  while (singleActions.length < 60) {
    await single.round(
      async (observations, n) => evaluate(observations, n) as EvaluatorOutput,
      () => singleActions.push(...single.arenas[0]!.takeEpisodes().actions),
    );
  }
  t.deepEqual(singleActions.slice(0, 60), alone(5, 60));
});
