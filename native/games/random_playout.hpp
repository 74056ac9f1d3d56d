#pragma once
// Uniformly random playouts over any Game: the engines' throughput benchmark
// and the fuzz tests' move source.
#include <cstdint>

#include "games/game.hpp"
#include "games/zobrist.hpp"

namespace cartridge {

// A small, fast, seedable generator (splitmix64 stream).
class PlayoutRng {
 public:
  explicit PlayoutRng(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64(state_); }
  // Uniform in [0, n) by multiply-shift (bias below 2^-32 for the n used here).
  int below(int n) { return int((next() >> 32) * uint64_t(n) >> 32); }

 private:
  uint64_t state_;
};

// A uniformly random legal action; precondition: g is not terminal.
template <Game G>
int random_action(const G& g, PlayoutRng& rng) {
  const ActionSet legal = g.legal_actions();
  return legal.nth(rng.below(legal.count()));
}

// Plays random moves from g to the end; returns the finished game.
template <Game G>
G random_playout(G g, PlayoutRng& rng) {
  while (!g.is_terminal()) g.play(random_action(g, rng));
  return g;
}

}  // namespace cartridge
