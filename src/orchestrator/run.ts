// One run of the iteration loop with everything around it that does not depend on where the work
// happens: the models folder, the replay buffer's schema and metadata, episode counting, the
// in-process evaluator, buffer pruning, the terminal view. `cartridge train` and `cartridge
// orchestrate` (local or Kubernetes) differ only in the ExecutionBackend they pass in.
import { mkdirSync } from 'node:fs';
import { type CartridgeConfig, type DataPaths, dataPaths } from '../config/index.js';
import { initialState } from '../eval/index.js';
import { gameShape, replayMetadata } from '../games/index.js';
import { type ModelShape, modelVersionOf } from '../inference/index.js';
import { publishBestModel, s3StoreOptions } from '../models/index.js';
import type { ReplayStore } from '../replay/index.js';
import type { ExecutionBackend } from './backend.js';
import { createLadderMatcher, createLoopEvaluator, type LoopEvaluatorOptions } from './evaluation.js';
import { LocalBackend } from './local.js';
import { type LoopView, runLoop } from './loop.js';
import type { LoopState } from './state.js';
import { TerminalView } from './view.js';

/** What a backend factory gets: the run's config, folders, replay buffer and view. */
export interface BackendContext {
  config: CartridgeConfig;
  paths: DataPaths;
  replay: ReplayStore;
  /** SQLite file or postgres:// URL (what the trainer is given). */
  replayLocation: string;
  shape: ModelShape;
  view: TerminalView;
}

export interface OrchestratorRunOptions {
  config: CartridgeConfig;
  /** The opened replay store (the caller closes it); migrated and given the game's metadata here. */
  replay: ReplayStore;
  replayLocation: string;
  /** Builds the execution backend once the folders and buffer are ready; closed when the run ends. */
  createBackend: (context: BackendContext) => ExecutionBackend;
  /** Default: a TerminalView on stderr. */
  view?: TerminalView;
  /** Further receivers of the loop's progress (e.g. OrchestratorMetrics). */
  observers?: readonly LoopView[];
  /** Checked between phases; when true the loop stops cleanly. */
  stopRequested?: () => boolean;
  /** How often self-play progress is polled from the buffer (default 1 s). */
  pollMs?: number;
}

export interface OrchestratorRunResult {
  state: LoopState;
  view: TerminalView;
}

/** The local backend: a worker-thread actor pool in this process and the trainer as a child process. */
export function createLocalBackend(context: BackendContext): LocalBackend {
  return new LocalBackend({
    config: context.config,
    paths: context.paths,
    replayLocation: context.replayLocation,
    replay: context.replay,
    shape: context.shape,
    onTrainerLine: (line) => context.view.trainerLine(line),
  });
}

function allOf(views: readonly LoopView[]): LoopView {
  return {
    phase: (state, detail) => {
      for (const v of views) v.phase(state, detail);
    },
    selfPlayProgress: (episodes, target, positionsPerSecond) => {
      for (const v of views) v.selfPlayProgress(episodes, target, positionsPerSecond);
    },
    iterationDone: (record, state) => {
      for (const v of views) v.iterationDone(record, state);
    },
  };
}

export async function runOrchestrator(options: OrchestratorRunOptions): Promise<OrchestratorRunResult> {
  const { config, replay } = options;
  const envId = config.common.env_id;
  const shape = gameShape(envId);
  const paths = dataPaths(config);
  mkdirSync(paths.modelsDir, { recursive: true });
  await replay.migrate();
  await replay.upsertGameMetadata(replayMetadata(envId));

  const view = options.view ?? new TerminalView(process.stderr, config.training.iterations);
  const backend = options.createBackend({
    config,
    paths,
    replay,
    replayLocation: options.replayLocation,
    shape,
    view,
  });
  const evaluatorOptions: LoopEvaluatorOptions = {
    envId,
    shape,
    newGame: () => initialState(envId as never),
    cPuct: config.mcts.c_puct,
    seed: config.common.seed,
    openingPlies: 2,
    onGame: (label, done, total) => view.evaluationProgress(label, done, total),
  };
  try {
    const state = await runLoop(
      {
        config,
        paths,
        backend,
        // Episodes are counted where the actors write them, whichever machine they run on.
        countReplay: async () => {
          const stats = await replay.stats();
          const env = stats.perEnv.find((e) => e.envId === envId);
          return { episodes: env?.episodes ?? 0, positions: env?.rows ?? 0 };
        },
        evaluate: createLoopEvaluator(evaluatorOptions),
        playLadderMatch: createLadderMatcher(evaluatorOptions),
        modelVersion: (path) => modelVersionOf(path),
        view: options.observers?.length ? allOf([view, ...options.observers]) : view,
        ...(options.stopRequested ? { stopRequested: options.stopRequested } : {}),
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
        ...(config.models.store === 's3'
          ? {
              publishBest: async (bestPath: string) => {
                await publishBestModel(bestPath, s3StoreOptions(config));
              },
            }
          : {}),
        maintainReplay: async () => {
          if (config.replay.max_transitions > 0) await replay.prune(config.replay.max_transitions, envId);
        },
      },
      {
        iterations: config.training.iterations,
        timeLimitMs: config.training.time_limit_minutes * 60_000,
      },
    );
    return { state, view };
  } finally {
    await backend.close();
  }
}
