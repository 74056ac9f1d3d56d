#pragma once
// Selection (PUCT), priors from the network's logits, and root noise.
//
// PUCT score of child c at parent p, from the side to move at p:
//   Q(c) + c_puct * P(c) * sqrt(N(p)) / (1 + N(c))
// where N counts real visits plus in-flight virtual losses, and a virtual loss counts as a
// loss (-1) for the chooser. First-play urgency: an unvisited child's Q is the parent's
// current value (from the chooser's side) minus fpu_reduction — unexplored moves are assumed
// a bit worse than the position's average, so search deepens good lines before widening.
#include <cmath>
#include <limits>

#include "games/action_set.hpp"
#include "mcts/node.hpp"
#include "mcts/rng.hpp"
#include "mcts/search_params.hpp"

namespace cartridge::mcts {

// Parent value from the side to move at `parent` (its value_sum is the chooser's, one level up).
inline float node_value_for_mover(const Node& n) {
  const int32_t visits = n.visits + n.virtual_loss;
  if (visits == 0) return 0.0f;
  return -(n.value_sum - float(n.virtual_loss)) / float(visits);
}

inline uint32_t select_child(const Tree& tree, uint32_t parent, const SearchParams& params) {
  const Node& p = tree[parent];
  const float sqrt_n = std::sqrt(float(p.visits + p.virtual_loss));
  const float fpu = node_value_for_mover(p) - params.fpu_reduction;
  uint32_t best = p.first_child;
  float best_score = -std::numeric_limits<float>::infinity();
  for (uint32_t i = p.first_child, end = p.first_child + p.num_children; i < end; ++i) {
    const Node& c = tree[i];
    const int32_t n = c.visits + c.virtual_loss;
    const float q = n == 0 ? fpu : (c.value_sum - float(c.virtual_loss)) / float(n);
    const float score = q + params.c_puct * c.prior * sqrt_n / float(1 + n);
    if (score > best_score) {
      best_score = score;
      best = i;
    }
  }
  return best;
}

// Creates the children of `leaf` for the legal actions with priors = softmax of the logits
// restricted to the legal actions.
inline void expand(Tree& tree, uint32_t leaf, const ActionSet& legal, const float* logits) {
  const int n = legal.count();
  const uint32_t first = tree.add_children(leaf, n);
  float max_logit = -std::numeric_limits<float>::infinity();
  legal.for_each([&](int a) { max_logit = std::max(max_logit, logits[a]); });
  float sum = 0.0f;
  uint32_t i = first;
  legal.for_each([&](int a) {
    Node& c = tree[i++];
    c.action = int16_t(a);
    c.prior = std::exp(logits[a] - max_logit);
    sum += c.prior;
  });
  for (uint32_t k = first; k < first + uint32_t(n); ++k) tree[k].prior /= sum;
  tree[leaf].state = NodeState::kExpanded;
}

// Mixes Dirichlet noise into the root's priors: P = (1 - eps) P + eps * Dir(alpha).
inline void add_root_noise(Tree& tree, const SearchParams& params, Rng& rng) {
  Node& root = tree.root();
  if (params.dirichlet_epsilon <= 0.0f || params.dirichlet_alpha <= 0.0f || root.num_children == 0) return;
  float noise[ActionSet::kMaxActions];
  rng.dirichlet(params.dirichlet_alpha, root.num_children, noise);
  const float eps = params.dirichlet_epsilon;
  for (uint32_t k = 0; k < root.num_children; ++k) {
    Node& c = tree[root.first_child + k];
    c.prior = (1.0f - eps) * c.prior + eps * noise[k];
  }
}

}  // namespace cartridge::mcts
