#pragma once
// Backing a leaf value up a path, and the path a simulation took.
#include <cstdint>
#include <vector>

#include "mcts/node.hpp"

namespace cartridge::mcts {

struct PathStep {
  uint32_t node;
  int8_t chooser;  // player who chose the edge into this node (for the root: the opponent of its mover)
};

using Path = std::vector<PathStep>;

// `value` is from the side to move at the leaf (`leaf_mover`). Each node on the path gets
// it from its chooser's perspective (+value if the chooser is the leaf's mover, else -value):
// comparing players instead of alternating signs keeps games with passes correct.
inline void backup(Tree& tree, const Path& path, float value, int leaf_mover, bool undo_virtual_loss) {
  for (const PathStep& s : path) {
    Node& n = tree[s.node];
    n.visits += 1;
    n.value_sum += s.chooser == leaf_mover ? value : -value;
    if (undo_virtual_loss) n.virtual_loss -= 1;
  }
}

inline void add_virtual_loss(Tree& tree, const Path& path) {
  for (const PathStep& s : path) tree[s.node].virtual_loss += 1;
}

inline void remove_virtual_loss(Tree& tree, const Path& path) {
  for (const PathStep& s : path) tree[s.node].virtual_loss -= 1;
}

}  // namespace cartridge::mcts
