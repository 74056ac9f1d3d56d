// The web server: JSON API under /api/, /health, /metrics and the static page at /.
// Everything a client sends is validated by the route schemas; every error leaves as
// {error, code, message} with a 4xx status, or a bare 500 without internals.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type RouteOptions,
} from 'fastify';
import type { PolicyValueModel } from '../inference/index.js';
import type { Logger } from '../logging/index.js';
import type { BotSearch, GameCatalog, GameMeta, SearchRequest } from './engine.js';
import { HttpError } from './errors.js';
import { createWebMetrics } from './metrics.js';
import { type BotModels, describeModel } from './models.js';
import { buildOpenApi } from './openapi.js';
import { routeSchemas } from './schemas.js';
import { type GameSession, SessionLimitError, SessionStore } from './sessions.js';
import { readTrainingStats } from './stats.js';

export interface WebServerOptions {
  catalog: GameCatalog;
  search: BotSearch;
  models: BotModels;
  dataDir: string;
  maxSessions: number;
  sessionTtlMinutes: number;
  botSimulations: number;
  /** Upper bound a client may ask for (keeps one request from occupying the CPU for minutes). */
  maxSimulations?: number;
  /** Exact origins allowed cross-origin access, comma-separated; "" = same-origin only. */
  corsOrigin: string;
  /** The game whose trained model the bot uses. */
  trainedGame?: string;
  bodyLimitBytes?: number;
  logger?: Logger | boolean;
  now?: () => number;
}

const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');
const require = createRequire(import.meta.url);

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Game metadata plus how the page should draw it, derived from the shape alone. */
export function describeGame(meta: GameMeta) {
  const cells = meta.boardWidth * meta.boardHeight;
  return {
    ...meta,
    layout:
      meta.numActions === meta.boardWidth && meta.boardHeight > 1 ? ('drop' as const) : ('grid' as const),
    passAction: meta.numActions === cells + 1 ? cells : null,
  };
}

