// runLoop with in-memory stand-ins for actors, trainer, replay buffer and evaluator: training
// copies a prepared real ONNX model to latest.onnx, evaluation returns fixed W/D/L. Shared by
// the loop's gating/resume tests and its ladder tests.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CartridgeConfig, dataPaths, loadConfig } from '../../src/config/index.js';
import { modelVersionOf } from '../../src/inference/index.js';
import type {
  ExecutionBackend,
  SelfPlayRequest,
  TrainRequest,
  TrainResult,
} from '../../src/orchestrator/backend.js';
import {
  type EvaluationOutcome,
  type EvaluationRequest,
  type LadderMatchRequest,
  type LoopView,
  runLoop,
} from '../../src/orchestrator/loop.js';
import type { MatchResult } from '../../src/orchestrator/state.js';
import { writeTestModel } from './models.js';

export const TICTACTOE_SHAPE = { obsSize: 29, numActions: 9 };
/** Episodes per iteration of the harness's config. */
export const E = 5;

export const wdl = (wins: number, draws: number, losses: number): MatchResult => ({ wins, draws, losses });

const modelsDir = mkdtempSync(join(tmpdir(), 'cartridge-loop-models-'));
/** One distinct TicTacToe model per training job (iteration i trains trainedModels[i - 1]). */
export const trainedModels = Array.from({ length: 5 }, (_, i) =>
  writeTestModel(join(modelsDir, `iter${i + 1}.onnx`), TICTACTOE_SHAPE, { seed: i + 1 }),
);

function tinyConfig(dataDir: string, edit: (config: CartridgeConfig) => void): CartridgeConfig {
  const { config } = loadConfig({ env: {}, cwd: dataDir });
  config.common.env_id = 'tictactoe';
  config.common.data_dir = dataDir;
  config.training.episodes_per_iteration = E;
  config.training.steps_per_iteration = 3;
  config.evaluation.games = 20;
  config.evaluation.random_games = 10;
  config.evaluation.gate_threshold = 0.55;
  config.mcts.num_simulations = 10;
  config.mcts.simulation_ramp_step = 0;
  config.mcts.max_simulations = 10;
  config.training.generate_with = 'best';
  edit(config);
  return config;
}

export interface LoopHarnessOptions {
  edit?: (config: CartridgeConfig) => void;
  /** Evaluation result of an iteration without an entry in `outcomes`. */
  defaultOutcome?: EvaluationOutcome;
  /** Result of a ladder match (the newer model's view); no ladder matcher when absent. */
  ladderMatch?: (request: LadderMatchRequest) => MatchResult;
  /** Episodes actors that keep running (continuous mode) write while the trainer works. */
  episodesDuringTraining?: number;
  /** The actors' episodes land this long after self-play starts (default at once). */
  selfPlayDelayMs?: number;
}

export class LoopHarness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'cartridge-loop-fake-'));
  readonly config: CartridgeConfig;
  readonly paths;
  episodes = 0;
  readonly selfPlay: SelfPlayRequest[] = [];
  readonly trains: TrainRequest[] = [];
  readonly evaluations: EvaluationRequest[] = [];
  readonly ladderMatches: LadderMatchRequest[] = [];
  readonly phases: string[] = [];
  /** Versions of best.onnx as handed to publishBest (the S3 store's hook), in order. */
  readonly published: string[] = [];
  stops = 0;
  step = 0;
  /** Outcome per iteration; a function may throw (a crash in evaluation). */
  outcomes = new Map<number, EvaluationOutcome | (() => EvaluationOutcome)>();
  /** Episodes the buffer housekeeping removes after each training job. */
  pruneEpisodes = 0;

  constructor(private readonly options: LoopHarnessOptions = {}) {
    this.config = tinyConfig(this.dataDir, options.edit ?? (() => {}));
    this.paths = dataPaths(this.config);
    mkdirSync(this.paths.modelsDir, { recursive: true });
  }

  get latest() {
    return join(this.paths.modelsDir, 'latest.onnx');
  }
  get best() {
    return join(this.paths.modelsDir, 'best.onnx');
  }

  backend(): ExecutionBackend {
    return {
      name: 'fake',
      startSelfPlay: async (request) => {
        this.selfPlay.push(request);
        // The actors write the wanted episodes at once (7 positions each); open-ended actors
        // (continuous mode asks for 0 = run on) write one iteration's worth.
        const write = () => {
          this.episodes += request.episodes || E;
        };
        if (this.options.selfPlayDelayMs) setTimeout(write, this.options.selfPlayDelayMs);
        else write();
      },
      stopSelfPlay: async () => {
        this.stops += 1;
      },
      train: async (request): Promise<TrainResult> => {
        this.trains.push(request);
        this.episodes += this.options.episodesDuringTraining ?? 0;
        this.step += request.steps;
        const model = trainedModels[request.iteration - 1];
        if (!model) throw new Error(`no prepared model for iteration ${request.iteration}`);
        copyFileSync(model, this.latest);
        return {
          modelPath: this.latest,
          step: this.step,
          loss: 1 / request.iteration,
          policyLoss: 0.5,
          valueLoss: 0.25,
        };
      },
      close: async () => {},
    };
  }

  view(): LoopView {
    return {
      phase: (state, detail) => this.phases.push(`${state.iteration}:${state.phase}:${detail}`),
      selfPlayProgress: () => {},
      iterationDone: () => {},
    };
  }

  run(iterations: number, extra: { stopRequested?: () => boolean; timeLimitMs?: number } = {}) {
    const { ladderMatch } = this.options;
    return runLoop(
      {
        config: this.config,
        paths: this.paths,
        backend: this.backend(),
        countReplay: async () => ({ episodes: this.episodes, positions: this.episodes * 7 }),
        evaluate: async (request) => {
          this.evaluations.push(request);
          const outcome = this.outcomes.get(request.iteration);
          if (outcome === undefined) {
            return this.options.defaultOutcome ?? { vsRandom: wdl(10, 0, 0), vsBest: wdl(10, 0, 10) };
          }
          return typeof outcome === 'function' ? outcome() : outcome;
        },
        ...(ladderMatch
          ? {
              playLadderMatch: async (request: LadderMatchRequest) => {
                this.ladderMatches.push(request);
                return ladderMatch(request);
              },
            }
          : {}),
        modelVersion: (path) => modelVersionOf(path),
        publishBest: async (bestPath) => {
          this.published.push(modelVersionOf(bestPath));
        },
        view: this.view(),
        maintainReplay: async () => {
          // Like replay.prune: drops the oldest, keeping (at least) the newest iteration's episodes.
          this.episodes -= Math.min(this.pruneEpisodes, Math.max(0, this.episodes - E));
        },
        pollMs: 1,
        ...(extra.stopRequested ? { stopRequested: extra.stopRequested } : {}),
      },
      { iterations, timeLimitMs: extra.timeLimitMs ?? 0 },
    );
  }
}
