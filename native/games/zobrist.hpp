#pragma once
// Compile-time Zobrist keys from a fixed splitmix64 stream, so hashes are equal
// across processes and builds (the evaluation cache and solver tables rely on it).
#include <array>
#include <cstdint>

namespace cartridge {

constexpr uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Keys[player][cell] plus one key for "player 2 to move".
template <int Cells>
struct ZobristKeys {
  std::array<std::array<uint64_t, Cells>, 2> piece{};
  uint64_t side_to_move = 0;

  constexpr explicit ZobristKeys(uint64_t seed) {
    uint64_t s = seed;
    for (auto& row : piece)
      for (auto& k : row) k = splitmix64(s);
    side_to_move = splitmix64(s);
  }
};

}  // namespace cartridge
