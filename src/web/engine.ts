// The two things the web layer needs from the rest of Cartridge, as small interfaces:
// the game rules (src/games) and a bot move search (src/search on a PolicyValueModel).
// Keeping them as ports lets the server, sessions and page be tested on their own.
import type { PolicyValueModel } from '../inference/index.js';
import type { GameMetadata } from '../replay/index.js';

/** Static description of a game (the `game_metadata` contract, one type with the replay store's). */
export type GameMeta = GameMetadata;

/** A mutable game position. Players are 0 (moves first) and 1. */
export interface Position {
  readonly toMove: number;
  isTerminal(): boolean;
  /** 0 or 1 when won, null when drawn or not over. */
  winner(): number | null;
  legalActions(): number[];
  /** Precondition: `action` is legal. */
  play(action: number): void;
  /** Owner of every cell (row * width + col): -1 empty, else player index. */
  cells(): number[];
  formatMove(action: number): string;
  /** The action a move text names, or -1 when it names none. */
  parseMove(text: string): number;
  clone(): Position;
}

export interface GameCatalog {
  list(): GameMeta[];
  create(envId: string): Position;
}

export interface SearchResult {
  /** The move the bot plays. */
  action: number;
  /** Visit count per action (length numActions). */
  visits: number[];
  /** Root value in [-1, 1] from the side to move. */
  value: number;
}

export interface SearchRequest {
  meta: GameMeta;
  position: Position;
  /** The actions played from the start to reach `position`. */
  moves: number[];
  model: PolicyValueModel;
  simulations: number;
}

export interface BotSearch {
  search(request: SearchRequest): Promise<SearchResult>;
}
