// Self-play loops for measurement. The arena loop is the actor's own pipeline (ArenaPipeline:
// stepAsync tree work overlapped with ORT, one N-API crossing per batch); the naive loop is
// the single-game Searcher, one position at a time. Used by the self-play suite in-process
// and inside its worker threads (selfplay-worker.ts).
import type { PolicyValueModel } from '../../src/inference/index.js';
import { loadAddon } from '../../src/native/index.js';
import { ArenaPipeline, SelfPlayArena } from '../../src/search/index.js';

export interface SearchCounters {
  simulations: number;
  networkEvaluations: number;
  cacheHits: number;
  cacheLookups: number;
  batchSteps: number;
  moves: number;
  episodes: number;
}

interface NativeSearcher {
  setRoot(moves: number[]): void;
  advance(action: number): void;
  begin(simulations?: number): void;
  step(logits: Float32Array | null, values: Float32Array | null, observationsOut: Float32Array): number;
  result(temperature?: number): { action: number };
  stats(): SearchCounters;
  readonly isTerminal: boolean;
  readonly maxBatch: number;
}

interface SearchAddon {
  Searcher: new (options: Record<string, unknown>) => NativeSearcher;
}

/** Why the search classes cannot be used here, or undefined. */
export function searchAddonUnavailable(): string | undefined {
  try {
    const addon = loadAddon();
    if (typeof addon.SelfPlayArena !== 'function' || typeof addon.Searcher !== 'function') {
      return 'the addon does not export SelfPlayArena and Searcher yet (native/binding/arena.cpp, searcher.cpp)';
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function searchAddon(): SearchAddon {
  return loadAddon() as unknown as SearchAddon;
}

export interface Measured {
  seconds: number;
  counters: SearchCounters;
  /** Seconds spent awaiting ORT (summed over arenas; overlaps with tree work when arenas > 1). */
  inferenceSeconds: number;
}

export interface ArenaRunOptions {
  envId: string;
  simulations: number;
  numGames: number;
  /** Arenas sharing the model: while one waits for ORT the other searches. */
  arenas: number;
  cacheSize: number;
  temperatureMoves: number;
  seed: number;
  warmupSeconds: number;
  seconds: number;
}

const ZERO: SearchCounters = {
  simulations: 0,
  networkEvaluations: 0,
  cacheHits: 0,
  cacheLookups: 0,
  batchSteps: 0,
  moves: 0,
  episodes: 0,
};

function add(a: SearchCounters, b: SearchCounters, sign = 1): SearchCounters {
  const out = { ...ZERO };
  for (const k of Object.keys(ZERO) as (keyof SearchCounters)[]) out[k] = a[k] + sign * b[k];
  return out;
}

export function sumCounters(list: readonly SearchCounters[]): SearchCounters {
  return list.reduce((acc, c) => add(acc, c), { ...ZERO });
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * `arenas` arenas of `numGames` games sharing one model, kept alive between measurements so
 * later windows see games at every stage (not all at move 1).
 */
export class ArenaSession {
  private readonly arenas: SelfPlayArena[];
  private readonly pipeline: ArenaPipeline;
  /**
   * Plies of the games of the first wave (the numGames × arenas games started together), kept
   * whole: the first games to finish are the short ones, so a partial wave underestimates.
   */
  readonly firstWaveLengths: number[] = [];

  constructor(
    private readonly model: PolicyValueModel,
    private readonly o: Omit<ArenaRunOptions, 'warmupSeconds' | 'seconds'>,
  ) {
    this.arenas = Array.from(
      { length: o.arenas },
      (_, i) =>
        new SelfPlayArena({
          envId: o.envId,
          numGames: o.numGames,
          simulations: o.simulations,
          cacheSize: o.cacheSize,
          temperatureMoves: o.temperatureMoves,
          seed: o.seed * 1000 + i + 1,
        }),
    );
    this.pipeline = new ArenaPipeline(this.arenas);
  }

  /** Only while the pipeline is settled: an arena is busy while its tree work is in flight. */
  private counters(): SearchCounters {
    return sumCounters(this.arenas.map((a) => a.stats()));
  }

  private collect(arena: SelfPlayArena): void {
    const { stepCounts, episodeIndices } = arena.takeEpisodes();
    for (let i = 0; i < stepCounts.length; i++) {
      if (episodeIndices[i]! < this.o.numGames) this.firstWaveLengths.push(stepCounts[i]!);
    }
  }

  /** Plays until `until()` is true (checked after every round); returns the counters' delta. */
  private async play(until: () => boolean): Promise<{ counters: SearchCounters; inferenceSeconds: number }> {
    await this.pipeline.settle();
    const before = this.counters();
    let inferenceSeconds = 0;
    let rounds = 0;
    const evaluate = async (observations: Float32Array, n: number) => {
      const t0 = now();
      const out = await this.model.evaluate(observations, n);
      inferenceSeconds += now() - t0;
      return { logits: out.policyLogits, values: out.values };
    };
    const collectEvery16 = (i: number) => {
      if (rounds % 16 === 0) this.collect(this.arenas[i]!);
    };
    while (!until()) {
      await this.pipeline.round(evaluate, collectEvery16);
      rounds++;
    }
    await this.pipeline.settle();
    for (const a of this.arenas) this.collect(a);
    return { counters: add(this.counters(), before, -1), inferenceSeconds };
  }

  /** Plays `warmupSeconds` unmeasured, then measures `seconds`. */
  async measure(warmupSeconds: number, seconds: number): Promise<Measured> {
    if (warmupSeconds > 0) {
      const end = now() + warmupSeconds;
      await this.play(() => now() >= end);
    }
    const start = now();
    const end = start + seconds;
    const { counters, inferenceSeconds } = await this.play(() => now() >= end);
    return { seconds: now() - start, counters, inferenceSeconds };
  }

  /** Plays on (unmeasured) until every game of the first wave has finished, or `capSeconds` pass. */
  async finishFirstWave(capSeconds: number): Promise<boolean> {
    const end = now() + capSeconds;
    const wave = this.o.numGames * this.o.arenas;
    await this.play(() => this.firstWaveLengths.length >= wave || now() >= end);
    return this.firstWaveLengths.length >= wave;
  }
}

/** A fresh session: warm-up, then one measured window (what each sweep worker runs). */
export async function runArenas(model: PolicyValueModel, o: ArenaRunOptions): Promise<Measured> {
  return new ArenaSession(model, o).measure(o.warmupSeconds, o.seconds);
}

export interface SearcherRunOptions {
  envId: string;
  simulations: number;
  maxBatch: number;
  cacheSize: number;
  /** Keep the chosen child's subtree between moves (advance) instead of a fresh tree (setRoot). */
  treeReuse: boolean;
  temperatureMoves: number;
  seed: number;
  seconds: number;
}

/** One game at a time with the single-game Searcher: the naive way, as in the seed. */
export async function runSearcher(model: PolicyValueModel, o: SearcherRunOptions): Promise<Measured> {
  const { Searcher } = searchAddon();
  const searcher = new Searcher({
    envId: o.envId,
    simulations: o.simulations,
    maxBatch: o.maxBatch,
    cacheSize: o.cacheSize,
    seed: o.seed,
  });
  const obs = new Float32Array(searcher.maxBatch * model.obsSize);
  let inferenceSeconds = 0;
  let moves: number[] = [];
  const start = now();
  const before = searcher.stats();
  let episodes = 0;
  searcher.setRoot([]);
  while (now() - start < o.seconds) {
    searcher.begin(o.simulations);
    let n = searcher.step(null, null, obs);
    while (n > 0) {
      const t0 = now();
      const out = await model.evaluate(obs, n);
      inferenceSeconds += now() - t0;
      n = searcher.step(out.policyLogits, out.values, obs);
    }
    const { action } = searcher.result(moves.length < o.temperatureMoves ? 1 : 0);
    moves.push(action);
    if (o.treeReuse) searcher.advance(action);
    else searcher.setRoot(moves);
    if (searcher.isTerminal) {
      episodes++;
      moves = [];
      searcher.setRoot(moves);
    }
  }
  const seconds = now() - start;
  const counters = add(searcher.stats(), before, -1);
  counters.episodes = episodes;
  return { seconds, counters, inferenceSeconds };
}
