#pragma once
// Counters a search reports (per arena / per searcher).
#include <chrono>
#include <cstdint>

namespace cartridge::mcts {

struct SearchStats {
  uint64_t simulations = 0;          // completed simulations (root expansions not counted)
  uint64_t network_evaluations = 0;  // leaves written to a batch for the network
  uint64_t cache_hits = 0;           // leaves answered by the evaluation cache
  uint64_t cache_lookups = 0;
  uint64_t terminal_hits = 0;        // leaves resolved exactly because the game was over
  uint64_t batch_steps = 0;          // step() calls that returned a non-empty batch
  uint64_t batch_leaves = 0;         // sum of batch sizes (average fill = batch_leaves / batch_steps)
  uint64_t moves = 0;                // moves played (arena) / searches finished (searcher)
  uint64_t episodes = 0;             // finished games (arena)
  uint64_t tree_nodes = 0;           // nodes currently held by the tree(s)
  uint64_t tree_time_ns = 0;         // wall time spent inside the search (selection, expansion, backup)
};

// Adds the elapsed time of a scope to a counter.
class ScopedTimer {
 public:
  explicit ScopedTimer(uint64_t& sink) : sink_(sink), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() {
    sink_ += uint64_t(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count());
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  uint64_t& sink_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace cartridge::mcts
