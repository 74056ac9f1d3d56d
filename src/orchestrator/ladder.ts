// The Elo ladder of a run: every promoted model is kept as models/ladder/<iteration>.onnx
// (the trainer's model_<iter>_<step>.onnx history is bounded, the ladder's is not), plays
// its K predecessors, and ratings are fitted over all pairwise results with the first
// model anchored at 0. Stored in <data_dir>/ladder.json (atomic writes) for the dashboard
// and `cartridge eval --ladder`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-file.js';

const ladderModel = z.object({
  iteration: z.number().int(),
  model_version: z.string(),
  /** Relative to the data dir (models/ladder/<iteration>.onnx). */
  file: z.string(),
  added_at: z.string(),
});

/** W/D/L of `a` (the newer model) against `b`. */
const ladderResult = z.object({
  a: z.number().int(),
  b: z.number().int(),
  wins: z.number().int().nonnegative(),
  draws: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
});

const ladderRating = z.object({
  iteration: z.number().int(),
  /** Elo relative to the first model; null when not connected to it by any game. */
  elo: z.number().nullable(),
  games: z.number().int().nonnegative(),
});

export const ladderSchema = z.object({
  version: z.literal(1),
  models: z.array(ladderModel),
  results: z.array(ladderResult),
  ratings: z.array(ladderRating),
  updated_at: z.string(),
});

export type Ladder = z.infer<typeof ladderSchema>;
export type LadderModel = z.infer<typeof ladderModel>;
export type LadderResult = z.infer<typeof ladderResult>;
export type LadderRating = z.infer<typeof ladderRating>;

export function ladderPath(dataDir: string): string {
  return join(dataDir, 'ladder.json');
}

export function ladderModelFile(iteration: number): string {
  return join('models', 'ladder', `${iteration}.onnx`);
}

export function emptyLadder(): Ladder {
  return { version: 1, models: [], results: [], ratings: [], updated_at: new Date().toISOString() };
}

/** The ladder file; an empty ladder when there is none. A corrupt file is an error, never silently reset. */
export function readLadder(path: string): Ladder {
  if (!existsSync(path)) return emptyLadder();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); move it away`);
  }
  const parsed = ladderSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${path} does not hold a valid ladder: ${parsed.error.issues[0]?.message}; move it away`);
  }
  return parsed.data;
}

export function writeLadder(path: string, ladder: Ladder): void {
  ladder.updated_at = new Date().toISOString();
  writeFileAtomic(path, `${JSON.stringify(ladder, null, 2)}\n`);
}

/**
 * Adds (or, when a resumed iteration is evaluated again, replaces) a model and drops
 * results it had already played, so reruns neither duplicate nor double-count games.
 */
export function addLadderModel(ladder: Ladder, model: LadderModel): void {
  ladder.models = ladder.models.filter((m) => m.iteration !== model.iteration);
  ladder.results = ladder.results.filter((r) => r.a !== model.iteration && r.b !== model.iteration);
  ladder.models.push(model);
  ladder.models.sort((x, y) => x.iteration - y.iteration);
}

/** The up-to-K models promoted before `iteration`, newest first. */
export function ladderOpponents(ladder: Ladder, iteration: number, k: number): LadderModel[] {
  if (k <= 0) return []; // slice(-0) would take them all
  return ladder.models
    .filter((m) => m.iteration < iteration)
    .slice(-k)
    .reverse();
}

export interface FitOptions {
  /**
   * Virtual draws added to every pair that played (half a win each way). Keeps ratings finite
   * when one model won every game, and pulls small samples towards equality; 0 = pure maximum likelihood.
   */
  priorDraws?: number;
  maxIterations?: number;
  tolerance?: number;
}

/**
 * Bradley-Terry ratings on the Elo scale (P(a beats b) = 1 / (1 + 10^((Rb - Ra) / 400)), a draw
 * counting half a win each way), fitted by Hunter's MM iteration over all pairwise results.
 * The first model (lowest iteration) is anchored at 0; models not connected to it by any
 * sequence of games get null (their scale is undetermined).
 */
