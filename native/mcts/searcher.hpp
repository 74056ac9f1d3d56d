#pragma once
// Single-game search for play and evaluation. One tree, S simulations per search, leaves
// gathered in batches of up to max_batch with virtual loss (integer counters, so undoing
// them is exact). No root noise. The caller drives it with the same batch contract as the
// arena:
//   begin(); while ((n = step(logits, values, obs)) > 0) { evaluate obs[0..n) → logits, values }
// then read visits / policy / value / chosen move.
#include <algorithm>
#include <vector>

#include "mcts/simulation.hpp"

namespace cartridge::mcts {

template <Game G>
class Searcher {
 public:
  static constexpr int kActions = G::kInfo.num_actions;
  static constexpr int kObs = G::kInfo.obs_size;
  // Virtual-loss counters are 16-bit: at most this many leaves in flight.
  static constexpr int kMaxBatch = 4096;

  Searcher(const SearchParams& params, int max_batch)
      : params_(params), max_batch_(std::clamp(max_batch, 1, kMaxBatch)), cache_(params.cache_entries, kActions), rng_(params.seed) {
    pending_.resize(std::size_t(max_batch_));
  }

  const SearchParams& params() const { return params_; }
  int max_batch() const { return max_batch_; }

  // Starts from `state` with a fresh tree.
  void set_root(const G& state) {
    root_state_ = state;
    tree_.reset();
    num_pending_ = 0;
    sims_started_ = sims_target_ = 0;
  }

  // Plays `action` at the root and keeps the subtree under it (tree reuse).
  void advance(int action) {
    const uint32_t child = tree_.child_by_action(Tree::kRoot, action);
    root_state_.play(action);
    if (child != 0) {
      tree_.reroot(child);
    } else {
      tree_.reset();
    }
    num_pending_ = 0;
    sims_started_ = sims_target_ = 0;
  }

  // Arms a search of `simulations` more simulations (0 = params().simulations).
  void begin(int simulations = 0) {
    sims_started_ = 0;
    sims_target_ = simulations > 0 ? simulations : params_.simulations;
    num_pending_ = 0;
  }

  // Applies the outputs for the previous batch (null when there was none), then gathers the
  // next batch; returns its size, 0 when the search is complete.
  int step(const float* logits, const float* values, float* obs_out) {
    ScopedTimer timer(stats_.tree_time_ns);
    for (int i = 0; i < num_pending_; ++i) {
      Pending& p = pending_[std::size_t(i)];
      apply_network_output(tree_, p.path, p.state, logits + std::size_t(i) * kActions, values[i], cache_, true);
      if (p.path.size() > 1) ++stats_.simulations;
    }
    num_pending_ = 0;
    if (root_state_.is_terminal()) return 0;
    while (num_pending_ < max_batch_) {
      if (tree_.root().state == NodeState::kLeaf) {
        // The root is evaluated alone: nothing can be selected below it before that.
        Pending& p = pending_[0];
        p.path.assign(1, PathStep{Tree::kRoot, int8_t(1 - root_state_.to_move())});
        p.state = root_state_;
        add_virtual_loss(tree_, p.path);
        if (resolve_leaf(tree_, p.path, p.state, cache_, stats_, true) == LeafOutcome::kResolved) continue;
        tree_[Tree::kRoot].state = NodeState::kPending;
        write_observation(p.state, obs_out);
        num_pending_ = 1;
        break;
      }
      if (tree_.root().state == NodeState::kPending || sims_started_ >= sims_target_) break;
      Pending& p = pending_[std::size_t(num_pending_)];
      descend(tree_, root_state_, params_, p.path, p.state);
      add_virtual_loss(tree_, p.path);
      const LeafOutcome outcome = resolve_leaf(tree_, p.path, p.state, cache_, stats_, true);
      if (outcome == LeafOutcome::kCollision) {
        // Another in-flight simulation is already expanding this leaf: send the batch now.
        remove_virtual_loss(tree_, p.path);
        break;
      }
      ++sims_started_;
      if (outcome == LeafOutcome::kResolved) {
        ++stats_.simulations;
        continue;
      }
      tree_[p.path.back().node].state = NodeState::kPending;
      write_observation(p.state, obs_out + std::size_t(num_pending_) * kObs);
      ++num_pending_;
    }
    if (num_pending_ > 0) {
      ++stats_.batch_steps;
      stats_.batch_leaves += uint64_t(num_pending_);
      stats_.network_evaluations += uint64_t(num_pending_);
    } else {
      ++stats_.moves;
    }
    return num_pending_;
  }

  bool done() const { return num_pending_ == 0 && (root_state_.is_terminal() || sims_started_ >= sims_target_); }

  const G& root_state() const { return root_state_; }
  const Tree& tree() const { return tree_; }
  float value() const { return root_value(tree_); }
  int32_t visits(int32_t* out) const { return root_visits(tree_, kActions, out); }
  void policy(float* out) const { root_policy(tree_, kActions, out); }
  int choose(float temperature) { return choose_action(tree_, temperature, rng_); }

  SearchStats stats() const {
    SearchStats s = stats_;
    s.tree_nodes = tree_.size();
    s.cache_lookups = cache_.lookups();
    return s;
  }

 private:
  struct Pending {
    Path path;
    G state;
  };

  SearchParams params_;
  int max_batch_;
  EvalCache cache_;
  Rng rng_;
  Tree tree_;
  G root_state_{};
  std::vector<Pending> pending_;
  int num_pending_ = 0;
  int sims_started_ = 0;
  int sims_target_ = 0;
  SearchStats stats_;
};

}  // namespace cartridge::mcts
