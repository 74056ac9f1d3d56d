// Shapes shared by the search surface (arena and searcher) and their evaluators.

/** Network outputs for a batch of n positions: logits [n × numActions], values [n] (side to move). */
export interface EvaluatorOutput {
  logits: Float32Array;
  values: Float32Array;
}

/**
 * Evaluates the first `n` observations of `observations` (row-major, n × obsSize). May answer
 * synchronously (tests, the uniform evaluator) or with a promise (ONNX Runtime).
 */
export type Evaluator = (observations: Float32Array, n: number) => EvaluatorOutput | Promise<EvaluatorOutput>;

/** Options common to self-play and single-game search (mirrors config section `mcts`). */
export interface SearchOptions {
  /** Game id from the registry, e.g. "tictactoe", "connect4". */
  envId: string;
  /** Simulations per move (root expansion not counted). */
  simulations: number;
  /** PUCT exploration constant. */
  cPuct?: number;
  /** First-play urgency: an unvisited child is valued at the parent's value minus this. */
  fpuReduction?: number;
  /** Evaluation-cache entries (rounded down to a power of two); 0 disables it. */
  cacheSize?: number;
  /** Seed for every random choice; same seed + same evaluator = same games. */
  seed?: number | bigint;
}

export interface ArenaOptions extends SearchOptions {
  /** Concurrent games (G); each contributes at most one leaf per batch. */
  numGames: number;
  /** Cap on leaves per batch (default numGames). */
  maxBatch?: number;
  dirichletAlpha?: number;
  dirichletEpsilon?: number;
  /** Plies at the start of a game whose move is sampled ∝ visits^(1/temperature). */
  temperatureMoves?: number;
  temperature?: number;
}

export interface SearcherOptions extends SearchOptions {
  /** Leaves per batch gathered from the one tree with virtual loss (default 8). */
  maxBatch?: number;
}

/** Counters of an arena or a searcher since it was created. */
export interface SearchStats {
  simulations: number;
  networkEvaluations: number;
  cacheHits: number;
  cacheLookups: number;
  cacheHitRate: number;
  terminalHits: number;
  batchSteps: number;
  averageBatchFill: number;
  moves: number;
  episodes: number;
  treeNodes: number;
  treeTimeMs: number;
}

/**
 * Finished self-play games, flat. Episode k has stepCounts[k] rows, after the rows of the
 * episodes before it; per-row arrays are row-major with obsSize / numActions columns.
 */
export interface EpisodeBatch {
  count: number;
  stepCounts: Int32Array;
  /** 0, 1, 2, ... in the order the arena started the games. */
  episodeIndices: Float64Array;
  /** 0 = player 1 won, 1 = player 2 won, -1 = draw. */
  winners: Int8Array;
  observations: Float32Array;
  legalMasks: Uint8Array;
  actions: Int32Array;
  /** Visit distribution at the root (the policy target). */
  policies: Float32Array;
  /** Search value of the root, from the side to move. */
  rootValues: Float32Array;
  /** Side to move at each step (0 = player 1). */
  toMove: Int8Array;
  /** Final result from each step's side to move: +1 win, -1 loss, 0 draw. */
  outcomes: Float32Array;
}

export interface SearchResult {
  /** Root visits per action (0 for illegal actions). */
  visits: Int32Array;
  /** visits / their sum. */
  policy: Float32Array;
  /** Search value of the root, from the side to move. */
  value: number;
  /** The chosen move (-1 when the root is terminal). */
  action: number;
}
