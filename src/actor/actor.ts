// The actor's main thread: a piscina pool of self-play workers, one replay writer, the
// model watcher, metrics. Stateless by design — it can be killed at any moment: every
// episode is written in its own all-or-nothing transaction, so the buffer only ever holds
// complete episodes, and on SIGTERM it drains (writes what is complete) within a deadline.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { type ModelShape, ModelWatcher, type OnnxModel } from '../inference/index.js';
import { logger } from '../logging/index.js';
import type { ActorMetrics } from '../metrics/index.js';
import type { Episode, ReplayStore } from '../replay/index.js';
import type { ArenaOptions } from '../search/index.js';
import { splitEpisodes } from './episodes.js';
import type { ModelMessage, WorkerMessage, WorkerSummary, WorkerTask } from './protocol.js';

export interface ActorOptions {
  envId: string;
  shape: ModelShape;
  workers: number;
  gamesPerWorker: number;
  arenasPerWorker: number;
  /** Search settings of every arena (numGames and seed are set per arena). */
  search: Omit<ArenaOptions, 'envId' | 'numGames' | 'seed'>;
  intraOpThreads: number;
  executionProvider: 'cpu' | 'cuda';
  /** Model file to follow (hot reload); undefined or absent file = uniform bootstrap. */
  modelFile: string | undefined;
  modelPollMs: number;
  replay: ReplayStore;
  writeBatchEpisodes: number;
  /** Stop after this many episodes are written (0 = until stop()). */
  episodes: number;
  iteration: number | null;
  seed: number;
  metrics?: ActorMetrics;
}

export interface ActorProgress {
  episodes: number;
  positions: number;
  evaluations: number;
  elapsedSeconds: number;
  evaluationsPerSecond: number;
  positionsPerSecond: number;
  averageBatchFill: number;
  cacheHitRate: number;
  modelVersion: string;
}

export interface ActorSummary extends ActorProgress {
  discardedEpisodes: number;
  workers: WorkerSummary[];
}

export class Actor {
  private readonly log = logger('actor');
  private readonly runId = `${hostname()
    .replace(/[^a-zA-Z0-9]/g, '')
    .slice(0, 16)}-${randomBytes(4).toString('hex')}`;
  private readonly pool: Piscina;
  private readonly stopFlag = new SharedArrayBuffer(4);
  /** Per worker: its episodes written or discarded here (the workers' backpressure, see WorkerTask). */
  private readonly handled: Int32Array;
  private readonly workerDone: Promise<void>[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly workerStats = new Map<number, { evaluations: number; fill: number; hitRate: number }>();
  private readonly queue: Episode[] = [];
  /** The worker of each queued episode. */
  private readonly queueWorkers: number[] = [];
  private watcher: ModelWatcher | undefined;
  private writing: Promise<void> = Promise.resolve();
  private accepted = 0;
  private written = 0;
  private positions = 0;
  private discarded = 0;
  private modelVersion = 'uniform';
  private readonly started = performance.now();
  private stopping = false;
  private workersDone: Promise<WorkerSummary[]> | undefined;
  private writeError: Error | undefined;
  /** Resolves when the actor has stopped (episode target reached, or stop()). */
  readonly done: Promise<ActorSummary>;
  private resolveDone!: (summary: ActorSummary) => void;
  private rejectDone!: (error: Error) => void;

  private constructor(private readonly options: ActorOptions) {
    this.handled = new Int32Array(new SharedArrayBuffer(4 * options.workers));
    this.pool = new Piscina({
      filename: new URL('./worker-entry.js', import.meta.url).href,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that only uses stop() must not see an unhandled rejection from `done`.
    this.done.catch(() => {});
  }

  /** Starts the workers (with the current model if the file exists) and the model watcher. */
  static async start(options: ActorOptions): Promise<Actor> {
    const actor = new Actor(options);
    await actor.launch();
    return actor;
  }

  get ready(): boolean {
    return !this.stopping;
  }

  progress(): ActorProgress {
    const elapsed = (performance.now() - this.started) / 1000;
    let evaluations = 0;
    let fill = 0;
    let hitRate = 0;
    for (const s of this.workerStats.values()) {
      evaluations += s.evaluations;
      fill += s.fill;
      hitRate += s.hitRate;
    }
    const n = Math.max(1, this.workerStats.size);
    return {
      episodes: this.written,
      positions: this.positions,
      evaluations,
      elapsedSeconds: elapsed,
      evaluationsPerSecond: elapsed > 0 ? evaluations / elapsed : 0,
      positionsPerSecond: elapsed > 0 ? this.positions / elapsed : 0,
      averageBatchFill: fill / n,
      cacheHitRate: hitRate / n,
      modelVersion: this.modelVersion,
    };
  }

  /**
   * Stops starting games, writes every completed episode and resolves with the summary.
   * Workers that do not finish within `graceMs` are terminated (their unfinished games are
   * lost, which is the contract: only complete episodes are ever stored).
   */
  async stop(graceMs = 25_000): Promise<ActorSummary> {
    this.requestStop();
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), graceMs).unref(),
    );
    const finished = await Promise.race([this.finish(), deadline]);
    if (finished === 'timeout') {
      this.log.warn({ graceMs }, 'drain deadline passed; terminating workers');
      await this.pool.destroy();
      const summary = this.summary([]);
      this.resolveDone(summary);
      return summary;
    }
    return finished;
  }

