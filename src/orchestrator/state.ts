// The loop's persisted state: enough to resume after a kill at any moment. Episode
// progress is not stored here — the replay buffer (complete episodes only) is the truth,
// so a resumed self-play phase neither loses nor re-counts episodes.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-file.js';

const matchResult = z.object({ wins: z.number(), draws: z.number(), losses: z.number() });

const iterationRecord = z.object({
  iteration: z.number().int(),
  episodes: z.number().int(),
  positions: z.number().int(),
  positions_per_s: z.number(),
  selfplay_seconds: z.number(),
  train_seconds: z.number(),
  train_loss: z.number().nullable(),
  policy_loss: z.number().nullable(),
  value_loss: z.number().nullable(),
  step: z.number().int(),
  sims: z.number().int(),
  vs_random: matchResult.nullable(),
  vs_best: matchResult.extend({ score: z.number() }).nullable(),
  /** Candidate's solver mistake rate on evaluation.positions; optional: older files lack it. */
  mistake_rate: z.number().nullable().optional(),
  promoted: z.boolean(),
  model_version: z.string(),
  finished_at: z.string(),
});

export const loopStateSchema = z.object({
  version: z.literal(1),
  env_id: z.string(),
  /** Iteration in progress (1-based); iterations before it are complete. */
  iteration: z.number().int().positive(),
  phase: z.enum(['selfplay', 'train', 'evaluate']),
  /** Replay episode count of env_id when this iteration's self-play began. */
  episodes_at_start: z.number().int().nonnegative(),
  /** Positions (transitions) count at the same moment, for throughput figures. */
  positions_at_start: z.number().int().nonnegative(),
  /** Seconds spent in this iteration's self-play so far (survives restarts). */
  selfplay_seconds: z.number().nonnegative(),
  /**
   * Positions in the buffer beyond positions_at_start when self-play ended (null before). In
   * continuous mode actors keep writing during training, so the self-play rate must not count
   * those. Optional: older files lack it.
   */
  selfplay_positions: z.number().int().nonnegative().nullable().optional(),
  train_seconds: z.number().nonnegative(),
  /** What this iteration's training job reported (null before it ran); optional: older files lack it. */
  last_train: z
    .object({
      step: z.number().int(),
      loss: z.number().nullable(),
      policy_loss: z.number().nullable(),
      value_loss: z.number().nullable(),
    })
    .nullable()
    .optional(),
  best_model: z.string().nullable(),
  history: z.array(iterationRecord),
  started_at: z.string(),
  updated_at: z.string(),
});

export type LoopState = z.infer<typeof loopStateSchema>;
export type IterationRecord = z.infer<typeof iterationRecord>;
export type MatchResult = z.infer<typeof matchResult>;

export function initialState(envId: string, episodes: number, positions: number): LoopState {
  const now = new Date().toISOString();
  return {
    version: 1,
    env_id: envId,
    iteration: 1,
    phase: 'selfplay',
    episodes_at_start: episodes,
    positions_at_start: positions,
    selfplay_seconds: 0,
    selfplay_positions: null,
    train_seconds: 0,
    last_train: null,
    best_model: null,
    history: [],
    started_at: now,
    updated_at: now,
  };
}

/** Reads the state file; undefined when there is none. A corrupt file is an error, never silently reset. */
export function readState(path: string): LoopState | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON (${(error as Error).message}); move it away to start a new run`,
    );
  }
  const parsed = loopStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${path} does not hold a valid loop state: ${parsed.error.issues[0]?.message}; move it away to start a new run`,
    );
  }
  return parsed.data;
}

export function writeState(path: string, state: LoopState): void {
  state.updated_at = new Date().toISOString();
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}
