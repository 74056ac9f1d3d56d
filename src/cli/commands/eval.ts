// `cartridge eval`: strength of an agent (MCTS over a model, or over the uniform
// model without --model) against ground truth — Pons positions + solver (Connect4),
// every TicTacToe position — or in matches against another agent.
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { dataPaths } from '../../config/index.js';
import {
  type Agent,
  type Connect4Solver,
  Connect4SolverAgent,
  createConnect4Solver,
  defaultHeuristic,
  EVAL_GAMES,
  type EvalGameId,
  initialState,
  MctsAgent,
  MinimaxAgent,
  mistakeRate,
  playMatch,
  RandomAgent,
  readPonsPositions,
  TicTacToePerfectAgent,
  tictactoeExhaustive,
} from '../../eval/index.js';
import { gameShape } from '../../games/index.js';
import { OnnxModel, type PolicyValueModel, UniformModel } from '../../inference/index.js';
import { formatLadder, ladderPath, readLadder } from '../../orchestrator/ladder.js';
import { loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';

interface EvalOptions {
  agent?: string;
  game?: string;
  model?: string;
  sims?: string;
  positions?: string;
  exhaustive?: boolean;
  vs?: string;
  games?: string;
  seed: string;
  openingPlies?: string;
  json?: boolean;
  ladder?: boolean;
  dataDir?: string;
}

function positiveInt(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** JSON without Infinity/NaN (an Elo bound is infinite when one side scored everything). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

function progress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} {eta_formatted}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

async function loadModel(path: string, game: EvalGameId): Promise<PolicyValueModel> {
  if (!existsSync(path)) throw new UsageError(`model file not found: ${path}`);
  return OnnxModel.load(path, gameShape(game));
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'measure an agent (MCTS over --model, or over a uniform model) against perfect play or another agent',
    )
    .option('--game <id>', `game (${EVAL_GAMES.join(', ')}); default common.env_id`)
    .option(
      '--agent <spec>',
      'agent under test: mcts (over --model, default) | random | solver | model:<path> | minimax:<depth>',
    )
    .option('--model <path>', 'ONNX model for the agent under test (default: uniform policy, zero value)')
    .option('--sims <n>', 'MCTS simulations per move (default evaluation.simulations)')
    .option(
      '--positions <file>',
      'Connect4: Pons-format positions "<moves> <score>"; reports the mistake rate',
    )
    .option('--exhaustive', 'TicTacToe: share of all 4,520 non-terminal positions where the move is optimal')
    .option('--vs <opponent>', 'match against random | solver | model:<path> | minimax:<depth>')
    .option('--games <n>', 'games per match, colours alternate (default evaluation.games)')
    .option('--seed <s>', 'seed for openings, tie-breaks and random agents', '0')
    .option(
      '--opening-plies <n>',
      'random plies shared by each pair of games, for variety (0: from the start)',
      '0',
    )
    .option('--ladder', "print the Elo ladder of a training run's promoted models (<data-dir>/ladder.json)")
    .option('--data-dir <dir>', "with --ladder: the run's data directory (common.data_dir)")
    .option('--json', 'print one JSON object')
    .action(async (options: EvalOptions, command: Command) => {
      const { config } = loadCommandConfig(command, {
        game: { key: 'common.env_id', flag: '--game' },
        sims: { key: 'evaluation.simulations', flag: '--sims' },
        games: { key: 'evaluation.games', flag: '--games' },
        dataDir: { key: 'common.data_dir', flag: '--data-dir' },
      });
      if (options.ladder) {
        if (options.positions !== undefined || options.exhaustive || options.vs !== undefined)
          throw new UsageError(
            "--ladder reads a run's ladder; it does not combine with --positions, --exhaustive, --vs",
          );
        const path = ladderPath(dataPaths(config).dataDir);
        const ladder = readLadder(path);
        process.stdout.write(options.json ? `${toJson({ file: path, ...ladder })}\n` : formatLadder(ladder));
        return;
      }
      if (options.dataDir !== undefined) throw new UsageError('--data-dir is only used with --ladder');
      const game = (options.game ?? config.common.env_id) as EvalGameId;
      if (!EVAL_GAMES.includes(game)) {
        throw new UsageError(`--game: eval supports ${EVAL_GAMES.join(', ')}, got "${game}"`);
      }
      const sims = positiveInt(String(options.sims ?? config.evaluation.simulations), '--sims');
      const games = positiveInt(String(options.games ?? config.evaluation.games), '--games');
      const seed = positiveInt(options.seed, '--seed', 0);
      const openingPlies = positiveInt(options.openingPlies ?? '0', '--opening-plies', 0);
      const modes = [options.positions !== undefined, options.exhaustive === true, options.vs !== undefined];
      if (modes.filter(Boolean).length > 1)
        throw new UsageError('choose one of --positions, --exhaustive, --vs');
      if (options.positions !== undefined && game !== 'connect4')
        throw new UsageError('--positions needs --game connect4');
      if (options.exhaustive && game !== 'tictactoe')
        throw new UsageError('--exhaustive needs --game tictactoe');

      let solver: Connect4Solver | undefined;
      const getSolver = () => {
        solver ??= createConnect4Solver();
        return solver;
      };
      const models: PolicyValueModel[] = [];
      const mcts = async (path: string | undefined): Promise<Agent> => {
        const { obsSize, numActions } = gameShape(game);
        const model = path ? await loadModel(path, game) : new UniformModel(obsSize, numActions);
        models.push(model);
        return new MctsAgent(model, { envId: game, simulations: sims, seed });
      };
      const perfect = (tieBreakSeed: number): Agent => {
        if (game === 'connect4') return new Connect4SolverAgent(getSolver(), { tieBreakSeed });
        if (game === 'tictactoe') return new TicTacToePerfectAgent({ tieBreakSeed });
        throw new UsageError(`solver: a perfect player exists for connect4 and tictactoe, not ${game}`);
      };
      /** random | solver | model:<path> | minimax:<depth> | mcts (over --model). */
      const agentFromSpec = async (spec: string, flag: string, agentSeed: number): Promise<Agent> => {
        if (spec === 'mcts') return mcts(options.model);
        if (spec === 'random') return new RandomAgent(agentSeed);
        if (spec === 'solver') return perfect(agentSeed);
        if (spec.startsWith('model:')) return mcts(spec.slice(6));
        if (spec.startsWith('minimax:')) {
          const depth = positiveInt(spec.slice(8), `${flag} minimax:<depth>`);
          return new MinimaxAgent(depth, defaultHeuristic(game), agentSeed);
        }
        throw new UsageError(
          `${flag}: expected random | solver | model:<path> | minimax:<depth>, got "${spec}"`,
        );
      };
      const agent = await agentFromSpec(options.agent ?? 'mcts', '--agent', seed);
      const match = async (opponent: Agent, plies = openingPlies) => {
        const bar = progress(`${agent.name} vs ${opponent.name}`);
        try {
          return await playMatch(agent, opponent, {
            games,
            seed,
            newGame: () => initialState(game),
            randomOpeningPlies: plies,
            onGame: bar.update,
          });
        } finally {
          bar.stop();
        }
      };

      let result: Record<string, unknown>;
      let summary: string;
      if (options.positions !== undefined) {
        if (!existsSync(options.positions))
          throw new UsageError(`--positions: file not found: ${options.positions}`);
        let positions: ReturnType<typeof readPonsPositions>;
        try {
          positions = readPonsPositions(options.positions);
        } catch (error) {
          throw new UsageError(`--positions: ${(error as Error).message}`);
        }
        const bar = progress('positions');
        const report = await mistakeRate(agent, positions, getSolver(), bar.update).finally(bar.stop);
        result = {
          mode: 'positions',
          file: options.positions,
          positions: report.positions,
          mistakes: report.mistakes,
          mistake_rate: report.mistakeRate,
          details: report.details,
        };
        summary = `mistake rate: ${(100 * report.mistakeRate).toFixed(2)} % (${report.mistakes}/${report.positions})`;
      } else if (options.exhaustive) {
        const bar = progress('positions');
        const report = await tictactoeExhaustive(agent, bar.update).finally(bar.stop);
        const vsPerfect = await match(perfect(seed + 1), 0); // from the empty board, both colours
        result = {
          mode: 'exhaustive',
          positions: report.positions,
          optimal: report.optimal,
          optimal_rate: report.optimalRate,
          mistakes: report.mistakes,
          vs_perfect: vsPerfect,
        };
        summary =
          `optimal moves: ${(100 * report.optimalRate).toFixed(2)} % (${report.optimal}/${report.positions})\n` +
          `vs perfect: +${vsPerfect.wins} =${vsPerfect.draws} -${vsPerfect.losses}`;
      } else {
        const vs = options.vs ?? 'random';
        const opponent = await agentFromSpec(vs, '--vs', seed + 1);
        const r = await match(opponent);
        result = { mode: 'match', opponent: opponent.name, ...r };
        const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : x > 0 ? '+inf' : '-inf');
        summary = `+${r.wins} =${r.draws} -${r.losses} (score ${(100 * r.score).toFixed(1)} %), Elo ${fmt(r.elo)} [95% CI ${fmt(r.low)}, ${fmt(r.high)}]`;
      }
      for (const model of models) await model.release();
      const header = { game, agent: agent.name, simulations: sims, seed };
      if (options.json) process.stdout.write(`${toJson({ ...header, ...result })}\n`);
      else process.stdout.write(`${game}: ${agent.name}\n${summary}\n`);
    });
}
