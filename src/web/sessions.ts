// Per-client game sessions: random unguessable ids, a hard bound on how many exist, and
// expiry after a period without requests. Expired sessions are swept lazily on access and
// periodically, so memory stays bounded even when nobody calls.
import { randomBytes } from 'node:crypto';
import type { GameMeta, Position } from './engine.js';

export interface MoveRecord {
  player: number;
  action: number;
  move: string;
}

export interface BotEvaluation {
  /** Root value in [-1, 1] from the bot's side when it chose its move. */
  value: number;
  visits: number[];
  model: string;
  thinkMs: number;
}

export interface GameSession {
  readonly id: string;
  readonly meta: GameMeta;
  readonly humanPlayer: number;
  readonly simulations: number;
  readonly createdAt: number;
  lastSeen: number;
  position: Position;
  moves: MoveRecord[];
  lastBot: BotEvaluation | null;
  /** Set while a request is changing the game (the bot may be thinking); others get 409. */
  busy: boolean;
}

export interface SessionStoreOptions {
  maxSessions: number;
  ttlMs: number;
  now?: () => number;
}

export class SessionLimitError extends Error {
  override name = 'SessionLimitError';
}

export class SessionStore {
  private readonly sessions = new Map<string, GameSession>();
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sweeps expired sessions every `intervalMs` (unref'd: never keeps the process alive). */
  startSweeping(intervalMs = Math.min(60_000, this.options.ttlMs)): void {
    this.sweeper ??= setInterval(() => this.sweep(), intervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  create(init: Pick<GameSession, 'meta' | 'humanPlayer' | 'simulations' | 'position'>): GameSession {
    if (this.sessions.size >= this.options.maxSessions) this.sweep();
    if (this.sessions.size >= this.options.maxSessions) {
      throw new SessionLimitError(
        `too many active games (${this.options.maxSessions}); try again when older games expire`,
      );
    }
    const now = this.now();
    const session: GameSession = {
      ...init,
      id: randomBytes(16).toString('base64url'),
      createdAt: now,
      lastSeen: now,
      moves: [],
      lastBot: null,
      busy: false,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (refreshing its expiry), or undefined. */
  get(id: string): GameSession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.expired(session)) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Drops expired sessions; returns how many went. */
  sweep(): number {
    let removed = 0;
    for (const [id, session] of this.sessions) {
      if (this.expired(session)) {
        this.sessions.delete(id);
        removed++;
      }
    }
    return removed;
  }

  private expired(session: GameSession): boolean {
    return !session.busy && this.now() - session.lastSeen > this.options.ttlMs;
  }
}
