// startWebServer: the web server wired to the real engines, search and models, listening
// on web.host:web.port. Used by `cartridge serve` and `cartridge train --serve`.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type CartridgeConfig, dataPaths } from '../config/index.js';
import { logger } from '../logging/index.js';
import type { BotSearch, GameCatalog } from './engine.js';
import { gamesCatalog } from './games-catalog.js';
import { MctsBotSearch } from './mcts-bot.js';
import { WatchedBotModels } from './models.js';
import { buildWebServer } from './server.js';

export interface StartWebServerOptions {
  /** Overrides of web.host / web.port (e.g. port 0 for a free port in tests). */
  host?: string;
  port?: number;
  catalog?: GameCatalog;
  search?: BotSearch;
}

export interface RunningWebServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(
  config: CartridgeConfig,
  options: StartWebServerOptions = {},
): Promise<RunningWebServer> {
  const log = logger('web');
  const catalog = options.catalog ?? gamesCatalog();
  const paths = dataPaths(config);
  const trained = catalog.list().find((meta) => meta.envId === config.common.env_id);
  const models = new WatchedBotModels(
    trained
      ? {
          envId: trained.envId,
          path: join(paths.modelsDir, 'best.onnx'),
          meta: trained,
          pollMs: config.actor.model_poll_ms,
        }
      : undefined,
  );
  await models.start();
  const app = await buildWebServer({
    catalog,
    search:
      options.search ??
      new MctsBotSearch({
        cPuct: config.mcts.c_puct,
        fpuReduction: config.mcts.fpu_reduction,
        leafBatch: config.mcts.leaf_batch,
      }),
    models,
    dataDir: paths.dataDir,
    maxSessions: config.web.max_sessions,
    sessionTtlMinutes: config.web.session_ttl_minutes,
    botSimulations: config.web.bot_simulations,
    corsOrigin: config.web.cors_origin,
    ...(trained ? { trainedGame: trained.envId } : {}),
  });
  app.addHook('onClose', () => models.close());
  const host = options.host ?? config.web.host;
  const port = options.port ?? config.web.port;
  const address = await app.listen({ host, port });
  const url = address.replace('[::1]', 'localhost');
  log.info({ url, dataDir: paths.dataDir }, 'web server listening');
  return { app, url, close: () => app.close() };
}