  private requestStop(): void {
    if (this.stopping) return;
    this.stopping = true;
    Atomics.store(new Int32Array(this.stopFlag), 0, 1);
    this.watcher?.close();
  }

  private async launch(): Promise<void> {
    const { options } = this;
    let initial: ModelMessage | null = null;
    if (options.modelFile) {
      let first: OnnxModel | undefined;
      this.watcher = new ModelWatcher({
        path: options.modelFile,
        shape: options.shape,
        pollMs: options.modelPollMs,
        onModel: (model) => {
          if (!first && !this.workersDone) {
            first = model;
            return;
          }
          this.broadcastModel(model);
        },
      });
      await this.watcher.start();
      if (first) {
        initial = { type: 'model', version: first.version, bytes: first.bytes };
        this.setModelVersion(first.version);
        await first.release();
      }
    }
    this.options.metrics?.setModelVersion(this.modelVersion);
    const perArena = Math.ceil(options.gamesPerWorker / options.arenasPerWorker);
    const tasks: Promise<WorkerSummary>[] = [];
    for (let w = 0; w < options.workers; ++w) {
      const { port1, port2 } = new MessageChannel();
      // The worker's result and its port are separate channels: its last episodes and stats can
      // arrive after the task resolves, so the drain waits for the 'done' that follows them.
      this.workerDone.push(
        new Promise((resolve) =>
          port1.on('message', (message: WorkerMessage) => {
            if (message.type === 'done') resolve();
            else this.onWorkerMessage(message);
          }),
        ),
      );
      this.ports.push(port1 as unknown as MessagePort);
      const task: WorkerTask = {
        workerIndex: w,
        stopFlag: this.stopFlag,
        handled: this.handled.buffer as SharedArrayBuffer,
        maxUnwritten: Math.max(4 * options.gamesPerWorker, 8 * options.writeBatchEpisodes, 64),
        port: port2 as unknown as MessagePort,
        arena: { ...options.search, envId: options.envId, numGames: perArena },
        arenas: options.arenasPerWorker,
        seed: options.seed + w * 1_000_003,
        obsSize: options.shape.obsSize,
        numActions: options.shape.numActions,
        intraOpThreads: options.intraOpThreads,
        executionProvider: options.executionProvider,
        model: initial,
      };
      tasks.push(this.pool.run(task, { transferList: [port2 as never] }) as Promise<WorkerSummary>);
    }
    this.workersDone = Promise.all(tasks);
    this.workersDone.catch((error: Error) => {
      this.log.error({ err: error.message }, 'self-play worker failed');
      this.requestStop();
      this.rejectDone(error);
    });
    this.log.info(
      {
        env: options.envId,
        workers: options.workers,
        games: options.gamesPerWorker,
        model: this.modelVersion,
        run: this.runId,
      },
      'actor started',
    );
  }

  private broadcastModel(model: OnnxModel): void {
    this.setModelVersion(model.version);
    for (const port of this.ports) {
      const message: ModelMessage = { type: 'model', version: model.version, bytes: model.bytes.slice() };
      port.postMessage(message, [message.bytes.buffer as ArrayBuffer]);
    }
    void model.release();
  }

  private setModelVersion(version: string): void {
    this.modelVersion = version;
    this.options.metrics?.setModelVersion(version);
  }

