// Prometheus metrics (prom-client) and the small HTTP endpoint that serves them with
// the health probes Kubernetes uses (/health = alive, /ready = able to do work).
import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ActorMetrics {
  readonly registry = new Registry();
  readonly episodes = new Counter({
    name: 'cartridge_actor_episodes_total',
    help: 'Complete episodes written',
    registers: [this.registry],
  });
  readonly positions = new Counter({
    name: 'cartridge_actor_positions_total',
    help: 'Transitions (positions) written',
    registers: [this.registry],
  });
  readonly evaluations = new Counter({
    name: 'cartridge_actor_network_evaluations_total',
    help: 'Positions evaluated by the network',
    registers: [this.registry],
  });
  readonly evaluationsPerSecond = new Gauge({
    name: 'cartridge_actor_evaluations_per_second',
    help: 'Network evaluations per second over the last progress interval',
    registers: [this.registry],
  });
  readonly batchFill = new Gauge({
    name: 'cartridge_actor_batch_fill',
    help: 'Average leaves per network batch divided by the batch capacity',
    registers: [this.registry],
  });
  readonly cacheHitRate = new Gauge({
    name: 'cartridge_actor_cache_hit_rate',
    help: 'Share of leaf evaluations answered by the evaluation cache',
    registers: [this.registry],
  });
  readonly inferenceSeconds = new Histogram({
    name: 'cartridge_actor_inference_seconds',
    help: 'Latency of one ONNX Runtime batch',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly modelVersion = new Gauge({
    name: 'cartridge_actor_model_info',
    help: 'The model in use (label version); value 1',
    labelNames: ['version'],
    registers: [this.registry],
  });
  readonly replayWriteSeconds = new Histogram({
    name: 'cartridge_actor_replay_write_seconds',
    help: 'Latency of one replay write (a batch of episodes)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly replayRetries = new Gauge({
    name: 'cartridge_actor_replay_retries',
    help: 'Replay operations retried after a transient error (busy SQLite, dropped PostgreSQL connection)',
    registers: [this.registry],
  });

  setModelVersion(version: string): void {
    this.modelVersion.reset();
    this.modelVersion.set({ version }, 1);
  }
}

export interface ProbeServerOptions {
  host: string;
  port: number;
  registry: Registry;
  isReady: () => boolean;
}

/** Serves /health, /ready and /metrics; returns the listening server (close it on shutdown). */
export async function startProbeServer(options: ProbeServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const ready = options.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
