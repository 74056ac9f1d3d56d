// The AlphaZero iteration state machine, shared by every execution backend:
//   self-play (until E new complete episodes are in the buffer) → train S steps →
//   evaluate (vs uniform random, vs the current best) → gate/promote → next iteration.
// Every phase transition is persisted first, so a kill at any moment resumes here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CartridgeConfig, DataPaths } from '../config/index.js';
import { copyFileAtomic } from '../util/atomic-file.js';
import type { ExecutionBackend } from './backend.js';
import { matchScore, shouldPromote, simulationsFor } from './gating.js';
import {
  addLadderModel,
  ladderModelFile,
  ladderOpponents,
  ladderPath,
  readLadder,
  refitLadder,
  writeLadder,
} from './ladder.js';
import {
  type IterationRecord,
  initialState,
  type LoopState,
  type MatchResult,
  readState,
  writeState,
} from './state.js';

export interface EvaluationRequest {
  iteration: number;
  candidatePath: string;
  bestPath: string | null;
  games: number;
  randomGames: number;
  simulations: number;
  /** Pons positions file on which to measure the candidate's solver mistake rate (null = skip). */
  positionsPath: string | null;
}

export interface EvaluationOutcome {
  vsRandom: MatchResult | null;
  vsBest: MatchResult | null;
  /** Candidate's mistake rate on request.positionsPath (absent/null when not measured). */
  mistakeRate?: number | null;
}

/** One ladder match: the model promoted at `iteration` (side A) against an earlier promoted one. */
export interface LadderMatchRequest {
  iteration: number;
  opponentIteration: number;
  modelPath: string;
  opponentPath: string;
  games: number;
  simulations: number;
}

/** Where the loop reports progress (the terminal view, tests). */
export interface LoopView {
  phase(state: LoopState, detail: string): void;
  selfPlayProgress(episodes: number, target: number, positionsPerSecond: number): void;
  iterationDone(record: IterationRecord, state: LoopState): void;
}

export interface LoopDependencies {
  config: CartridgeConfig;
  paths: DataPaths;
  backend: ExecutionBackend;
  /** Complete episodes and transitions of the run's env in the replay buffer. */
  countReplay: () => Promise<{ episodes: number; positions: number }>;
  evaluate: (request: EvaluationRequest) => Promise<EvaluationOutcome>;
  /** Plays ladder matches; without it promoted models join the ladder but play no games. */
  playLadderMatch?: (request: LadderMatchRequest) => Promise<MatchResult>;
  /** Version label of a model file (name + content hash). */
  modelVersion: (path: string) => string;
  view: LoopView;
  /** Publishes a newly promoted best.onnx beyond the local models dir (the S3 model store). */
  publishBest?: (bestPath: string) => Promise<void>;
  /** Housekeeping after each training job (e.g. pruning the buffer to replay.max_transitions). */
  maintainReplay?: () => Promise<void>;
  /** Checked between phases; when true the loop stops cleanly after the current iteration's evaluation. */
  stopRequested?: () => boolean;
  pollMs?: number;
}

export interface LoopLimits {
  /** Total iterations of the run (counting those completed before a resume). */
  iterations: number;
  /** Wall-clock budget of this invocation in ms (0 = none). */
  timeLimitMs: number;
}

export function loopStatePath(paths: DataPaths): string {
  return join(paths.dataDir, 'loop_state.json');
}

/**
 * Mistake-rate gating: promote when the candidate errs no more often than the best did when it
 * was measured. A best without a recorded rate (promoted before positions were configured)
 * falls back to the match rule, so switching gates mid-run never promotes blindly.
 */
export function shouldPromoteOnMistakes(
  candidateRate: number,
  bestRate: number | null,
  vsBest: MatchResult | null,
  threshold: number,
): boolean {
  if (bestRate === null) return shouldPromote(vsBest, threshold);
  return candidateRate <= bestRate;
}

/** The recorded mistake rate of the current best: that of the last promoted iteration, if measured. */
export function bestMistakeRate(state: LoopState): number | null {
  for (let i = state.history.length - 1; i >= 0; i--) {
    const record = state.history[i]!;
    if (record.promoted) return record.mistake_rate ?? null;
  }
  return null;
}