  private onWorkerMessage(message: WorkerMessage): void {
    const { options } = this;
    if (message.type === 'episodes') {
      const episodes = splitEpisodes(message.batch, {
        envId: options.envId,
        runId: this.runId,
        workerIndex: message.workerIndex,
        arenaIndex: message.arenaIndex,
        modelVersion: message.modelVersion,
        iteration: options.iteration,
        obsSize: options.shape.obsSize,
        numActions: options.shape.numActions,
      });
      for (const episode of episodes) {
        if (options.episodes > 0 && this.accepted >= options.episodes) {
          this.discarded++;
          Atomics.add(this.handled, message.workerIndex, 1);
          continue;
        }
        this.accepted++;
        this.queue.push(episode);
        this.queueWorkers.push(message.workerIndex);
      }
      if (this.queue.length >= options.writeBatchEpisodes || this.stopping) this.scheduleWrite();
      if (options.episodes > 0 && this.accepted >= options.episodes && !this.stopping) {
        this.requestStop();
        void this.finish();
      }
    } else if (message.type === 'stats') {
      const previous = this.workerStats.get(message.workerIndex)?.evaluations ?? 0;
      options.metrics?.evaluations.inc(Math.max(0, message.networkEvaluations - previous));
      this.workerStats.set(message.workerIndex, {
        evaluations: message.networkEvaluations,
        fill: message.averageBatchFill,
        hitRate: message.cacheHitRate,
      });
      const metrics = options.metrics;
      if (metrics) {
        for (const seconds of message.inferenceSeconds) metrics.inferenceSeconds.observe(seconds);
        const p = this.progress();
        metrics.evaluationsPerSecond.set(p.evaluationsPerSecond);
        metrics.batchFill.set(p.averageBatchFill);
        metrics.cacheHitRate.set(p.cacheHitRate);
      }
    } else if (message.type === 'model-rejected') {
      this.log.warn(
        { worker: message.workerIndex, version: message.version, err: message.error },
        'worker rejected model',
      );
    }
  }

  private scheduleWrite(): void {
    this.writing = this.writing.then(() => this.drainQueue());
  }

  private async drainQueue(): Promise<void> {
    const { replay, writeBatchEpisodes, metrics } = this.options;
    while (this.queue.length > 0 && !this.writeError) {
      const batch = this.queue.splice(0, writeBatchEpisodes);
      const from = this.queueWorkers.splice(0, writeBatchEpisodes);
      const started = performance.now();
      try {
        const result = await replay.writeEpisodes(batch);
        this.written += result.episodesWritten + result.episodesSkipped;
        const positions = batch.reduce((sum, e) => sum + e.actions.length, 0);
        this.positions += positions;
        metrics?.episodes.inc(batch.length);
        metrics?.positions.inc(positions);
        metrics?.replayWriteSeconds.observe((performance.now() - started) / 1000);
        metrics?.replayRetries.set(replay.counters.retries);
        for (const w of from) Atomics.add(this.handled, w, 1);
      } catch (error) {
        // The store already retried with backoff; stop rather than pile up episodes in memory.
        this.writeError = error as Error;
        this.log.error({ err: (error as Error).message }, 'replay write failed after retries; stopping');
        this.requestStop();
      }
    }
  }

  private finishing: Promise<ActorSummary> | undefined;

  private finish(): Promise<ActorSummary> {
    this.finishing ??= (async () => {
      const workers = (await this.workersDone) ?? [];
      await Promise.all(this.workerDone);
      // The summaries are each worker's final count (a stats message may be up to a second old).
      for (const w of workers) {
        const stats = this.workerStats.get(w.workerIndex) ?? { evaluations: 0, fill: 0, hitRate: 0 };
        this.workerStats.set(w.workerIndex, { ...stats, evaluations: w.networkEvaluations });
      }
      this.scheduleWrite();
      await this.writing;
      for (const port of this.ports) port.close();
      await this.pool.destroy();
      if (this.writeError) throw this.writeError;
      const summary = this.summary(workers);
      this.log.info({ episodes: summary.episodes, positions: summary.positions }, 'actor stopped');
      return summary;
    })();
    this.finishing.then(this.resolveDone, this.rejectDone);
    return this.finishing;
  }

  private summary(workers: WorkerSummary[]): ActorSummary {
    return { ...this.progress(), discardedEpisodes: this.discarded, workers };
  }
}
