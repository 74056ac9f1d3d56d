// Prometheus metrics of the web server, on a registry of its own so several servers
// (tests, `train --serve`) never collide in prom-client's global registry.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface WebMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  sessions: Gauge;
  botThinkSeconds: Histogram<'game'>;
  botMoves: Counter<'game' | 'model'>;
}

export function createWebMetrics(sessionCount: () => number): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cartridge_web_' });
  return {
    registry,
    requests: new Counter({
      name: 'cartridge_web_requests_total',
      help: 'HTTP requests by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    sessions: new Gauge({
      name: 'cartridge_web_sessions',
      help: 'Live game sessions',
      registers: [registry],
      collect() {
        this.set(sessionCount());
      },
    }),
    botThinkSeconds: new Histogram({
      name: 'cartridge_web_bot_think_seconds',
      help: 'Time the bot spent searching for one move',
      labelNames: ['game'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    botMoves: new Counter({
      name: 'cartridge_web_bot_moves_total',
      help: 'Moves played by the bot, by game and by model kind (onnx or uniform)',
      labelNames: ['game', 'model'],
      registers: [registry],
    }),
  };
}
