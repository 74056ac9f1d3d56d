// Turns an arena's flat batch of finished games into replay episodes: views into the same
// buffers (no copies), each with a deterministic id so a retried write is a no-op.
import type { Episode } from '../replay/index.js';
import type { EpisodeBatch } from '../search/index.js';

export interface EpisodeLabels {
  envId: string;
  /** Unique per actor process run; with worker, arena and the game's index it names the episode. */
  runId: string;
  workerIndex: number;
  arenaIndex: number;
  modelVersion: string;
  iteration: number | null;
  obsSize: number;
  numActions: number;
}

export function splitEpisodes(batch: EpisodeBatch, labels: EpisodeLabels): Episode[] {
  const episodes: Episode[] = [];
  let row = 0;
  for (let k = 0; k < batch.count; ++k) {
    const steps = batch.stepCounts[k]!;
    const end = row + steps;
    episodes.push({
      envId: labels.envId,
      episodeId: `${labels.runId}-w${labels.workerIndex}a${labels.arenaIndex}-${batch.episodeIndices[k]}`,
      modelVersion: labels.modelVersion,
      iteration: labels.iteration,
      observations: batch.observations.subarray(row * labels.obsSize, end * labels.obsSize),
      actions: batch.actions.subarray(row, end),
      policies: batch.policies.subarray(row * labels.numActions, end * labels.numActions),
      rootValues: batch.rootValues.subarray(row, end),
      outcomes: batch.outcomes.subarray(row, end),
      toMove: batch.toMove.subarray(row, end),
    });
    row = end;
  }
  return episodes;
}
