#pragma once
// Parameters of a search, shared by the self-play arena and the single-game searcher.
// Defaults follow AlphaZero; the TypeScript surface fills these from config (section mcts).
#include <cstddef>
#include <cstdint>

namespace cartridge::mcts {

struct SearchParams {
  int simulations = 200;         // simulations per move (root expansion is not counted)
  float c_puct = 1.5f;           // exploration constant in the PUCT formula
  float fpu_reduction = 0.25f;   // first-play urgency: unvisited child Q = parent Q - fpu_reduction
  float dirichlet_alpha = 0.3f;  // root noise concentration (per game; 0 or epsilon 0 = no noise)
  float dirichlet_epsilon = 0.25f;
  int temperature_moves = 0;     // plies sampled from visits^(1/temperature); later plies take the most visited
  float temperature = 1.0f;
  std::size_t cache_entries = 0;  // evaluation cache capacity (rounded down to a power of two); 0 = off
  uint64_t seed = 0;
};

}  // namespace cartridge::mcts
