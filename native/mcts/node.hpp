#pragma once
// Search tree storage: nodes live in one flat pool (std::vector) per tree, children of a
// node are contiguous, and the pool keeps its capacity across moves and games, so the hot
// loop never allocates once the pool has grown to its working size.
//
// Value convention: a node's value_sum is from the perspective of the player who chose the
// edge into it (the side to move at its parent). Selection at a parent therefore reads
// value_sum / visits of each child directly as "how good is this move for me".
#include <cstdint>
#include <utility>
#include <vector>

namespace cartridge::mcts {

enum class NodeState : uint8_t {
  kLeaf = 0,      // never evaluated
  kPending = 1,   // sent to the network, result not applied yet
  kExpanded = 2,  // children allocated with priors
  kTerminal = 3,  // game over here; terminal_value holds the exact value
};

struct Node {
  float prior = 0.0f;
  float value_sum = 0.0f;       // sum of backed-up values, chooser's perspective
  int32_t visits = 0;
  uint32_t first_child = 0;     // index of the first child in the pool (0 = none; 0 is always a root)
  int16_t virtual_loss = 0;     // in-flight simulations through this node (single-tree batching)
  int16_t action = -1;          // the move from the parent that leads here
  uint8_t num_children = 0;     // ActionSet::kMaxActions = 128 fits
  NodeState state = NodeState::kLeaf;
  int8_t terminal = 0;          // exact value (-1, 0, +1) for the side to move here, when terminal

  float terminal_value() const { return float(terminal); }
};
// 24 bytes: a Connect4 node's 7 children span 3 cache lines; selection reads all of them.
static_assert(sizeof(Node) == 24);

class Tree {
 public:
  static constexpr uint32_t kRoot = 0;

  Tree() { reset(); }

  // Drops every node but keeps the pool's memory.
  void reset() {
    nodes_.clear();
    nodes_.emplace_back();
  }

  Node& operator[](uint32_t i) { return nodes_[i]; }
  const Node& operator[](uint32_t i) const { return nodes_[i]; }
  Node& root() { return nodes_[kRoot]; }
  const Node& root() const { return nodes_[kRoot]; }
  std::size_t size() const { return nodes_.size(); }

  // Appends n children of `parent`; returns the index of the first. May reallocate the
  // pool, so callers re-read node references afterwards.
  uint32_t add_children(uint32_t parent, int n) {
    const uint32_t first = uint32_t(nodes_.size());
    nodes_.resize(nodes_.size() + std::size_t(n));
    Node& p = nodes_[parent];
    p.first_child = first;
    p.num_children = uint8_t(n);
    return first;
  }

  // Asks the CPU to start loading the children of `node` (if expanded): the next selection
  // there reads all of them.
  void prefetch_children(uint32_t node) const {
    const Node& n = nodes_[node];
    if (n.state != NodeState::kExpanded) return;
    const char* first = reinterpret_cast<const char*>(&nodes_[n.first_child]);
    const char* end = first + std::size_t(n.num_children) * sizeof(Node);
    for (const char* p = first; p < end; p += 64) __builtin_prefetch(p);
  }

  // Index of the child of `parent` reached by `action`, or 0 when there is none.
  uint32_t child_by_action(uint32_t parent, int action) const {
    const Node& p = nodes_[parent];
    for (uint32_t i = 0; i < p.num_children; ++i) {
      if (nodes_[p.first_child + i].action == action) return p.first_child + i;
    }
    return 0;
  }

  // Makes the subtree under `child` the whole tree (tree reuse): it is copied breadth-first
  // into the spare pool, which then becomes the live one. The copied root keeps its
  // statistics; its prior and action lose their meaning and are cleared.
  void reroot(uint32_t child) {
    spare_.clear();
    spare_.push_back(nodes_[child]);
    spare_[0].prior = 0.0f;
    spare_[0].action = -1;
    for (std::size_t i = 0; i < spare_.size(); ++i) {
      const uint32_t src_first = spare_[i].first_child;
      const uint8_t n = spare_[i].num_children;
      if (n == 0) continue;
      const uint32_t dst_first = uint32_t(spare_.size());
      spare_[i].first_child = dst_first;
      for (uint32_t k = 0; k < n; ++k) spare_.push_back(nodes_[src_first + k]);
    }
    std::swap(nodes_, spare_);
  }

 private:
  std::vector<Node> nodes_;
  std::vector<Node> spare_;
};

}  // namespace cartridge::mcts