export async function runLoop(deps: LoopDependencies, limits: LoopLimits): Promise<LoopState> {
  const { config, paths, backend, view } = deps;
  const statePath = loopStatePath(paths);
  const envId = config.common.env_id;
  const positionsPath = config.evaluation.positions === '' ? null : config.evaluation.positions;
  const gateOnMistakes = config.evaluation.gate_on === 'mistake_rate';
  if (gateOnMistakes && positionsPath === null) {
    throw new Error('evaluation.gate_on = "mistake_rate" needs evaluation.positions (a Pons positions file)');
  }
  let state = readState(statePath);
  if (state && state.env_id !== envId) {
    throw new Error(
      `${statePath} belongs to a ${state.env_id} run, not ${envId}; use another common.data_dir or move the file away`,
    );
  }
  if (!state) {
    const counts = await deps.countReplay();
    state = initialState(envId, counts.episodes, counts.positions);
    writeState(statePath, state);
  }
  const started = Date.now();
  const outOfTime = () => limits.timeLimitMs > 0 && Date.now() - started >= limits.timeLimitMs;
  const stop = () => deps.stopRequested?.() === true;
  const continuous = config.training.mode === 'continuous';
  const bestPath = join(paths.modelsDir, 'best.onnx');
  const latestPath = join(paths.modelsDir, 'latest.onnx');

  try {
    while (state.history.length < limits.iterations && !stop()) {
      const iteration = state.iteration;
      const sims = simulationsFor(
        iteration,
        config.mcts.num_simulations,
        config.mcts.simulation_ramp_step,
        config.mcts.max_simulations,
      );

      if (state.phase === 'selfplay') {
        const target = state.episodes_at_start + config.training.episodes_per_iteration;
        view.phase(
          state,
          `self-play: ${config.training.episodes_per_iteration} episodes at ${sims} simulations`,
        );
        const modelPath = actorModel(config, bestPath, latestPath);
        const already = (await deps.countReplay()).episodes;
        // Reported before the actors start: what is missing is what scales them (the actor HPA).
        view.selfPlayProgress(already - state.episodes_at_start, config.training.episodes_per_iteration, 0);
        await backend.startSelfPlay({
          iteration,
          simulations: sims,
          modelPath,
          episodes: continuous ? 0 : Math.max(0, target - already),
        });
        const phaseStart = Date.now();
        const baseSeconds = state.selfplay_seconds;
        for (;;) {
          const counts = await deps.countReplay();
          const seconds = baseSeconds + (Date.now() - phaseStart) / 1000;
          view.selfPlayProgress(
            counts.episodes - state.episodes_at_start,
            config.training.episodes_per_iteration,
            seconds > 0 ? (counts.positions - state.positions_at_start) / seconds : 0,
          );
          if (counts.episodes >= target) break;
          const failure = backend.selfPlayFailure?.();
          if (failure) throw new Error(`self-play failed: ${failure.message}`);
          if (stop()) return state;
          await sleep(deps.pollMs ?? 1000);
        }
        if (!continuous) await backend.stopSelfPlay();
        state.selfplay_seconds = baseSeconds + (Date.now() - phaseStart) / 1000;
        state.selfplay_positions = (await deps.countReplay()).positions - state.positions_at_start;
        state.phase = 'train';
        writeState(statePath, state);
      }

      if (state.phase === 'train') {
        view.phase(state, `training: ${config.training.steps_per_iteration} steps`);
        const trainStart = Date.now();
        const result = await backend.train({ iteration, steps: config.training.steps_per_iteration });
        // Persisted with the phase change, so a run resumed at 'evaluate' still records them.
        state.last_train = {
          step: result.step,
          loss: result.loss ?? null,
          policy_loss: result.policyLoss ?? null,
          value_loss: result.valueLoss ?? null,
        };
        if (deps.maintainReplay) {
          // Pruning removes the oldest episodes (earlier iterations'): lower this iteration's
          // starting counts by as much, so its own episodes are neither lost from the record
          // nor does the count go negative.
          const before = await deps.countReplay();
          await deps.maintainReplay();
          const after = await deps.countReplay();
          const droppedEpisodes = Math.max(0, before.episodes - after.episodes);
          const droppedPositions = Math.max(0, before.positions - after.positions);
          state.episodes_at_start = Math.max(0, state.episodes_at_start - droppedEpisodes);
          state.positions_at_start = Math.max(0, state.positions_at_start - droppedPositions);
        }
        state.train_seconds = (Date.now() - trainStart) / 1000;
        state.phase = 'evaluate';
        writeState(statePath, state);
      }

      view.phase(state, 'evaluation');
      if (!existsSync(latestPath)) throw new Error(`training finished but ${latestPath} does not exist`);
      const hasBest = state.best_model !== null && existsSync(bestPath);
      const outcome = await deps.evaluate({
        iteration,
        candidatePath: latestPath,
        bestPath: hasBest ? bestPath : null,
        games: config.evaluation.games,
        randomGames: config.evaluation.random_games,
        simulations: config.evaluation.simulations,
        positionsPath,
      });
      const mistakeRate = outcome.mistakeRate ?? null;
      if (gateOnMistakes && mistakeRate === null) {
        throw new Error('evaluation.gate_on = "mistake_rate" but the evaluation measured no mistake rate');
      }
      const vsBestForGate = hasBest ? outcome.vsBest : null;
      const threshold = config.evaluation.gate_threshold;
      const promoted = !hasBest
        ? true
        : gateOnMistakes
          ? shouldPromoteOnMistakes(mistakeRate!, bestMistakeRate(state), vsBestForGate, threshold)
          : shouldPromote(vsBestForGate, threshold);
      const version = deps.modelVersion(latestPath);
      if (promoted) {
        copyFileAtomic(latestPath, bestPath);
        await deps.publishBest?.(bestPath);
        state.best_model = version;
        await playLadder(deps, iteration, latestPath, version);
      }
      const counts = await deps.countReplay();
      const selfPlayPositions = state.selfplay_positions ?? counts.positions - state.positions_at_start;
      const record: IterationRecord = {
        iteration,
        episodes: counts.episodes - state.episodes_at_start,
        positions: counts.positions - state.positions_at_start,
        positions_per_s: state.selfplay_seconds > 0 ? selfPlayPositions / state.selfplay_seconds : 0,
        selfplay_seconds: state.selfplay_seconds,
        train_seconds: state.train_seconds,
        train_loss: state.last_train?.loss ?? null,
        policy_loss: state.last_train?.policy_loss ?? null,
        value_loss: state.last_train?.value_loss ?? null,
        step: state.last_train?.step ?? 0,
        sims,
        vs_random: outcome.vsRandom,
        vs_best: hasBest && outcome.vsBest ? { ...outcome.vsBest, score: matchScore(outcome.vsBest) } : null,
        mistake_rate: mistakeRate,
        promoted,
        model_version: version,
        finished_at: new Date().toISOString(),
      };
      state.history.push(record);
      state.iteration = iteration + 1;
      state.phase = 'selfplay';
      state.episodes_at_start = counts.episodes;
      state.positions_at_start = counts.positions;
      state.selfplay_seconds = 0;
      state.selfplay_positions = null;
      state.train_seconds = 0;
      state.last_train = null;
      writeState(statePath, state);
      view.iterationDone(record, state);
      if (outOfTime()) break;
    }
  } finally {
    await backend.stopSelfPlay();
  }
  return state;
}

