// The addon's search slice (native/binding/arena.cpp, native/binding/searcher.cpp).
import { loadAddon } from '../native/index.js';
import type { ArenaOptions, EpisodeBatch, SearcherOptions, SearchResult, SearchStats } from './types.js';

export interface NativeArena {
  step(logits: Float32Array | null, values: Float32Array | null, observationsOut: Float32Array): number;
  stepAsync(
    logits: Float32Array | null,
    values: Float32Array | null,
    observationsOut: Float32Array,
  ): Promise<number>;
  takeEpisodes(): EpisodeBatch;
  stats(): SearchStats;
  requestStop(discardUnfinished?: boolean): void;
  readonly activeGames: number;
  readonly pending: number;
  readonly obsSize: number;
  readonly numActions: number;
  readonly maxBatch: number;
}

export interface NativeSearcher {
  setRoot(moves: Int32Array | number[]): void;
  setRootState(state: Uint8Array): void;
  advance(action: number): void;
  begin(simulations?: number): void;
  step(logits: Float32Array | null, values: Float32Array | null, observationsOut: Float32Array): number;
  result(temperature?: number): SearchResult;
  stats(): SearchStats;
  readonly obsSize: number;
  readonly numActions: number;
  readonly maxBatch: number;
  readonly toMove: number;
  readonly isTerminal: boolean;
}

interface SearchAddon {
  SelfPlayArena: new (options: ArenaOptions) => NativeArena;
  Searcher: new (options: SearcherOptions) => NativeSearcher;
}

export function searchAddon(): SearchAddon {
  return loadAddon() as unknown as SearchAddon;
}
