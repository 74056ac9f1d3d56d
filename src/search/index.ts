// Public surface of the search concern: self-play arena, single-game searcher, evaluators.
export { SelfPlayArena } from './arena.js';
export { modelEvaluator, type PolicyValueNetwork, uniformEvaluator } from './evaluators.js';
export { ArenaPipeline, type PipelineEvaluator } from './pipeline.js';
export { type Position, type SearchCallOptions, Searcher } from './searcher.js';
export type {
  ArenaOptions,
  EpisodeBatch,
  Evaluator,
  EvaluatorOutput,
  SearcherOptions,
  SearchOptions,
  SearchResult,
  SearchStats,
} from './types.js';
