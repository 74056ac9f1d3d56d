export type { BotSearch, GameCatalog, GameMeta, Position, SearchRequest, SearchResult } from './engine.js';
export { gamesCatalog } from './games-catalog.js';
export { type MctsBotOptions, MctsBotSearch } from './mcts-bot.js';
export { type BotModels, type ModelInUse, WatchedBotModels } from './models.js';
export { buildWebServer, describeGame, type WebServerOptions } from './server.js';
export { SessionLimitError, SessionStore, type SessionStoreOptions } from './sessions.js';
export { type RunningWebServer, type StartWebServerOptions, startWebServer } from './start.js';
export { readTrainingStats, type TrainingStats } from './stats.js';
