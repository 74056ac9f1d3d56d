// Test doubles for the web server's two ports: a small TicTacToe rules object and a
// deterministic "search" (first legal move, visits from a fixed preference), so the
// API tests exercise the server, sessions and validation on their own.

import { replayMetadata } from '../src/games/index.js';
import { UniformModel } from '../src/inference/index.js';
import type {
  BotSearch,
  GameCatalog,
  GameMeta,
  Position,
  SearchRequest,
  SearchResult,
} from '../src/web/engine.js';
import type { BotModels } from '../src/web/models.js';

export const tictactoeMeta: GameMeta = replayMetadata('tictactoe');

const LINES = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export class FakeTicTacToe implements Position {
  constructor(
    private board: number[] = Array(9).fill(-1),
    public toMove = 0,
  ) {}
  winner(): number | null {
    for (const [a, b, c] of LINES) {
      const p = this.board[a!]!;
      if (p !== -1 && p === this.board[b!] && p === this.board[c!]) return p;
    }
    return null;
  }
  isTerminal(): boolean {
    return this.winner() !== null || this.board.every((c) => c !== -1);
  }
  legalActions(): number[] {
    return this.isTerminal() ? [] : this.board.flatMap((c, i) => (c === -1 ? [i] : []));
  }
  play(action: number): void {
    this.board[action] = this.toMove;
    this.toMove = 1 - this.toMove;
  }
  cells(): number[] {
    return [...this.board];
  }
  formatMove(action: number): string {
    return `${'abc'[action % 3]}${Math.floor(action / 3) + 1}`;
  }
  parseMove(text: string): number {
    const m = /^([abc])([123])$/.exec(text);
    return m ? (Number(m[2]) - 1) * 3 + 'abc'.indexOf(m[1]!) : -1;
  }
  clone(): Position {
    return new FakeTicTacToe([...this.board], this.toMove);
  }
}

export const fakeCatalog: GameCatalog = {
  list: () => [tictactoeMeta],
  create: (envId) => {
    if (envId !== 'tictactoe') throw new Error(`unknown ${envId}`);
    return new FakeTicTacToe();
  },
};

/** Plays the lowest legal action; can be slowed down to hold a session busy. */
export class FakeSearch implements BotSearch {
  calls = 0;
  constructor(public delayMs = 0) {}
  async search({ meta, position }: SearchRequest): Promise<SearchResult> {
    this.calls++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const legal = position.legalActions();
    const visits = Array(meta.numActions).fill(0);
    legal.forEach((a, i) => {
      visits[a] = legal.length - i;
    });
    return { action: legal[0]!, visits, value: 0.25 };
  }
}

export const uniformModels: BotModels = {
  modelFor: (meta) => new UniformModel(meta.obsSize, meta.numActions),
  close: async () => {},
};
