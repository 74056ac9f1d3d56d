// The bot's move search: Cartridge's single-game MCTS (src/search) over the model in use.
// A fresh searcher per request keeps sessions independent and requests reentrant; the
// search is cheap to set up next to the simulations it runs.
import { modelEvaluator, Searcher } from '../search/index.js';
import type { BotSearch, SearchRequest, SearchResult } from './engine.js';

export interface MctsBotOptions {
  cPuct: number;
  fpuReduction: number;
  /** Leaves evaluated per network call. */
  leafBatch: number;
  seed?: number;
}

export class MctsBotSearch implements BotSearch {
  constructor(private readonly options: MctsBotOptions) {}

  async search({ meta, moves, model, simulations }: SearchRequest): Promise<SearchResult> {
    const searcher = new Searcher({
      envId: meta.envId,
      simulations,
      cPuct: this.options.cPuct,
      fpuReduction: this.options.fpuReduction,
      maxBatch: this.options.leafBatch,
      cacheSize: 0,
      ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
    });
    const result = await searcher.search({ moves }, modelEvaluator(model));
    return { action: result.action, visits: Array.from(result.visits), value: result.value };
  }
}