export function parseCorsOrigins(value: string): Set<string> {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of origins) {
    if (origin === '*')
      throw new Error('web.cors_origin: "*" is not allowed; list the allowed origins explicitly');
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`web.cors_origin: "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
  }
  return new Set(origins);
}

export async function buildWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const maxSimulations = options.maxSimulations ?? Math.max(5000, options.botSimulations);
  const corsOrigins = parseCorsOrigins(options.corsOrigin);
  const games = new Map(options.catalog.list().map((meta) => [meta.envId, meta]));
  const sessions = new SessionStore({
    maxSessions: options.maxSessions,
    ttlMs: options.sessionTtlMinutes * 60_000,
    ...(options.now ? { now: options.now } : {}),
  });
  const metrics = createWebMetrics(() => sessions.size);
  const startedAt = Date.now();

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 16 * 1024,
    // Clients must send the right types: "3" is not a number and unknown fields are errors.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true },
    },
    return503OnClosing: true,
  });

  // The API speaks JSON only: a text body is refused with 415 rather than parsed.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    const origin = request.headers.origin;
    if (origin && corsOrigins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, POST, DELETE');
        reply.header('access-control-allow-headers', 'content-type');
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onClose', async () => {
    sessions.stop();
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.statusCode, error.code, error.message);
    if ((error as FastifyError).validation) {
      return sendError(reply, 400, 'invalid_request', error.message);
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = (error as FastifyError).code;
      const message =
        code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `request body is too large (limit ${app.initialConfig.bodyLimit} bytes)`
          : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'send the body as application/json'
            : error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY'
              ? `malformed JSON body: ${error.message}`
              : error.message;
      return sendError(reply, status, errorCode(code), message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal_error', 'internal server error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  const lookup = (id: string): GameSession => {
    const session = sessions.get(id);
    if (!session)
      throw new HttpError(404, 'unknown_session', `no game ${id} (it may have expired; start a new one)`);
    return session;
  };

  /** Serialises changes to one session: a second request while the bot thinks gets 409. */
  const exclusive = async <T>(session: GameSession, work: () => Promise<T>): Promise<T> => {
    if (session.busy) throw new HttpError(409, 'busy', 'the bot is still thinking about the previous move');
    session.busy = true;
    try {
      return await work();
    } finally {
      session.busy = false;
      session.lastSeen = (options.now ?? Date.now)();
    }
  };

  const botMove = async (session: GameSession): Promise<void> => {
    const model = options.models.modelFor(session.meta);
    const started = performance.now();
    const result = await options.search.search(searchRequest(session, model));
    const seconds = (performance.now() - started) / 1000;
    metrics.botThinkSeconds.observe({ game: session.meta.envId }, seconds);
    metrics.botMoves.inc({
      game: session.meta.envId,
      model: describeModel(model).uniform ? 'uniform' : 'onnx',
    });
    const player = session.position.toMove;
    session.lastBot = {
      value: result.value,
      visits: result.visits,
      model: model.version,
      thinkMs: seconds * 1000,
    };
    session.moves.push({ player, action: result.action, move: session.position.formatMove(result.action) });
    session.position.play(result.action);
  };

  const searchRequest = (session: GameSession, model: PolicyValueModel): SearchRequest => ({
    meta: session.meta,
    position: session.position,
    moves: session.moves.map((m) => m.action),
    model,
    simulations: session.simulations,
  });

  const botToMove = (session: GameSession) =>
    !session.position.isTerminal() && session.position.toMove !== session.humanPlayer;

  app.get('/health', { schema: routeSchemas.health }, async () => ({
    status: 'ok',
    uptimeSeconds: (Date.now() - startedAt) / 1000,
    sessions: sessions.size,
  }));

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/api/games', { schema: routeSchemas.games }, async () => ({
    games: [...games.values()].map(describeGame),
    defaultSimulations: options.botSimulations,
    maxSimulations,
    ...(options.trainedGame ? { trainedGame: options.trainedGame } : {}),
  }));

  app.post<{ Body: { game: string; humanFirst?: boolean; simulations?: number } }>(
    '/api/game/new',
    { schema: routeSchemas.newGame },
    async (request, reply) => {
      const { game, humanFirst = true, simulations = options.botSimulations } = request.body;
      const meta = games.get(game);
      if (!meta) {
        throw new HttpError(
          404,
          'unknown_game',
          `unknown game "${game}" (games: ${[...games.keys()].join(', ')})`,
        );
      }
      if (simulations > maxSimulations) {
        throw new HttpError(400, 'invalid_request', `simulations must be at most ${maxSimulations}`);
      }
      let session: GameSession;
      try {
        session = sessions.create({
          meta,
          humanPlayer: humanFirst ? 0 : 1,
          simulations,
          position: options.catalog.create(game),
        });
      } catch (error) {
        if (error instanceof SessionLimitError) {
          reply.header('retry-after', '60');
          throw new HttpError(503, 'too_many_sessions', error.message);
        }
        throw error;
      }
      if (botToMove(session)) await exclusive(session, () => botMove(session));
      reply.code(201);
      return view(session);
    },
  );

  app.get<{ Params: { id: string } }>('/api/game/:id', { schema: routeSchemas.getGame }, async (request) =>
    view(lookup(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { move: number | string } }>(
    '/api/game/:id/move',
    { schema: routeSchemas.move },
    async (request) => {
      const session = lookup(request.params.id);
      await exclusive(session, async () => {
        const position = session.position;
        if (position.isTerminal()) throw new HttpError(409, 'game_over', 'the game is over; start a new one');
        if (position.toMove !== session.humanPlayer)
          throw new HttpError(409, 'wrong_turn', 'it is not your turn');
        const { move } = request.body;
        const action = typeof move === 'number' ? move : position.parseMove(move.trim().toLowerCase());
        if (typeof move === 'string' && action < 0) {
          throw new HttpError(422, 'illegal_move', `"${move}" is not a move in ${session.meta.displayName}`);
        }
        if (!position.legalActions().includes(action)) {
          const text = action < session.meta.numActions ? position.formatMove(action) : String(move);
          throw new HttpError(422, 'illegal_move', `${text} is not a legal move here`);
        }
        session.moves.push({ player: position.toMove, action, move: position.formatMove(action) });
        position.play(action);
        if (botToMove(session)) await botMove(session);
      });
      return view(session);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/game/:id/analysis',
    { schema: routeSchemas.analysis },
    async (request) => {
      const session = lookup(request.params.id);
      if (session.position.isTerminal())
        throw new HttpError(409, 'game_over', 'the game is over: nothing to analyse');
      return exclusive(session, async () => {
        const model = options.models.modelFor(session.meta);
        const started = performance.now();
        const result = await options.search.search(searchRequest(session, model));
        return evaluation(session, session.position.toMove, {
          value: result.value,
          visits: result.visits,
          model: model.version,
          thinkMs: performance.now() - started,
        });
      });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/game/:id',
    { schema: routeSchemas.deleteGame },
    async (request, reply) => {
      lookup(request.params.id);
      sessions.delete(request.params.id);
      return reply.code(204).send();
    },
  );

  app.get('/api/stats', { schema: routeSchemas.stats }, async () => readTrainingStats(options.dataDir));

  // chart.js does not export its UMD file; it sits next to the CommonJS entry.
  const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  app.get('/vendor/chart.umd.js', async (_request, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400');
    return readFile(chartJs);
  });

  await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: ['index.html'] });

  app.get('/api/openapi.json', async () => buildOpenApi(routes));

  sessions.startSweeping();

  function view(session: GameSession) {
    const { position, meta } = session;
    const over = position.isTerminal();
    const winner = over ? position.winner() : null;
    const humanTurn = !over && position.toMove === session.humanPlayer;
    return {
      id: session.id,
      game: describeGame(meta),
      simulations: session.simulations,
      board: { width: meta.boardWidth, height: meta.boardHeight, cells: position.cells() },
      toMove: position.toMove,
      humanPlayer: session.humanPlayer,
      status: over ? 'over' : humanTurn ? 'your_turn' : 'bot_turn',
      legalMoves: humanTurn
        ? position.legalActions().map((action) => ({ action, move: position.formatMove(action) }))
        : [],
      lastMove: session.moves.at(-1) ?? null,
      moves: session.moves,
      result: over ? result(winner, session.humanPlayer) : null,
      bot: session.lastBot ? evaluation(session, 1 - session.humanPlayer, session.lastBot) : null,
      model: describeModel(options.models.modelFor(meta)),
    };
  }

  function evaluation(
    session: GameSession,
    player: number,
    e: { value: number; visits: number[]; model: string; thinkMs: number },
  ) {
    const total = e.visits.reduce((a, b) => a + b, 0);
    const moves = e.visits
      .map((visits, action) => ({ action, visits }))
      .filter((m) => m.visits > 0)
      .sort((a, b) => b.visits - a.visits)
      .map((m) => ({ ...m, move: session.position.formatMove(m.action), share: m.visits / total }));
    return {
      player,
      value: e.value,
      winProbability: (e.value + 1) / 2,
      moves,
      simulations: session.simulations,
      model: e.model,
      thinkMs: Math.round(e.thinkMs * 10) / 10,
    };
  }

  return app;
}

function result(winner: number | null, humanPlayer: number) {
  if (winner === null) return { winner: null, outcome: 'draw' as const, message: 'Draw.' };
  return winner === humanPlayer
    ? { winner, outcome: 'human' as const, message: 'You win!' }
    : { winner, outcome: 'bot' as const, message: 'The bot wins.' };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({
      error: STATUS_TEXT[status] ?? 'Error',
      code,
      message,
    });
}

function errorCode(fastifyCode: string | undefined): string {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'malformed_json';
    default:
      return 'bad_request';
  }
}
