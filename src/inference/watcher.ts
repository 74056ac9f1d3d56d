// Follows <models>/latest.onnx: fs events for speed, polling as the fallback (network
// volumes and some container filesystems deliver no events). A new file is loaded and
// validated before it is offered; a corrupt or truncated one is rejected and the current
// model stays in use.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { logger } from '../logging/index.js';
import { type ModelShape, OnnxModel, type SessionOptions } from './model.js';

export interface ModelWatcherOptions extends SessionOptions {
  path: string;
  shape: ModelShape;
  pollMs: number;
  onModel: (model: OnnxModel) => void;
  onReject?: (error: Error) => void;
}

export class ModelWatcher {
  private readonly log = logger('model-watcher');
  private fsWatcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSignature = '';
  private checking: Promise<void> | undefined;
  private pending = false;
  private closed = false;

  constructor(private readonly options: ModelWatcherOptions) {}

  /** Loads the current file if any, then watches for changes. */
  async start(): Promise<void> {
    await this.check();
    try {
      this.fsWatcher = watch(dirname(this.options.path), (_event, name) => {
        if (name === null || name === basename(this.options.path)) void this.check();
      });
      this.fsWatcher.on('error', () => this.fsWatcher?.close());
    } catch {
      // The directory may not exist yet; polling covers it.
    }
    this.timer = setInterval(() => void this.check(), this.options.pollMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    this.fsWatcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs one check now (serialised: a check requested during another runs right after it). */
  check(): Promise<void> {
    if (this.checking) {
      this.pending = true;
      return this.checking;
    }
    this.checking = this.checkOnce().finally(() => {
      this.checking = undefined;
      if (this.pending && !this.closed) {
        this.pending = false;
        void this.check();
      }
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let signature: string;
    try {
      const s = await stat(this.options.path);
      signature = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return; // no model yet
    }
    if (signature === this.lastSignature || this.closed) return;
    this.lastSignature = signature;
    try {
      const model = await OnnxModel.load(this.options.path, this.options.shape, this.options);
      if (this.closed) {
        await model.release();
        return;
      }
      this.log.info({ version: model.version }, 'loaded model');
      this.options.onModel(model);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'rejected model file; keeping the current model');
      this.options.onReject?.(error as Error);
    }
  }
}
