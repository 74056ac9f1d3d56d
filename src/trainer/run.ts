// Runs one training job of the Python trainer (trainer/cartridge_trainer) as a child process:
// the effective configuration goes in as JSON on stdin, progress lines come back on stderr,
// and the job's summary is the JSON line it prints on stdout.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from './python.js';

/** The trainer/ folder (the Python package's parent), put on PYTHONPATH. */
export const trainerPackageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'trainer');

/** Exit code the trainer uses for bad input (empty buffer, wrong metadata, bad config). */
export const TRAINER_USAGE_EXIT = 2;

export interface TrainerPaths {
  dataDir: string;
  modelsDir: string;
  checkpointsDir: string;
  statsFile: string;
  /** SQLite file or postgres:// URL. */
  replayLocation: string;
}

export interface RunTrainerOptions {
  /** The effective configuration (sections common, training, replay, trainer, ...), as loadConfig returns it. */
  config: object;
  /** Where things live (src/config dataPaths + replayLocation); overrides common.data_dir-derived defaults. */
  paths?: TrainerPaths;
  /** Optimiser steps of this job (default training.steps_per_iteration). */
  steps?: number;
  /** Iteration number used in model names (default 1). */
  iteration?: number;
  /** Interpreter with torch; default: findTorchPython(). */
  python?: string;
  /** Receives each progress line of the trainer (default: written to stderr). */
  onLine?: (line: string) => void;
  /** Stops the job (SIGTERM to the child). */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What the trainer prints when a job ends (see trainer/cartridge_trainer/train.py). */
export interface TrainerSummary {
  env_id: string;
  iteration: number;
  step: number;
  steps: number;
  samples_seen: number;
  buffer_size: number;
  window_size: number;
  learning_rate: number;
  loss: number;
  policy_loss: number;
  value_loss: number;
  seconds: number;
  steps_per_second: number;
  device: string;
  network: Record<string, string | number>;
  model: string;
  latest: string;
  sha256: string;
  checkpoint: string;
}

export class TrainerRunError extends Error {
  override name = 'TrainerRunError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(message);
  }

  /** True when the trainer rejected its input (exit 2): a user error, not a crash. */
  get isUsageError(): boolean {
    return this.exitCode === TRAINER_USAGE_EXIT;
  }
}

export function runTrainer(options: RunTrainerOptions): Promise<TrainerSummary> {
  const python = options.python ?? findTorchPython();
  const args = ['-m', 'cartridge_trainer', 'train', '--config', '-'];
  if (options.steps !== undefined) args.push('--steps', String(options.steps));
  if (options.iteration !== undefined) args.push('--iteration', String(options.iteration));
  const baseEnv = options.env ?? process.env;
  const env = {
    ...baseEnv,
    PYTHONPATH: [trainerPackageDir, baseEnv.PYTHONPATH].filter(Boolean).join(':'),
    PYTHONUNBUFFERED: '1',
  };
  const onLine = options.onLine ?? ((line: string) => process.stderr.write(`${line}\n`));

  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const abort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });
    let stdout = '';
    let stderrTail = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-8192);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) onLine(line);
    });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(new TrainerRunError(`cannot start ${python}: ${error.message}`, null, ''));
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      if (pending) onLine(pending);
      if (code === 0) {
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last) as TrainerSummary);
        } catch {
          reject(
            new TrainerRunError(
              `the trainer printed no summary (stdout: ${last.slice(0, 200)})`,
              code,
              stderrTail,
            ),
          );
        }
        return;
      }
      const reason = stderrTail.match(/cartridge-trainer: error: (.*)/)?.[1];
      const message = reason ?? `the trainer failed (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      reject(new TrainerRunError(message, code, stderrTail));
    });
    child.stdin.on('error', () => {}); // the child may exit before reading its config (e.g. bad interpreter)
    child.stdin.end(JSON.stringify({ config: options.config, paths: options.paths }));
  });
}
