// `cartridge solve connect4 <moves>`: exact score of a position (Pascal Pons'
// convention) and the score of every move, from the C++ perfect solver.
import type { Command } from 'commander';
import { createConnect4Solver } from '../../eval/index.js';
import { UsageError } from '../errors.js';

interface SolveOptions {
  weak?: boolean;
  tableLog2: string;
  json?: boolean;
}

export function registerSolveCommand(program: Command): void {
  program
    .command('solve')
    .description(
      'solve a Connect4 position given as columns played (digits 1..7, e.g. 4453): ' +
        'score > 0 = the side to move wins (22 - its stones at the win), 0 = draw, < 0 = loss',
    )
    .argument('<game>', 'game id (connect4)')
    .argument('[moves]', 'columns played from the empty board, 1 = leftmost', '')
    .option('--weak', 'only win/draw/loss (scores -1, 0, 1); faster')
    .option('--table-log2 <n>', 'transposition table size, log2 of entries (18..30; 23 = 40 MB)', '23')
    .option('--json', 'print {"moves", "score", "moveScores": [7 × score|null]}')
    .action((game: string, moves: string, options: SolveOptions) => {
      if (game !== 'connect4')
        throw new UsageError(`solve: unknown or unsupported game "${game}" (supported: connect4)`);
      if (!/^[1-7]*$/.test(moves))
        throw new UsageError(`solve: moves must be digits 1..7 (columns), got "${moves}"`);
      const tableLog2 = Number(options.tableLog2);
      if (!Number.isInteger(tableLog2) || tableLog2 < 18 || tableLog2 > 30) {
        throw new UsageError(`--table-log2 must be an integer in 18..30, got "${options.tableLog2}"`);
      }
      const solver = createConnect4Solver({ tableLog2 });
      const problem = solver.validate(moves);
      if (problem !== null) throw new UsageError(`solve: ${problem}`);
      const weak = options.weak ?? false;
      const moveScores = solver.analyze(moves, weak);
      // Negamax: the position is worth its best move (a full board, with no moves, is a draw).
      const playable = moveScores.filter((s): s is number => s !== null);
      const score = playable.length ? Math.max(...playable) : solver.solve(moves, weak);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ moves, score, weak, moveScores })}\n`);
        return;
      }
      const lines = [`score: ${score}`];
      for (const [col, s] of moveScores.entries()) lines.push(`${col + 1}: ${s === null ? 'full' : s}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
