// Training statistics for the dashboard, read from what the loop already writes:
// <data_dir>/stats.json (trainer: loss history) and <data_dir>/loop_state.json
// (orchestrator: per-iteration evaluation, throughput, promotions), <data_dir>/ladder.json
// (orchestrator: Elo ladder of the promoted models). Missing or
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
  mistake_rate?: number | null;
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

/** One promoted model on the Elo ladder (elo relative to the first; null before it has played). */
export interface LadderEntry {
  iteration: number;
  modelVersion: string | null;
  elo: number | null;
  games: number;
}

export interface LadderMatch {
  /** Iteration of the newer model; W/D/L are from its side. */
  a: number;
  b: number;
  wins: number;
  draws: number;
  losses: number;
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
  /** Elo ladder across the run's promoted models, oldest first. */
  ladder: { entries: LadderEntry[]; matches: LadderMatch[]; updatedAt: string | null };
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
  const [trainer, loop, ladder] = await Promise.all([
    readJson(join(dataDir, 'stats.json')),
    readJson(join(dataDir, 'loop_state.json')),
    readJson(join(dataDir, 'ladder.json')),
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
    ladder: readLadder(ladder),
    trainer: {
      step: num(trainer?.step),
      learningRate: num(trainer?.learning_rate),
      stepsPerSecond: num(trainer?.steps_per_second),
      device: str(trainer?.device),
      updatedAt: str(trainer?.updated_at),
    },
  };
}

function readLadder(file: Record<string, unknown> | null): TrainingStats['ladder'] {
  const ratings = new Map<number, Record<string, unknown>>();
  for (const r of Array.isArray(file?.ratings) ? file.ratings : []) {
    if (isRecord(r) && num(r.iteration) !== null) ratings.set(r.iteration as number, r);
  }
  const entries = (Array.isArray(file?.models) ? file.models : [])
    .filter((m): m is Record<string, unknown> => isRecord(m) && num(m.iteration) !== null)
    .map((m) => {
      const iteration = m.iteration as number;
      const rating = ratings.get(iteration);
      return {
        iteration,
        modelVersion: str(m.model_version),
        elo: num(rating?.elo),
        games: num(rating?.games) ?? 0,
      };
    })
    .sort((a, b) => a.iteration - b.iteration);
  const matches = (Array.isArray(file?.results) ? file.results : [])
    .filter(
      (r): r is Record<string, unknown> =>
        isRecord(r) && [r.a, r.b, r.wins, r.draws, r.losses].every((v) => num(v) !== null),
    )
    .map((r) => ({
      a: r.a as number,
      b: r.b as number,
      wins: r.wins as number,
      draws: r.draws as number,
      losses: r.losses as number,
    }));
  return { entries, matches, updatedAt: str(file?.updated_at) };
}
