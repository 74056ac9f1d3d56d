// Search micro-benchmark: µs per simulation of the self-play arena for Connect4 with a free
// (uniform) evaluator, driven from TypeScript with one N-API call per batch step — the cost
// of the C++ tree work plus the crossing, i.e. what self-play pays on top of inference.
//   node --import tsx bench/search.ts [--quick]
import { pathToFileURL } from 'node:url';
import { SelfPlayArena, uniformEvaluator } from '../src/search/index.js';

export interface SearchBenchPoint {
  envId: string;
  numGames: number;
  simulations: number;
  /** Wall time per completed simulation, including the N-API crossings and the TS loop. */
  usPerSimulation: number;
  /** CPU time (user + system) of this process per simulation: robust to other load on the box. */
  cpuUsPerSimulation: number;
  /** step() calls per simulation (one crossing per batch). */
  napiCallsPerSimulation: number;
  /** Share of the wall time spent inside the C++ search. */
  treeTimeShare: number;
  averageBatchFill: number;
  totalSimulations: number;
  seconds: number;
}

export interface SearchBenchResult {
  /** The headline: Connect4, G = 256, S = 200 (the repeat with the median wall time). */
  headline: SearchBenchPoint;
  /** Every repeat of the headline measurement. */
  headlineRepeats: SearchBenchPoint[];
  sweep: SearchBenchPoint[];
}

/** Plays self-play with the uniform evaluator until `targetSimulations` have run. */
export function measureArena(
  envId: string,
  numGames: number,
  simulations: number,
  targetSimulations: number,
) {
  const arena = new SelfPlayArena({ envId, numGames, simulations, temperatureMoves: 8, seed: 1 });
  const evaluate = uniformEvaluator(arena.numActions, arena.maxBatch);
  let logits: Float32Array | null = null;
  let values: Float32Array | null = null;
  const drive = (untilSimulations: number) => {
    let calls = 0;
    while (arena.stats().simulations < untilSimulations) {
      // stats() is read once per 64 steps below; this outer check only bounds the run.
      for (let k = 0; k < 64; k++) {
        const n = arena.step(logits, values);
        calls++;
        if (n === 0) {
          logits = values = null;
          continue;
        }
        const out = evaluate(arena.observations, n) as { logits: Float32Array; values: Float32Array };
        logits = out.logits;
        values = out.values;
      }
      arena.takeEpisodes();
    }
    return calls;
  };
  // Warm up: grow the node pools and finish a few moves before timing.
  drive(Math.min(targetSimulations / 10, numGames * simulations * 2));
  const before = arena.stats();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const calls = drive(before.simulations + targetSimulations);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const after = arena.stats();
  const sims = after.simulations - before.simulations;
  const point: SearchBenchPoint = {
    envId,
    numGames,
    simulations,
    usPerSimulation: (seconds * 1e6) / sims,
    cpuUsPerSimulation: (cpu.user + cpu.system) / sims,
    napiCallsPerSimulation: calls / sims,
    treeTimeShare: (after.treeTimeMs - before.treeTimeMs) / 1000 / seconds,
    averageBatchFill:
      (after.networkEvaluations - before.networkEvaluations) / (after.batchSteps - before.batchSteps),
    totalSimulations: sims,
    seconds,
  };
  return point;
}

export async function benchSearch(opts: { quick: boolean }): Promise<SearchBenchResult> {
  const target = opts.quick ? 300_000 : 2_000_000;
  const headlineRepeats: SearchBenchPoint[] = [];
  for (let r = 0; r < (opts.quick ? 3 : 5); r++)
    headlineRepeats.push(measureArena('connect4', 256, 200, target));
  const byWall = [...headlineRepeats].sort((a, b) => a.usPerSimulation - b.usPerSimulation);
  const headline = byWall[Math.floor(byWall.length / 2)]!;
  const sweep: SearchBenchPoint[] = [];
  for (const numGames of opts.quick ? [16, 256] : [16, 64, 256, 1024]) {
    for (const simulations of opts.quick ? [50, 200] : [50, 200, 800]) {
      sweep.push(measureArena('connect4', numGames, simulations, target / 4));
    }
  }
  sweep.push(measureArena('tictactoe', 256, 200, target / 4));
  return { headline, headlineRepeats, sweep };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const result = await benchSearch({ quick });
  const row = (p: SearchBenchPoint) =>
    `${p.envId.padEnd(10)} G=${String(p.numGames).padStart(5)} S=${String(p.simulations).padStart(4)}  ` +
    `${p.usPerSimulation.toFixed(3)} µs/sim (cpu ${p.cpuUsPerSimulation.toFixed(3)})  ${p.napiCallsPerSimulation.toFixed(5)} calls/sim  ` +
    `tree ${(100 * p.treeTimeShare).toFixed(1)}%  fill ${p.averageBatchFill.toFixed(1)}`;
  for (const p of result.headlineRepeats) console.log(`repeat:   ${row(p)}`);
  console.log(`headline: ${row(result.headline)}`);
  for (const p of result.sweep) console.log(`sweep:    ${row(p)}`);
  console.log(JSON.stringify(result));
}
