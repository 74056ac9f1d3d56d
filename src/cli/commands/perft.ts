// `cartridge perft <game> <depth> [--distinct]`: counts that prove the move
// generator exact against published figures. The count is the last line printed.
import type { Command } from 'commander';
import { gameIds, isGameId, perft } from '../../games/index.js';
import { UsageError } from '../errors.js';

interface PerftOptions {
  distinct?: boolean;
}

export function registerPerftCommand(program: Command): void {
  program
    .command('perft')
    .description(
      'count the leaves of the game tree cut at <depth> plies (a game that ends earlier is one leaf); ' +
        'with --distinct, the distinct positions at exactly that ply',
    )
    .argument('<game>', `game id (${gameIds().join(', ')})`)
    .argument('<depth>', 'plies, an integer >= 0')
    .option('--distinct', 'count distinct positions at that ply (terminal ones included, not expanded)')
    .action((game: string, depthText: string, options: PerftOptions) => {
      if (!isGameId(game))
        throw new UsageError(`perft: unknown game "${game}" (known: ${gameIds().join(', ')})`);
      if (!/^\d+$/.test(depthText.trim())) {
        throw new UsageError(`perft: depth must be an integer >= 0, got "${depthText}"`);
      }
      const depth = Number(depthText);
      const distinct = options.distinct ?? false;
      const start = process.hrtime.bigint();
      const count = perft(game, depth, { distinct });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const what = distinct ? 'distinct positions at ply' : 'perft depth';
      process.stdout.write(`${game} ${what} ${depth} (${ms.toFixed(1)} ms)\n${count}\n`);
    });
}