/**
 * Enters the newly promoted model into the ladder (its own copy, so the trainer's bounded model
 * history never removes it) and plays it against its K predecessors, refitting after each match.
 * Idempotent per iteration: an evaluation repeated after a resume replaces its earlier entry.
 */
async function playLadder(
  deps: LoopDependencies,
  iteration: number,
  modelPath: string,
  version: string,
): Promise<void> {
  const { config, paths } = deps;
  const games = config.evaluation.ladder_games;
  const k = config.evaluation.ladder_opponents;
  if (games <= 0 || k <= 0) return;
  const path = ladderPath(paths.dataDir);
  const ladder = readLadder(path);
  const file = ladderModelFile(iteration);
  copyFileAtomic(modelPath, join(paths.dataDir, file));
  const opponents = ladderOpponents(ladder, iteration, k).filter((m) =>
    existsSync(join(paths.dataDir, m.file)),
  );
  addLadderModel(ladder, { iteration, model_version: version, file, added_at: new Date().toISOString() });
  refitLadder(ladder);
  writeLadder(path, ladder);
  if (!deps.playLadderMatch) return;
  for (const opponent of opponents) {
    const request: LadderMatchRequest = {
      iteration,
      opponentIteration: opponent.iteration,
      modelPath: join(paths.dataDir, file),
      opponentPath: join(paths.dataDir, opponent.file),
      games,
      simulations: config.evaluation.simulations,
    };
    const result = await deps.playLadderMatch(request);
    ladder.results.push({ a: iteration, b: opponent.iteration, ...result });
    refitLadder(ladder);
    writeLadder(path, ladder);
  }
}

function actorModel(config: CartridgeConfig, bestPath: string, latestPath: string): string | undefined {
  const preferred = config.training.generate_with === 'latest' ? latestPath : bestPath;
  if (existsSync(preferred)) return preferred;
  return existsSync(bestPath) ? bestPath : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
