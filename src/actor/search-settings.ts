// Self-play search settings from the config. Where a key is 0 ("per game"), the default
// is derived from the game's size rather than from its name, so a new game needs no entry:
// Dirichlet alpha ≈ 10 / number of actions (AlphaZero's rule of thumb), clamped to
// [0.03, 1]; temperature for the first third of the board's cells.
import type { CartridgeConfig } from '../config/index.js';
import type { ModelShape } from '../inference/index.js';
import type { ArenaOptions } from '../search/index.js';

export interface BoardSize {
  cells: number;
}

export function actorSearchOptions(
  config: CartridgeConfig,
  shape: ModelShape,
  simulations: number,
): Omit<ArenaOptions, 'envId' | 'numGames' | 'seed'> {
  const { mcts } = config;
  // obs = 2 cell planes + legal plane + 2 side-to-move values.
  const cells = (shape.obsSize - shape.numActions - 2) / 2;
  return {
    simulations,
    cPuct: mcts.c_puct,
    fpuReduction: mcts.fpu_reduction,
    cacheSize: mcts.cache_size,
    dirichletAlpha:
      mcts.dirichlet_alpha > 0 ? mcts.dirichlet_alpha : Math.min(1, Math.max(0.03, 10 / shape.numActions)),
    dirichletEpsilon: mcts.dirichlet_epsilon,
    temperature: mcts.temperature,
    temperatureMoves:
      mcts.temperature_moves > 0 ? mcts.temperature_moves : Math.max(1, Math.round(cells / 3)),
  };
}