export function fitLadder(
  iterations: readonly number[],
  results: readonly LadderResult[],
  options: FitOptions = {},
): LadderRating[] {
  const ids = [...new Set(iterations)].sort((x, y) => x - y);
  if (ids.length === 0) return [];
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const prior = options.priorDraws ?? 1;
  // games[i][j]: games between i and j; score[i]: points of i (wins + draws / 2) including the prior.
  const games = Array.from({ length: n }, () => new Float64Array(n));
  const score = new Float64Array(n);
  const played = new Array<number>(n).fill(0);
  for (const r of results) {
    const i = index.get(r.a);
    const j = index.get(r.b);
    if (i === undefined || j === undefined || i === j) continue;
    const total = r.wins + r.draws + r.losses;
    if (total === 0) continue;
    games[i]![j]! += total;
    games[j]![i]! += total;
    score[i]! += r.wins + r.draws / 2;
    score[j]! += r.losses + r.draws / 2;
    played[i]! += total;
    played[j]! += total;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (games[i]![j]! > 0 && prior > 0) {
        games[i]![j]! += prior;
        games[j]![i]! += prior;
        score[i]! += prior / 2;
        score[j]! += prior / 2;
      }
    }
  }

  // The anchor's component: only these ratings are determined.
  const connected = new Array<boolean>(n).fill(false);
  connected[0] = true;
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.pop()!;
    for (let j = 0; j < n; j++) {
      if (!connected[j] && games[i]![j]! > 0) {
        connected[j] = true;
        queue.push(j);
      }
    }
  }

  // A model that scored nothing (or everything) has no finite maximum-likelihood rating:
  // clamp gamma so the iteration stays finite; with priorDraws > 0 this never binds.
  const minGamma = 1e-12;
  const maxGamma = 1e12;
  let gamma = new Float64Array(n).fill(1);
  const maxIterations = options.maxIterations ?? 10_000;
  const tolerance = options.tolerance ?? 1e-10;
  for (let iter = 0; iter < maxIterations; iter++) {
    const next = new Float64Array(n).fill(1);
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (!connected[i]) continue;
      let denominator = 0;
      for (let j = 0; j < n; j++) {
        const nij = games[i]![j]!;
        if (nij > 0) denominator += nij / (gamma[i]! + gamma[j]!);
      }
      const value = denominator > 0 ? score[i]! / denominator : 1;
      next[i] = Math.min(maxGamma, Math.max(minGamma, value));
    }
    // Renormalise to the anchor each round so values stay in range.
    const anchor = next[0]!;
    for (let i = 0; i < n; i++) {
      if (!connected[i]) continue;
      next[i] = next[i]! / anchor;
      change = Math.max(change, Math.abs(Math.log(next[i]!) - Math.log(gamma[i]!)));
    }
    gamma = next;
    if (change < tolerance) break;
  }
  return ids.map((id, i) => ({
    iteration: id,
    elo: connected[i] ? roundElo(400 * Math.log10(gamma[i]!)) : null,
    games: played[i]!,
  }));
}

function roundElo(elo: number): number {
  const rounded = Math.round(elo * 10) / 10;
  return rounded === 0 ? 0 : rounded; // no -0 in the table
}

/** Recomputes the stored ratings from the ladder's models and results. */
export function refitLadder(ladder: Ladder, options?: FitOptions): void {
  ladder.ratings = fitLadder(
    ladder.models.map((m) => m.iteration),
    ladder.results,
    options,
  );
}

/** A plain-text table of the ladder (iteration, Elo, games, model version). */
export function formatLadder(ladder: Ladder): string {
  if (ladder.models.length === 0) return 'The ladder is empty: no model has been promoted yet.\n';
  const rating = new Map(ladder.ratings.map((r) => [r.iteration, r]));
  const lines = [`${'iteration'.padStart(9)}  ${'elo'.padStart(8)}  ${'games'.padStart(6)}  model`];
  for (const m of ladder.models) {
    const r = rating.get(m.iteration);
    const elo = r?.elo === null || r?.elo === undefined ? '-' : r.elo.toFixed(1);
    lines.push(
      `${String(m.iteration).padStart(9)}  ${elo.padStart(8)}  ${String(r?.games ?? 0).padStart(6)}  ${m.model_version}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
