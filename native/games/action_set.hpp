#pragma once
// A set of action indices as a fixed 128-bit mask: big enough for every game
// (Othello 8x8 has 65 actions), cheap to copy and to iterate.
#include <bit>
#include <cstdint>

namespace cartridge {

class ActionSet {
 public:
  static constexpr int kMaxActions = 128;

  constexpr void set(int action) { words_[action >> 6] |= uint64_t{1} << (action & 63); }
  constexpr void reset(int action) { words_[action >> 6] &= ~(uint64_t{1} << (action & 63)); }
  constexpr bool test(int action) const { return (words_[action >> 6] >> (action & 63)) & 1; }
  constexpr int count() const { return std::popcount(words_[0]) + std::popcount(words_[1]); }
  constexpr bool empty() const { return (words_[0] | words_[1]) == 0; }
  constexpr uint64_t word(int i) const { return words_[i]; }
  constexpr void set_word(int i, uint64_t bits) { words_[i] = bits; }

  // Calls f(action) for each member in increasing order.
  template <class F>
  constexpr void for_each(F&& f) const {
    for (int w = 0; w < 2; ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        f(w * 64 + std::countr_zero(bits));
      }
    }
  }

  // The n-th member (0-based) in increasing order; precondition n < count().
  constexpr int nth(int n) const {
    for (int w = 0; w < 2; ++w) {
      const int c = std::popcount(words_[w]);
      if (n < c) {
        uint64_t bits = words_[w];
        for (int i = 0; i < n; ++i) bits &= bits - 1;
        return w * 64 + std::countr_zero(bits);
      }
      n -= c;
    }
    return -1;
  }

  friend constexpr bool operator==(const ActionSet&, const ActionSet&) = default;

 private:
  uint64_t words_[2] = {0, 0};
};

}  // namespace cartridge
