// Training statistics for the dashboard, read from what the loop already writes:
// <data_dir>/stats.json (trainer: loss history) and <data_dir>/loop_state.json
// (orchestrator: per-iteration evaluation, throughput, promotions). Missing or
// half-written files mean "no stats yet", never an error.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface EvalRecord {
  wins: number;
  draws: number;
  losses: number;
  score?: number;
}

export interface IterationRecord {
  iteration: number;
  episodes?: number;
  positions?: number;
  positions_per_s?: number;
  train_loss?: number;
  policy_loss?: number;
  value_loss?: number;
  sims?: number;
  vs_random?: EvalRecord;
  vs_best?: EvalRecord;
  promoted?: boolean;
  model_version?: string;
  finished_at?: string;
}

export interface LossPoint {
  step: number;
  iteration?: number;
  loss: number;
  policy_loss?: number;
  value_loss?: number;
  time?: number;
}

export interface TrainingStats {
  envId: string | null;
  iteration: number | null;
  phase: string | null;
  bestModel: string | null;
  /** One record per finished iteration (orchestrator). */
  iterations: IterationRecord[];
  /** Loss over training steps (trainer). */
  losses: LossPoint[];
  trainer: {
    step: number | null;
    learningRate: number | null;
    stepsPerSecond: number | null;
    device: string | null;
    updatedAt: string | null;
  };
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export async function readTrainingStats(dataDir: string): Promise<TrainingStats> {
  const [trainer, loop] = await Promise.all([
    readJson(join(dataDir, 'stats.json')),
    readJson(join(dataDir, 'loop_state.json')),
  ]);
  const iterations = (Array.isArray(loop?.history) ? loop.history : [])
    .filter((r): r is IterationRecord => isRecord(r) && num(r.iteration) !== null)
    .sort((a, b) => a.iteration - b.iteration);
  const losses = (Array.isArray(trainer?.history) ? trainer.history : []).filter(
    (r): r is LossPoint => isRecord(r) && num(r.step) !== null && num(r.loss) !== null,
  );
  return {
    envId: str(loop?.env_id) ?? str(trainer?.env_id),
    iteration: num(loop?.iteration) ?? num(trainer?.iteration),
    phase: str(loop?.phase),
    bestModel: str(loop?.best_model),
    iterations,
    losses,
    trainer: {
      step: num(trainer?.step),
      learningRate: num(trainer?.learning_rate),
      stepsPerSecond: num(trainer?.steps_per_second),
      device: str(trainer?.device),
      updatedAt: str(trainer?.updated_at),
    },
  };
}
