#pragma once
// The solver's transposition table: a fixed-size, always-replace hash table.
//
// Keys are Position::key() (< 2^49). The table size is a prime p > 2^17 and each
// slot keeps only the low 32 bits of the key: key mod p picks the slot, so by the
// Chinese remainder theorem (p * 2^32 > 2^49) slot + stored bits identify the key
// exactly — 5 bytes per entry and no false hits. Value 0 means "empty".
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace cartridge::solver {

class TranspositionTable {
 public:
  // At least 2^log2_entries entries (rounded up to a prime); log2_entries in [18, 30].
  explicit TranspositionTable(int log2_entries) {
    if (log2_entries < 18 || log2_entries > 30) {
      throw std::invalid_argument("transposition table log2 size must be in [18, 30]");
    }
    const uint64_t size = next_prime(uint64_t{1} << log2_entries);
    keys_.assign(size, 0);
    values_.assign(size, 0);
  }

  void reset() {
    std::fill(keys_.begin(), keys_.end(), 0);
    std::fill(values_.begin(), values_.end(), 0);
  }
  void put(uint64_t key, uint8_t value) {
    const uint64_t i = key % keys_.size();
    keys_[i] = static_cast<uint32_t>(key);
    values_[i] = value;
  }
  uint8_t get(uint64_t key) const {
    const uint64_t i = key % keys_.size();
    return keys_[i] == static_cast<uint32_t>(key) ? values_[i] : 0;
  }
  uint64_t size() const { return keys_.size(); }
  uint64_t bytes() const { return keys_.size() * (sizeof(uint32_t) + sizeof(uint8_t)); }

 private:
  static bool is_prime(uint64_t n) {
    if (n < 2) return false;
    for (uint64_t d = 2; d * d <= n; ++d) {
      if (n % d == 0) return false;
    }
    return true;
  }
  static uint64_t next_prime(uint64_t n) {
    while (!is_prime(n)) ++n;
    return n;
  }

  std::vector<uint32_t> keys_;
  std::vector<uint8_t> values_;
};

}  // namespace cartridge::solver
