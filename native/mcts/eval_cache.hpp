#pragma once
// A bounded cache of network outputs keyed by position hash, so a position met again
// (transpositions, repeated openings across games) skips the network. Direct-mapped:
// slot = hash & mask, the full 64-bit hash is stored and compared, so a false hit needs a
// full 64-bit Zobrist collision. The raw logits are stored, so a hit reproduces exactly
// what the network returned (priors are recomputed by the same masked softmax).
#include <cstdint>
#include <cstring>
#include <vector>

namespace cartridge::mcts {

class EvalCache {
 public:
  // capacity_entries is rounded down to a power of two; 0 disables the cache.
  EvalCache(std::size_t capacity_entries, int num_actions) : num_actions_(num_actions) {
    std::size_t cap = 0;
    if (capacity_entries > 0) {
      cap = 1;
      while (cap * 2 <= capacity_entries) cap *= 2;
    }
    mask_ = cap == 0 ? 0 : cap - 1;
    hashes_.assign(cap, 0);
    used_.assign(cap, 0);
    values_.assign(cap, 0.0f);
    logits_.assign(cap * std::size_t(num_actions), 0.0f);
  }

  bool enabled() const { return !hashes_.empty(); }
  std::size_t capacity() const { return hashes_.size(); }

  // On a hit returns the stored logits (num_actions floats) and sets value.
  const float* find(uint64_t hash, float& value) {
    if (!enabled()) return nullptr;
    ++lookups_;
    const std::size_t slot = hash & mask_;
    if (!used_[slot] || hashes_[slot] != hash) return nullptr;
    ++hits_;
    value = values_[slot];
    return &logits_[slot * std::size_t(num_actions_)];
  }

  void insert(uint64_t hash, const float* logits, float value) {
    if (!enabled()) return;
    const std::size_t slot = hash & mask_;
    used_[slot] = 1;
    hashes_[slot] = hash;
    values_[slot] = value;
    std::memcpy(&logits_[slot * std::size_t(num_actions_)], logits, sizeof(float) * std::size_t(num_actions_));
  }

  uint64_t lookups() const { return lookups_; }
  uint64_t hits() const { return hits_; }

 private:
  int num_actions_;
  std::size_t mask_ = 0;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> used_;
  std::vector<float> values_;
  std::vector<float> logits_;
  uint64_t lookups_ = 0;
  uint64_t hits_ = 0;
};

}  // namespace cartridge::mcts
