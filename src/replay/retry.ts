// Bounded exponential backoff for transient store errors (busy SQLite file, dropped PostgreSQL connection).
import type { ReplayCounters, RetryOptions } from './types.js';

export type ErrorKind = 'busy' | 'connection' | 'fatal';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryPolicy(options: RetryOptions): RetryPolicy {
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new TypeError(`attempts must be an integer >= 1, got ${attempts}`);
  if (!(baseDelayMs >= 0)) throw new TypeError(`baseDelayMs must be >= 0, got ${baseDelayMs}`);
  if (!(maxDelayMs >= baseDelayMs))
    throw new TypeError(`maxDelayMs must be >= baseDelayMs, got ${maxDelayMs}`);
  return { attempts, baseDelayMs, maxDelayMs };
}

export function newCounters(): ReplayCounters {
  return {
    retries: 0,
    busyErrors: 0,
    connectionErrors: 0,
    failures: 0,
    episodesWritten: 0,
    transitionsWritten: 0,
  };
}

/** A store operation failed; the message names the operation and the store, `cause` is the driver's error. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** Raised when an operation still fails after every attempt; `cause` is the last error. */
export class ReplayRetryError extends ReplayError {
  override name = 'ReplayRetryError';
  constructor(
    message: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `operation` until it succeeds, retrying errors that `classify` calls transient. The operation must be
 * idempotent as a whole (ours are: one transaction with deterministic ids).
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  counters: ReplayCounters,
  classify: (error: unknown) => ErrorKind,
  operation: () => Promise<T> | T,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const kind = classify(error);
      if (kind === 'busy') counters.busyErrors++;
      if (kind === 'connection') counters.connectionErrors++;
      if (kind === 'fatal') {
        counters.failures++;
        if (error instanceof TypeError || error instanceof ReplayError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ReplayError(`replay: ${what} failed: ${reason}`, { cause: error });
      }
      if (attempt >= policy.attempts) {
        counters.failures++;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ReplayRetryError(
          `replay: ${what} failed after ${attempt} attempts (${kind === 'busy' ? 'database busy' : 'connection lost'}): ${reason}`,
          attempt,
          { cause: error },
        );
      }
      counters.retries++;
      const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(exp / 2 + Math.random() * (exp / 2));
    }
  }
}
