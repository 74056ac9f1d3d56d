#pragma once
// A small seeded generator (xoshiro256**, seeded through splitmix64) plus the gamma
// and Dirichlet samplers the root noise needs. Every random choice of a search comes
// from one of these, so a search is reproducible from its seed.
#include <cmath>
#include <cstdint>

#include "games/zobrist.hpp"

namespace cartridge::mcts {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : s_) w = splitmix64(s);
    has_spare_normal_ = false;
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_normal_ = v * m;
    has_spare_normal_ = true;
    return u * m;
  }

  // Gamma(shape, 1) by Marsaglia-Tsang; shapes below 1 use the boost Gamma(a+1) * U^(1/a).
  double gamma(double shape) {
    if (shape < 1.0) {
      double u;
      do u = uniform();
      while (u == 0.0);
      return gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Fills out[0..n) with one Dirichlet(alpha, ..., alpha) sample.
  void dirichlet(double alpha, int n, float* out) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      const double g = gamma(alpha);
      out[i] = float(g);
      sum += g;
    }
    if (sum <= 0.0) {  // every draw underflowed (tiny alpha): fall back to a uniform sample
      for (int i = 0; i < n; ++i) out[i] = 1.0f / float(n);
      return;
    }
    for (int i = 0; i < n; ++i) out[i] = float(out[i] / sum);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// Seed of the n-th stream derived from a base seed (per game slot, per episode).
inline uint64_t derive_seed(uint64_t base, uint64_t n) {
  uint64_t s = base ^ (n * 0xD1B54A32D192ED03ull);
  return splitmix64(s);
}

}  // namespace cartridge::mcts
