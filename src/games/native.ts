// The slice of the C++ addon that native/binding/game.cpp exports.
import { loadAddon } from '../native/index.js';
import type { GameInfo } from './metadata.js';

export interface NativeGame {
  readonly envId: string;
  clone(): NativeGame;
  play(action: number): void;
  isLegal(action: number): boolean;
  legalActions(): Int32Array;
  legalMask(out: Uint8Array): Uint8Array;
  isTerminal(): boolean;
  winner(): number;
  toMove(): number;
  ply(): number;
  hash(): bigint;
  writeObservation(out: Float32Array): Float32Array;
  render(): string;
  parseMove(text: string): number;
  formatMove(action: number): string;
  serialize(): Uint8Array;
}

/** The registry row the addon reports: the TS metadata less player_count (a test compares them). */
export type NativeGameInfo = Omit<GameInfo, 'player_count'>;

export interface PlayoutBench {
  playouts: number;
  /** Wall-clock seconds of the loop. */
  seconds: number;
  /** CPU seconds of the calling thread (the fair figure on a shared machine). */
  cpuSeconds: number;
  plies: number;
  player1Wins: number;
  player2Wins: number;
  draws: number;
}

export interface SymmetryTables {
  numSymmetries: number;
  /** cell[sym * cells + c] = image of cell c under symmetry sym. */
  cell: Int32Array;
  /** action[sym * numActions + a] = image of action a under symmetry sym. */
  action: Int32Array;
}

export interface GamesAddon {
  Game: new (envId: string, state?: Uint8Array) => NativeGame;
  gameMetadata(): NativeGameInfo[];
  perft(envId: string, depth: number, distinct: boolean): number | bigint;
  symmetryTables(envId: string): SymmetryTables;
  transformObservation(envId: string, sym: number, input: Float32Array, out: Float32Array): Float32Array;
  transformPolicy(envId: string, sym: number, input: Float32Array, out: Float32Array): Float32Array;
  benchRandomPlayouts(envId: string, count: number, seed: number): PlayoutBench;
}

export function gamesAddon(): GamesAddon {
  return loadAddon() as unknown as GamesAddon;
}
