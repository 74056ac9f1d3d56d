// The terminal opponent: the single-game C++ Searcher (src/search) over a policy/value
// network, most-visited move, a fresh tree from the game's move list each turn.
import { modelEvaluator, type PolicyValueNetwork, Searcher } from '../search/index.js';

export interface BotMove {
  action: number;
  /** Search value of the root in [-1, 1], from the bot's side (it is the side to move). */
  value: number;
  /** Share of the root visits per action. */
  policy: Float32Array;
}

/** Answers a position, given as the actions played from the start. */
export interface Bot {
  move(moves: readonly number[]): Promise<BotMove>;
}

export interface SearchBotOptions {
  envId: string;
  simulations: number;
  cPuct?: number;
  fpuReduction?: number;
  /** Leaves per network call (virtual loss). */
  leafBatch?: number;
  cacheSize?: number;
  seed?: number;
}

export class SearchBot implements Bot {
  readonly #searcher: Searcher;
  readonly #evaluate: ReturnType<typeof modelEvaluator>;

  constructor(model: PolicyValueNetwork, options: SearchBotOptions) {
    if (!Number.isInteger(options.simulations) || options.simulations < 1) {
      throw new RangeError(`simulations must be a positive integer, got ${options.simulations}`);
    }
    this.#searcher = new Searcher({
      envId: options.envId,
      simulations: options.simulations,
      ...(options.cPuct === undefined ? {} : { cPuct: options.cPuct }),
      ...(options.fpuReduction === undefined ? {} : { fpuReduction: options.fpuReduction }),
      ...(options.leafBatch === undefined ? {} : { maxBatch: options.leafBatch }),
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.#evaluate = modelEvaluator(model);
  }

  async move(moves: readonly number[]): Promise<BotMove> {
    const result = await this.#searcher.search({ moves }, this.#evaluate);
    if (result.action < 0) throw new Error('the bot was asked to move in a finished game');
    return { action: result.action, value: result.value, policy: result.policy };
  }
}
