// Which network the bot plays with. The game being trained follows <models>/best.onnx
// (hot-reloaded when the loop promotes a model); every other game, and the trained game
// before its first model exists, plays with the uniform model, and the UI says so.
import { ModelWatcher, type PolicyValueModel, UniformModel } from '../inference/index.js';
import { logger } from '../logging/index.js';
import type { GameMeta } from './engine.js';

export interface ModelInUse {
  version: string;
  uniform: boolean;
}

export interface BotModels {
  modelFor(meta: GameMeta): PolicyValueModel;
  close(): Promise<void>;
}

export interface BestModelOptions {
  /** The game the best model plays; others get the uniform model. */
  envId: string;
  /** Path of best.onnx. */
  path: string;
  meta: GameMeta;
  pollMs?: number;
}

/** A swapped-out model may still be mid-search; it is released once that search surely ended. */
const RELEASE_DELAY_MS = 60_000;

export class WatchedBotModels implements BotModels {
  private readonly log = logger('web-models');
  private readonly uniform = new Map<string, UniformModel>();
  private best: PolicyValueModel | undefined;
  private watcher: ModelWatcher | undefined;

  constructor(private readonly options?: BestModelOptions) {}

  async start(): Promise<void> {
    const options = this.options;
    if (!options) return;
    this.watcher = new ModelWatcher({
      path: options.path,
      shape: { obsSize: options.meta.obsSize, numActions: options.meta.numActions },
      pollMs: options.pollMs ?? 5000,
      onModel: (model) => {
        const previous = this.best;
        this.best = model;
        this.log.info({ version: model.version, game: options.envId }, 'bot now plays the new best model');
        if (previous) setTimeout(() => void previous.release(), RELEASE_DELAY_MS).unref();
      },
    });
    await this.watcher.start();
  }

  modelFor(meta: GameMeta): PolicyValueModel {
    if (this.best && meta.envId === this.options?.envId) return this.best;
    let model = this.uniform.get(meta.envId);
    if (!model) {
      model = new UniformModel(meta.obsSize, meta.numActions);
      this.uniform.set(meta.envId, model);
    }
    return model;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    await this.best?.release();
    this.best = undefined;
  }
}

export function describeModel(model: PolicyValueModel): ModelInUse {
  return { version: model.version, uniform: model instanceof UniformModel };
}
