// Checks of what an actor leaves in the replay buffer, read straight from the database (not through
// the store): every episode is replayed through the C++ rules, so a stored action, policy or outcome
// that disagrees with the game is caught, and so is an episode with missing or extra rows.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { GameState } from '../../src/games/index.js';
import { decodeFloat32 } from '../../src/replay/index.js';

export const CLI = fileURLToPath(new URL('../../bin/cartridge.js', import.meta.url));

export interface StoredRow {
  episode_id: string;
  step_number: number;
  action: Uint8Array;
  observation: Uint8Array;
  policy_probs: Uint8Array;
  reward: number;
  done: number | boolean;
  mcts_value: number;
  game_outcome: number;
  model_version: string | null;
  seq: number;
}

const ROWS_SQL = `SELECT episode_id, step_number, action, observation, policy_probs, reward, done, mcts_value,
  game_outcome, model_version, seq FROM transitions`;

/** All transition rows of a SQLite buffer (opened read-only; safe while an actor writes under WAL). */
export function sqliteRows(path: string, envId?: string): StoredRow[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (
      envId
        ? db.prepare(`${ROWS_SQL} WHERE env_id = ? ORDER BY seq`).all(envId)
        : db.prepare(`${ROWS_SQL} ORDER BY seq`).all()
    ) as StoredRow[];
  } catch (error) {
    if (/no such table/.test((error as Error).message)) return [];
    throw error;
  } finally {
    db.close();
  }
}

export async function postgresRows(url: string): Promise<StoredRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(`${ROWS_SQL} ORDER BY seq`);
    return result.rows.map((r) => ({ ...r, seq: Number(r.seq) })) as StoredRow[];
  } finally {
    await client.end();
  }
}

/** Distinct episode ids in the buffer, of one model version when given (0 while there is no table yet). */
export function sqliteEpisodeCount(path: string, modelVersion?: string): number {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return 0;
  }
  try {
    const sql = 'SELECT count(DISTINCT episode_id) AS n FROM transitions';
    const row = (
      modelVersion === undefined
        ? db.prepare(sql).get()
        : db.prepare(`${sql} WHERE model_version = ?`).get(modelVersion)
    ) as { n: number };
    return row.n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** Distinct episode ids in the buffer ([] while there is no table yet). */
export function sqliteEpisodeIds(path: string): string[] {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db.prepare('SELECT DISTINCT episode_id FROM transitions').pluck().all() as string[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

export interface CheckedEpisode {
  episodeId: string;
  steps: number;
  modelVersion: string | null;
  /** seq of the episode's first row: the order episodes were written in. */
  firstSeq: number;
  winner: 0 | 1 | null;
}

/**
 * Replays every episode through GameState and throws on the first disagreement: steps 0..k-1
 * contiguous with done only on the last; each observation is the position's; each action legal;
 * each policy a distribution over that position's legal moves; the game over after the last move;
 * game_outcome the final result from the side to move (reward the same on the last row, 0 before).
 * Returns the episodes in write order.
 */
export function checkEpisodes(envId: string, rows: readonly StoredRow[]): CheckedEpisode[] {
  const byEpisode = new Map<string, StoredRow[]>();
  for (const row of rows) {
    const list = byEpisode.get(row.episode_id);
    if (list) list.push(row);
    else byEpisode.set(row.episode_id, [row]);
  }
  const episodes: CheckedEpisode[] = [];
  for (const [episodeId, list] of byEpisode) {
    const where = (step: number) => `episode ${episodeId} step ${step}`;
    list.sort((a, b) => a.step_number - b.step_number);
    list.forEach((row, i) => {
      if (row.step_number !== i)
        throw new Error(`${where(i)}: step numbers not contiguous (${list.map((r) => r.step_number)})`);
      if (Boolean(row.done) !== (i === list.length - 1))
        throw new Error(`${where(i)}: done=${row.done} but the episode has ${list.length} rows`);
    });
    const versions = new Set(list.map((r) => r.model_version));
    if (versions.size !== 1) throw new Error(`episode ${episodeId}: several model versions ${[...versions]}`);

    const state = new GameState(envId);
    const { num_actions: numActions } = state.info;
    const movers: number[] = [];
    for (const row of list) {
      const step = row.step_number;
      const observation = decodeFloat32(row.observation);
      const expected = state.observation();
      if (observation.length !== expected.length || observation.some((v, j) => v !== expected[j]))
        throw new Error(`${where(step)}: stored observation differs from the position's`);
      const action = Buffer.from(row.action).readUInt32LE(0);
      if (!state.isLegal(action))
        throw new Error(`${where(step)}: action ${action} is illegal in\n${state.render()}`);
      const policy = decodeFloat32(row.policy_probs);
      if (policy.length !== numActions)
        throw new Error(`${where(step)}: policy has ${policy.length} entries`);
      const legal = state.legalMask();
      let sum = 0;
      policy.forEach((p, a) => {
        if (!Number.isFinite(p) || p < 0) throw new Error(`${where(step)}: policy[${a}] = ${p}`);
        if (p > 0 && !legal[a]) throw new Error(`${where(step)}: policy puts ${p} on illegal move ${a}`);
        sum += p;
      });
      if (Math.abs(sum - 1) > 1e-4) throw new Error(`${where(step)}: policy sums to ${sum}`);
      if (!(Math.abs(row.mcts_value) <= 1 + 1e-6))
        throw new Error(`${where(step)}: mcts_value ${row.mcts_value} outside [-1, 1]`);
      movers.push(state.toMove());
      state.play(action);
    }
    if (!state.isTerminal()) throw new Error(`episode ${episodeId}: game not over after its last row`);
    const winner = state.winner();
    list.forEach((row, i) => {
      const outcome = winner === null ? 0 : movers[i] === winner ? 1 : -1;
      if (row.game_outcome !== outcome)
        throw new Error(`${where(i)}: game_outcome ${row.game_outcome}, want ${outcome} (winner ${winner})`);
      const reward = i === list.length - 1 ? outcome : 0;
      if (row.reward !== reward) throw new Error(`${where(i)}: reward ${row.reward}, want ${reward}`);
    });
    episodes.push({
      episodeId,
      steps: list.length,
      modelVersion: list[0]!.model_version,
      firstSeq: list[0]!.seq,
      winner,
    });
  }
  return episodes.sort((a, b) => a.firstSeq - b.firstSeq);
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CliRun {
  child: import('node:child_process').ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `cartridge <args>` as a child process (its own logs go to the captured stderr). */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CARTRIDGE_LOGGING_FORMAT: 'json', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}
