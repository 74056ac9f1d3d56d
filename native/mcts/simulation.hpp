#pragma once
// One simulation's pieces shared by the arena and the searcher: walking down the tree to a
// leaf, resolving a leaf (terminal / cached / needs the network), and reading the root out
// (visit policy, value, chosen move).
#include <cmath>
#include <vector>

#include "games/game.hpp"
#include "mcts/backup.hpp"
#include "mcts/eval_cache.hpp"
#include "mcts/puct.hpp"
#include "mcts/stats.hpp"

namespace cartridge::mcts {

// Walks from the root through expanded nodes by PUCT; fills `path` and the leaf's `state`.
template <Game G>
uint32_t descend(const Tree& tree, const G& root_state, const SearchParams& params, Path& path, G& state) {
  state = root_state;
  path.clear();
  uint32_t node = Tree::kRoot;
  path.push_back({node, int8_t(1 - root_state.to_move())});
  while (tree[node].state == NodeState::kExpanded) {
    const uint32_t child = select_child(tree, node, params);
    const int mover = state.to_move();
    state.play(tree[child].action);
    path.push_back({child, int8_t(mover)});
    node = child;
  }
  return node;
}

enum class LeafOutcome { kResolved, kNeedsNetwork, kCollision };

// Resolves the leaf a descent reached without the network when it can: terminal positions
// are scored exactly, cached positions reuse the stored network output. `undo_vl` says
// whether the path carries virtual loss to remove on backup.
template <Game G>
LeafOutcome resolve_leaf(Tree& tree, const Path& path, const G& state, EvalCache& cache, SearchStats& stats,
                         bool undo_vl) {
  const uint32_t leaf = path.back().node;
  Node& n = tree[leaf];
  if (n.state == NodeState::kPending) return LeafOutcome::kCollision;
  if (n.state == NodeState::kLeaf && state.is_terminal()) {
    n.state = NodeState::kTerminal;
    n.terminal = int8_t(terminal_value(state));
  }
  if (n.state == NodeState::kTerminal) {
    ++stats.terminal_hits;
    backup(tree, path, n.terminal_value(), state.to_move(), undo_vl);
    return LeafOutcome::kResolved;
  }
  float value = 0.0f;
  if (const float* logits = cache.find(state.hash(), value)) {
    ++stats.cache_hits;
    expand(tree, leaf, state.legal_actions(), logits);
    backup(tree, path, value, state.to_move(), undo_vl);
    return LeafOutcome::kResolved;
  }
  return LeafOutcome::kNeedsNetwork;
}

// Applies one network output to a pending leaf: expand, remember in the cache, back up.
template <Game G>
void apply_network_output(Tree& tree, const Path& path, const G& state, const float* logits, float value,
                          EvalCache& cache, bool undo_vl) {
  expand(tree, path.back().node, state.legal_actions(), logits);
  cache.insert(state.hash(), logits, value);
  backup(tree, path, value, state.to_move(), undo_vl);
}

// Visit distribution over all actions (zeros for illegal / unvisited); returns the visit sum.
inline int32_t root_visits(const Tree& tree, int num_actions, int32_t* visits) {
  for (int a = 0; a < num_actions; ++a) visits[a] = 0;
  const Node& r = tree.root();
  int32_t total = 0;
  for (uint32_t i = r.first_child; i < r.first_child + r.num_children; ++i) {
    visits[tree[i].action] = tree[i].visits;
    total += tree[i].visits;
  }
  return total;
}

inline void root_policy(const Tree& tree, int num_actions, float* policy) {
  int32_t visits[ActionSet::kMaxActions];
  const int32_t total = root_visits(tree, num_actions, visits);
  for (int a = 0; a < num_actions; ++a) policy[a] = total > 0 ? float(visits[a]) / float(total) : 0.0f;
}

// Search value of the root for its side to move: the visit-weighted mean of the children's
// Q (= their value sums over their visits), or the root's own evaluation before any child
// was visited.
inline float root_value(const Tree& tree) {
  const Node& r = tree.root();
  double sum = 0.0;
  int64_t visits = 0;
  for (uint32_t i = r.first_child; i < r.first_child + r.num_children; ++i) {
    sum += tree[i].value_sum;
    visits += tree[i].visits;
  }
  if (visits > 0) return float(sum / double(visits));
  return node_value_for_mover(r);
}

// Most visited child (ties: higher prior, then lower action) when temperature <= 0; else
// samples a child with probability proportional to visits^(1/temperature).
inline int choose_action(const Tree& tree, float temperature, Rng& rng) {
  const Node& r = tree.root();
  if (r.num_children == 0) return -1;
  if (temperature > 0.0f) {
    double weights[ActionSet::kMaxActions];
    double total = 0.0;
    int32_t max_visits = 0;
    for (uint32_t k = 0; k < r.num_children; ++k) max_visits = std::max(max_visits, tree[r.first_child + k].visits);
    for (uint32_t k = 0; k < r.num_children; ++k) {
      const int32_t v = tree[r.first_child + k].visits;
      // Scaled by the maximum so large visit counts with small temperatures do not overflow.
      weights[k] = v == 0 ? 0.0 : std::pow(double(v) / double(max_visits), 1.0 / double(temperature));
      total += weights[k];
    }
    if (total > 0.0) {
      double x = rng.uniform() * total;
      for (uint32_t k = 0; k < r.num_children; ++k) {
        if (weights[k] == 0.0) continue;
        x -= weights[k];
        if (x < 0.0) return tree[r.first_child + k].action;
      }
      for (uint32_t k = r.num_children; k-- > 0;) {
        if (weights[k] > 0.0) return tree[r.first_child + k].action;
      }
    }
  }
  uint32_t best = r.first_child;
  for (uint32_t i = r.first_child + 1; i < r.first_child + r.num_children; ++i) {
    const Node& c = tree[i];
    const Node& b = tree[best];
    if (c.visits > b.visits || (c.visits == b.visits && c.prior > b.prior)) best = i;
  }
  return tree[best].action;
}

}  // namespace cartridge::mcts
