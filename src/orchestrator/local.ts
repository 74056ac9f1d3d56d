// Local execution backend: actors as a worker-thread pool in this process, the trainer as
// a child process (the Python package), both on this machine.
import { join } from 'node:path';
import { Actor, type ActorProgress, actorModelFile } from '../actor/index.js';
import { actorSearchOptions } from '../actor/search-settings.js';
import type { CartridgeConfig, DataPaths } from '../config/index.js';
import type { ModelShape } from '../inference/index.js';
import type { ReplayStore } from '../replay/index.js';
import { runTrainer } from '../trainer/index.js';
import type { ExecutionBackend, SelfPlayRequest, TrainRequest, TrainResult } from './backend.js';

export interface LocalBackendOptions {
  config: CartridgeConfig;
  paths: DataPaths;
  replayLocation: string;
  replay: ReplayStore;
  shape: ModelShape;
  /** Receives each line the trainer prints. */
  onTrainerLine?: (line: string) => void;
}

export class LocalBackend implements ExecutionBackend {
  readonly name = 'local';
  private actor: Actor | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: LocalBackendOptions) {}

  async startSelfPlay(request: SelfPlayRequest): Promise<void> {
    if (this.actor) return; // continuous mode: actors keep running and hot-reload the model
    const { config, paths, replay, shape } = this.options;
    const modelFile = actorModelFile(config, paths);
    this.actor = await Actor.start({
      envId: config.common.env_id,
      shape,
      workers: config.actor.workers,
      gamesPerWorker: config.actor.games_per_worker,
      arenasPerWorker: config.actor.arenas_per_worker,
      search: actorSearchOptions(config, shape, request.simulations),
      intraOpThreads: config.actor.intra_op_threads,
      executionProvider: config.actor.execution_provider,
      modelFile,
      modelPollMs: config.actor.model_poll_ms,
      replay,
      writeBatchEpisodes: config.actor.write_batch_episodes,
      episodes: request.episodes,
      iteration: request.iteration,
      seed: (config.common.seed || Date.now() % 1_000_000_007) + request.iteration * 7_777,
    });
    this.failure = undefined;
    this.actor.done.catch((error: Error) => {
      this.failure = error;
    });
  }

  progress(): ActorProgress | undefined {
    return this.actor?.progress();
  }

  selfPlayFailure(): Error | undefined {
    return this.failure;
  }

  async stopSelfPlay(): Promise<void> {
    const actor = this.actor;
    this.actor = undefined;
    // After a failure the actor's own error is the one to report (selfPlayFailure), not this one.
    if (actor)
      await actor.stop(this.options.config.actor.drain_timeout_seconds * 1000).catch((error: Error) => {
        if (!this.failure) throw error;
      });
  }

  async train(request: TrainRequest): Promise<TrainResult> {
    const { config, paths, replayLocation } = this.options;
    const summary = await runTrainer({
      config,
      paths: { ...paths, replayLocation },
      steps: request.steps,
      iteration: request.iteration,
      ...(this.options.onTrainerLine ? { onLine: this.options.onTrainerLine } : {}),
    });
    return {
      modelPath: join(paths.modelsDir, 'latest.onnx'),
      step: summary.step,
      loss: summary.loss,
      policyLoss: summary.policy_loss,
      valueLoss: summary.value_loss,
    };
  }

  async close(): Promise<void> {
    await this.stopSelfPlay();
  }
}
