// Deterministic synthetic episodes (tests, benchmarks): every value derives from (episodeId, step), so a
// reader can recompute what a row must contain.

import type { Episode } from './types.js';

export interface SyntheticEpisodeOptions {
  envId?: string;
  episodeId: string;
  steps: number;
  obsSize?: number;
  numActions?: number;
  modelVersion?: string | null;
  iteration?: number | null;
  withStates?: boolean;
  timestamp?: number;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function syntheticEpisode(options: SyntheticEpisodeOptions): Episode {
  const { episodeId, steps } = options;
  const obsSize = options.obsSize ?? 29;
  const numActions = options.numActions ?? 9;
  const h = hash(episodeId);
  const observations = new Float32Array(steps * obsSize);
  const policies = new Float32Array(steps * numActions);
  const actions = new Int32Array(steps);
  const rootValues = new Float32Array(steps);
  const outcomes = new Float32Array(steps);
  const toMove = new Uint8Array(steps);
  const result = (h % 3) - 1; // from player 0's view
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < obsSize; i++) observations[s * obsSize + i] = ((h + s * 31 + i * 7) % 97) / 97 - 0.5;
    for (let a = 0; a < numActions; a++)
      policies[s * numActions + a] = 1 / numActions + (a === s % numActions ? 0.5 : 0);
    actions[s] = (h + s) % numActions;
    rootValues[s] = Math.fround(((h >>> 3) % 200) / 100 - 1);
    toMove[s] = s % 2;
    outcomes[s] = s % 2 === 0 ? result : -result;
  }
  const episode: Episode = {
    envId: options.envId ?? 'tictactoe',
    episodeId,
    modelVersion: options.modelVersion ?? null,
    iteration: options.iteration ?? null,
    observations,
    actions,
    policies,
    rootValues,
    outcomes,
    toMove,
  };
  if (options.timestamp !== undefined) episode.timestamp = options.timestamp;
  if (options.withStates) {
    episode.stateBytes = Array.from({ length: steps + 1 }, (_, s) =>
      Uint8Array.from({ length: 8 + (s % 3) }, (_, i) => (h + s * 13 + i) & 0xff),
    );
    episode.finalObservation = Float32Array.from({ length: obsSize }, (_, i) => i / obsSize);
  }
  return episode;
}
