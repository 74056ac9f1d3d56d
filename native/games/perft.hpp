#pragma once
// Move-generation checks over any Game: perft (leaf count of the game tree cut
// at a depth) and the number of distinct positions at an exact ply. Both are
// compared with published figures (DESIGN.md) to prove the rules exact.
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "games/game.hpp"

namespace cartridge {

// Leaves of the tree of depth `depth` below g; a game that ends earlier is one leaf.
template <Game G>
uint64_t perft(const G& g, int depth) {
  if (depth == 0 || g.is_terminal()) return 1;
  const ActionSet legal = g.legal_actions();
  if (depth == 1) return uint64_t(legal.count());  // every child is a leaf
  uint64_t total = 0;
  legal.for_each([&](int a) {
    G child = g;
    child.play(a);
    total += perft(child, depth - 1);
  });
  return total;
}

// A set of game states keyed on their bytes (the Zobrist hash picks the slot,
// memcmp decides equality), so hash collisions can never merge two positions.
template <Game G>
class StateSet {
  static_assert(std::has_unique_object_representations_v<G>, "state bytes must determine the state");

 public:
  explicit StateSet(size_t expected = 1024) {
    size_t cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    slots_.assign(cap, kEmpty);
  }

  // Inserts g; returns false when an equal state is already present.
  bool insert(const G& g) {
    if ((states_.size() + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = size_t(g.hash()) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = uint32_t(states_.size());
        states_.push_back(g);
        return true;
      }
      if (std::memcmp(&states_[slots_[i]], &g, sizeof(G)) == 0) return false;
    }
  }

  size_t size() const { return states_.size(); }
  const std::vector<G>& states() const { return states_; }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t{0};

  void grow() {
    std::vector<uint32_t> bigger(slots_.size() * 2, kEmpty);
    const size_t mask = bigger.size() - 1;
    for (uint32_t idx = 0; idx < states_.size(); ++idx) {
      size_t i = size_t(states_[idx].hash()) & mask;
      while (bigger[i] != kEmpty) i = (i + 1) & mask;
      bigger[i] = idx;
    }
    slots_.swap(bigger);
  }

  std::vector<uint32_t> slots_;
  std::vector<G> states_;
};

// Distinct positions exactly `depth` plies below g, found level by level.
// Positions that are over before that ply are not expanded (so they do not
// count); those that end exactly at it do.
template <Game G>
uint64_t distinct_positions(const G& g, int depth) {
  std::vector<G> level{g};
  for (int d = 0; d < depth; ++d) {
    StateSet<G> next(level.size() * 4);
    for (const G& s : level) {
      if (s.is_terminal()) continue;
      s.legal_actions().for_each([&](int a) {
        G child = s;
        child.play(a);
        next.insert(child);
      });
    }
    level = next.states();
  }
  return level.size();
}

}  // namespace cartridge
