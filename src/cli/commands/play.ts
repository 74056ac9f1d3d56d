// `cartridge play`: a game against the bot in the terminal. Moves are read line by line
// (readline), so piped input works as well as a person at a TTY; EOF ends cleanly.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { dataPaths } from '../../config/index.js';
import { GameState, gameShape } from '../../games/index.js';
import { ModelContractError, OnnxModel, type PolicyValueModel, UniformModel } from '../../inference/index.js';
import { type LineSource, playTerminalGame, SearchBot } from '../../play/index.js';
import { loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';

interface PlayOptions {
  game?: string;
  model?: string;
  sims?: string;
  humanFirst?: boolean;
  botFirst?: boolean;
  seed?: string;
}

async function loadModel(path: string, envId: string): Promise<PolicyValueModel> {
  try {
    return await OnnxModel.load(path, gameShape(envId));
  } catch (error) {
    if (error instanceof ModelContractError) {
      const { obsSize, numActions } = gameShape(envId);
      throw new UsageError(
        `${error.message}\n${envId} needs a model with obs_size ${obsSize} and num_actions ${numActions} (see --model, --game)`,
      );
    }
    throw error;
  }
}

/** Lines from stdin; the prompt goes through readline on a TTY (line editing), plain stdout otherwise. */
function stdinLines(): { readLine: LineSource; close: () => void } {
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
  rl.on('SIGINT', () => rl.close()); // Ctrl-C at the prompt ends like EOF
  const lines = rl[Symbol.asyncIterator]();
  const readLine: LineSource = async (prompt) => {
    if (terminal) {
      rl.setPrompt(prompt);
      rl.prompt();
    } else {
      process.stdout.write(prompt);
    }
    const next = await lines.next();
    if (next.done) return null;
    // Piped moves are not echoed by a terminal: show them so the transcript reads like a game.
    if (!terminal) process.stdout.write(`${next.value}\n`);
    return next.value;
  };
  return { readLine, close: () => rl.close() };
}

export function registerPlayCommand(program: Command): void {
  program
    .command('play')
    .description('play against the bot (MCTS over the best model) in the terminal; moves are read from stdin')
    .option('--game <id>', 'game to play (common.env_id)')
    .option('--model <path>', 'ONNX model (default <data_dir>/models/best.onnx if present, else uniform)')
    .option('--sims <n>', 'bot simulations per move (web.bot_simulations)')
    .option('--human-first', 'you play X and move first (default)')
    .option('--bot-first', 'the bot plays X and moves first')
    .option('--seed <s>', 'seed for the bot search, 0 = random (common.seed)')
    .action(async (options: PlayOptions, command: Command) => {
      const { config } = loadCommandConfig(command, {
        game: { key: 'common.env_id', flag: '--game' },
        sims: { key: 'web.bot_simulations', flag: '--sims' },
        seed: { key: 'common.seed', flag: '--seed' },
      });
      if (options.humanFirst && options.botFirst)
        throw new UsageError('choose one of --human-first, --bot-first');
      const envId = config.common.env_id;
      const simulations = config.web.bot_simulations;
      const seed = config.common.seed || 1 + Math.floor(Math.random() * 2 ** 31);

      let model: PolicyValueModel;
      let modelLine: string;
      if (options.model !== undefined) {
        if (!existsSync(options.model)) throw new UsageError(`--model: file not found: ${options.model}`);
        model = await loadModel(options.model, envId);
        modelLine = `${options.model} (${model.version})`;
      } else {
        const best = join(dataPaths(config).modelsDir, 'best.onnx');
        if (existsSync(best)) {
          model = await loadModel(best, envId);
          modelLine = `${best} (${model.version})`;
        } else {
          const { obsSize, numActions } = gameShape(envId);
          model = new UniformModel(obsSize, numActions);
          modelLine = `uniform (no ${best} yet: uniform priors, value 0)`;
        }
      }
      const bot = new SearchBot(model, {
        envId,
        simulations,
        cPuct: config.mcts.c_puct,
        fpuReduction: config.mcts.fpu_reduction,
        leafBatch: config.mcts.leaf_batch,
        cacheSize: config.mcts.cache_size,
        seed,
      });
      const humanPlayer = options.botFirst ? 1 : 0;
      const example = new GameState(envId);
      const write = (text: string) => process.stdout.write(text);
      write(
        `${example.info.display_name}: you are ${humanPlayer === 0 ? 'X (you move first)' : 'O (the bot moves first)'}.\n` +
          `Bot: MCTS, ${simulations} simulations per move, seed ${seed}. Model: ${modelLine}.\n` +
          `Type a move as ${example.info.display_name} writes it (e.g. ${example.formatMove(example.legalActions()[0]!)}), or "quit".\n`,
      );

      const input = stdinLines();
      try {
        const result = await playTerminalGame({ envId, humanPlayer, bot, readLine: input.readLine, write });
        if (result.kind === 'quit') write('Game abandoned.\n');
        if (result.kind === 'eof') write('\nInput ended; game abandoned.\n');
      } finally {
        input.close();
        await model.release();
      }
    });
}
