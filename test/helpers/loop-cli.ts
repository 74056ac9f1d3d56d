// Runs `cartridge train` as a child process with tiny TicTacToe settings, and reads back what a
// run leaves behind (loop_state.json, the replay buffer) without going through the loop's own code.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LoopState } from '../../src/orchestrator/state.js';
import { pgQuery } from './replay-backends.js';

/** Episodes per iteration in the tiny runs. */
export const TINY_EPISODES = 20;

/** Settings small enough for an iteration in a few seconds on 2 cores. */
export const TINY_ENV: Record<string, string> = {
  CARTRIDGE_EVALUATION_GAMES: '4',
  CARTRIDGE_EVALUATION_RANDOM_GAMES: '4',
  CARTRIDGE_EVALUATION_SIMULATIONS: '8',
  CARTRIDGE_ACTOR_GAMES_PER_WORKER: '8',
};

export function tinyArgs(dataDir: string, iterations: number, extra: string[] = []): string[] {
  return [
    'train',
    '--game',
    'tictactoe',
    '--iterations',
    String(iterations),
    '--episodes',
    String(TINY_EPISODES),
    '--steps',
    '20',
    '--sims',
    '16',
    '--data-dir',
    dataDir,
    ...extra,
  ];
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'cartridge-loop-'));
}

export interface TrainRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startTrain(args: string[], env: Record<string, string> = {}): TrainRun {
  const child = spawn(process.execPath, ['bin/cartridge.js', ...args], {
    env: { ...process.env, ...TINY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function runTrain(args: string[], env: Record<string, string> = {}) {
  return startTrain(args, env).done;
}

/** The persisted loop state as raw JSON (undefined while it does not exist or is being replaced). */
export function readLoopState(dataDir: string): LoopState | undefined {
  const path = join(dataDir, 'loop_state.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LoopState;
  } catch {
    return undefined;
  }
}

/** Complete episodes per `iteration` tag of the buffer, counted in SQL. */
export type EpisodeCounts = Map<number, number>;

const EPISODES_SQL = `SELECT iteration, COUNT(DISTINCT episode_id) AS episodes,
  SUM(CASE WHEN done THEN 1 ELSE 0 END) AS finished
  FROM transitions WHERE env_id = 'tictactoe' GROUP BY iteration ORDER BY iteration`;

export interface BufferCounts {
  perIteration: EpisodeCounts;
  total: number;
  /** Episodes with a terminal transition: equals total when only whole episodes are stored. */
  finished: number;
}

function tally(rows: Array<{ iteration: unknown; episodes: unknown; finished: unknown }>): BufferCounts {
  const perIteration: EpisodeCounts = new Map();
  let total = 0;
  let finished = 0;
  for (const row of rows) {
    perIteration.set(Number(row.iteration), Number(row.episodes));
    total += Number(row.episodes);
    finished += Number(row.finished);
  }
  return { perIteration, total, finished };
}

export function sqliteEpisodes(dataDir: string): BufferCounts {
  const path = join(dataDir, 'replay.db');
  if (!existsSync(path)) return { perIteration: new Map(), total: 0, finished: 0 };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return tally(db.prepare(EPISODES_SQL).all() as never);
  } finally {
    db.close();
  }
}

export async function postgresEpisodes(url: string): Promise<BufferCounts> {
  return tally((await pgQuery(url, EPISODES_SQL)).rows);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `predicate` holds (returns its value) or the deadline passes (throws). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs: number,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
