// The game rules behind the web API: src/games (the C++ engines) adapted to the Position
// port. Board cells are read from the observation planes, whose layout is a contract.
import { cellOwners, GameState, listGames, replayMetadata } from '../games/index.js';
import type { GameCatalog, GameMeta, Position } from './engine.js';

class EnginePosition implements Position {
  private readonly observation: Float32Array;
  constructor(private readonly state: GameState) {
    this.observation = new Float32Array(state.info.obs_size);
  }
  get toMove(): number {
    return this.state.toMove();
  }
  isTerminal(): boolean {
    return this.state.isTerminal();
  }
  winner(): number | null {
    return this.state.winner();
  }
  legalActions(): number[] {
    return Array.from(this.state.legalActions());
  }
  play(action: number): void {
    this.state.play(action);
  }
  cells(): number[] {
    return Array.from(cellOwners(this.state.info, this.state.writeObservation(this.observation)));
  }
  formatMove(action: number): string {
    return this.state.formatMove(action);
  }
  parseMove(text: string): number {
    return this.state.parseMove(text) ?? -1;
  }
  clone(): Position {
    return new EnginePosition(this.state.clone());
  }
}

export function gamesCatalog(): GameCatalog {
  const games: GameMeta[] = listGames().map((g) => replayMetadata(g.env_id));
  return {
    list: () => games,
    create: (envId) => new EnginePosition(new GameState(envId)),
  };
}
