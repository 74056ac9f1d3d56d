// Public surface of terminal play: the bot and the game loop behind `cartridge play`.
export { type Bot, type BotMove, SearchBot, type SearchBotOptions } from './bot.js';
export {
  type LineSource,
  playTerminalGame,
  type TerminalGameOptions,
  type TerminalGameResult,
  topMoves,
} from './game.js';
