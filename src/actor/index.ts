export { Actor, type ActorOptions, type ActorProgress, type ActorSummary } from './actor.js';
export { type EpisodeLabels, splitEpisodes } from './episodes.js';
export { actorModelFile } from './model-file.js';
