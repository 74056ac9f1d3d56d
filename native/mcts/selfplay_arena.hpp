#pragma once
// The self-play arena: G games played at once, each with its own tree, one leaf per game
// per batch step. The network lives outside (TypeScript + ONNX Runtime); the contract is
//   n = step(logits_of_previous_batch | null, values | null, observations_out)
// which (1) applies the outputs for the previous batch, (2) advances every game until it
// needs a network evaluation (moves and whole games may finish on the way when leaves are
// terminal or cached), and (3) writes the next batch's observations, returning their count.
// An arena holds no global state, so one worker can alternate two arenas (one searching
// while the other's batch is in inference).
#include <algorithm>
#include <cstring>
#include <vector>

#include "mcts/simulation.hpp"

namespace cartridge::mcts {

// Finished games, flat: step i of the k-th episode is row (sum of earlier step counts + i).
struct EpisodeBatch {
  std::vector<int32_t> step_counts;
  std::vector<uint64_t> episode_indices;  // 0, 1, 2, ... in the order games were started
  std::vector<int8_t> winners;            // 0, 1, or kDraw
  std::vector<float> observations;        // rows × obs_size (the root position of each step)
  std::vector<uint8_t> legal_masks;       // rows × num_actions
  std::vector<int32_t> actions;           // rows
  std::vector<float> policies;            // rows × num_actions: visit distribution at the root
  std::vector<float> root_values;         // rows, from the side to move
  std::vector<int8_t> to_move;            // rows, player index
  std::vector<float> outcomes;            // rows: final result from that step's side to move

  std::size_t count() const { return step_counts.size(); }
  std::size_t rows() const { return actions.size(); }
  void clear() {
    step_counts.clear();
    episode_indices.clear();
    winners.clear();
    observations.clear();
    legal_masks.clear();
    actions.clear();
    policies.clear();
    root_values.clear();
    to_move.clear();
    outcomes.clear();
  }
};

template <Game G>
class SelfPlayArena {
 public:
  static constexpr int kActions = G::kInfo.num_actions;
  static constexpr int kObs = G::kInfo.obs_size;

  // max_batch caps the leaves per step (0 = num_games, i.e. one leaf per game).
  SelfPlayArena(const SearchParams& params, int num_games, int max_batch = 0)
      : params_(params),
        max_batch_(max_batch > 0 ? std::min(max_batch, num_games) : num_games),
        cache_(params.cache_entries, kActions),
        slots_(std::size_t(num_games)) {
    pending_.reserve(std::size_t(max_batch_));
    work_.reserve(std::size_t(max_batch_));
    descending_.reserve(std::size_t(max_batch_));
    cursors_.reserve(std::size_t(max_batch_));
    for (Slot& s : slots_) start_game(s);
  }

  int num_games() const { return int(slots_.size()); }
  int max_batch() const { return max_batch_; }
  int pending() const { return int(pending_.size()); }

  // Returns the batch size; 0 means no game needed the network this step (call again; the
  // arena is drained when active_games() == 0).
  int step(const float* logits, const float* values, float* obs_out) {
    ScopedTimer timer(stats_.tree_time_ns);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      Slot& s = slots_[std::size_t(pending_[i])];
      s.pending = false;
      if (!s.active) continue;  // discarded by requestStop while its leaf was out
      apply_network_output(s.tree, s.path, s.leaf_state, logits + i * kActions, values[i], cache_, false);
      if (s.path.size() > 1) {
        ++s.sims_done;
        ++stats_.simulations;
      }
    }
    pending_.clear();
    for (Slot& s : slots_) s.finished_game_this_step = false;
    // Round-robin start so that with max_batch < num_games no game starves. A game taken
    // into `work_` yields at most one leaf, so work_ never exceeds the batch capacity.
    const int n = num_games();
    work_.clear();
    for (int k = 0; k < n && int(work_.size()) < max_batch_; ++k) {
      const int g = (cursor_ + k) % n;
      if (slots_[std::size_t(g)].active) work_.push_back(g);
    }
    // Rounds: bring every game to the point where it needs a descent, descend all of them
    // together (interleaved, so their cache misses overlap), then resolve the leaves; games
    // whose leaf was terminal or cached go round again.
    while (!work_.empty()) {
      descending_.clear();
      for (const int g : work_) {
        Slot& s = slots_[std::size_t(g)];
        const Prepared r = prepare(s, obs_out + pending_.size() * kObs);
        if (r == Prepared::kLeafWritten) pending_.push_back(g);
        if (r == Prepared::kNeedsDescent) descending_.push_back(g);
      }
      descend_interleaved();
      work_.clear();
      for (const int g : descending_) {
        Slot& s = slots_[std::size_t(g)];
        if (resolve_leaf(s.tree, s.path, s.leaf_state, cache_, stats_, false) == LeafOutcome::kResolved) {
          ++s.sims_done;
          ++stats_.simulations;
          work_.push_back(g);
          continue;
        }
        write_observation(s.leaf_state, obs_out + pending_.size() * kObs);
        s.pending = true;
        pending_.push_back(g);
      }
    }
    cursor_ = n == 0 ? 0 : (cursor_ + 1) % n;
    if (!pending_.empty()) {
      ++stats_.batch_steps;
      stats_.batch_leaves += pending_.size();
      stats_.network_evaluations += pending_.size();
    }
    return int(pending_.size());
  }

  // Stops starting new games. With discard_unfinished the games in progress are dropped
  // now; otherwise they play to the end. step() returns 0 once nothing is left to play.
  void request_stop(bool discard_unfinished) {
    stopping_ = true;
    if (discard_unfinished) {
      for (Slot& s : slots_) {
        s.active = false;
        s.pending = false;
      }
      pending_.clear();  // outputs for the batch in flight are no longer wanted
    }
  }
  bool stopping() const { return stopping_; }
  int active_games() const {
    int n = 0;
    for (const Slot& s : slots_) n += s.active ? 1 : 0;
    return n;
  }

  // Moves the finished episodes out (the arena keeps the buffers' capacity).
  void take_episodes(EpisodeBatch& out) {
    std::swap(out, finished_);
    finished_.clear();
  }
  const EpisodeBatch& finished() const { return finished_; }

  SearchStats stats() const {
    SearchStats s = stats_;
    s.tree_nodes = 0;
    for (const Slot& slot : slots_) s.tree_nodes += slot.tree.size();
    s.cache_lookups = cache_.lookups();
    return s;
  }

  // The game in slot g (tests).
  const G& root_state(int g) const { return slots_[std::size_t(g)].root_state; }
  const Tree& tree(int g) const { return slots_[std::size_t(g)].tree; }
  int simulations_done(int g) const { return slots_[std::size_t(g)].sims_done; }

 private:
  struct Slot {
    G root_state{};
    Tree tree;
    Rng rng;
    Path path;
    G leaf_state{};
    int sims_done = 0;
    bool noise_applied = false;
    bool pending = false;
    bool active = false;
    bool finished_game_this_step = false;
    uint64_t episode_index = 0;
    // The episode so far (rows of this game only).
    std::vector<float> observations;
    std::vector<uint8_t> legal_masks;
    std::vector<int32_t> actions;
    std::vector<float> policies;
    std::vector<float> root_values;
    std::vector<int8_t> to_move;
  };

  void start_game(Slot& s) {
    s.root_state = G{};
    s.tree.reset();
    s.sims_done = 0;
    s.noise_applied = false;
    s.active = true;
    s.episode_index = next_episode_++;
    s.rng.reseed(derive_seed(params_.seed, s.episode_index));
    s.observations.clear();
    s.legal_masks.clear();
    s.actions.clear();
    s.policies.clear();
    s.root_values.clear();
    s.to_move.clear();
  }

  enum class Prepared { kIdle, kLeafWritten, kNeedsDescent };

  // Brings the slot to its next simulation: evaluates an unexpanded root (writing it to obs),
  // applies root noise once per move, makes the move when the simulations are done.
  Prepared prepare(Slot& s, float* obs) {
    // A slot that finished a game waits for the next step: with every position cached, a slot
    // could otherwise play game after game without ever returning.
    while (s.active && !s.finished_game_this_step) {
      if (s.tree.root().state == NodeState::kLeaf) {
        s.path.assign(1, PathStep{Tree::kRoot, int8_t(1 - s.root_state.to_move())});
        s.leaf_state = s.root_state;
        if (resolve_leaf(s.tree, s.path, s.leaf_state, cache_, stats_, false) == LeafOutcome::kResolved) continue;
        write_observation(s.leaf_state, obs);
        s.pending = true;
        return Prepared::kLeafWritten;
      }
      if (!s.noise_applied) {
        add_root_noise(s.tree, params_, s.rng);
        s.noise_applied = true;
      }
      if (s.sims_done >= params_.simulations) {
        finish_move(s);
        continue;
      }
      return Prepared::kNeedsDescent;
    }
    return Prepared::kIdle;
  }

  // The descents of all games in descending_, one tree level at a time across games: while
  // one game's selection runs, the children blocks prefetched for the others arrive. Same
  // result as calling descend() per game; the trees are independent.
  void descend_interleaved() {
    cursors_.resize(descending_.size());
    for (std::size_t i = 0; i < descending_.size(); ++i) {
      Slot& s = slots_[std::size_t(descending_[i])];
      s.leaf_state = s.root_state;
      s.path.clear();
      s.path.push_back({Tree::kRoot, int8_t(1 - s.root_state.to_move())});
      cursors_[i] = Tree::kRoot;
    }
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t i = 0; i < descending_.size(); ++i) {
        Slot& s = slots_[std::size_t(descending_[i])];
        const uint32_t node = cursors_[i];
        if (s.tree[node].state != NodeState::kExpanded) continue;
        const uint32_t child = select_child(s.tree, node, params_);
        const int mover = s.leaf_state.to_move();
        s.leaf_state.play(s.tree[child].action);
        s.path.push_back({child, int8_t(mover)});
        cursors_[i] = child;
        s.tree.prefetch_children(child);
        moved = true;
      }
    }
  }

  void finish_move(Slot& s) {
    const std::size_t row = s.actions.size();
    s.observations.resize((row + 1) * kObs);
    write_observation(s.root_state, &s.observations[row * kObs]);
    s.legal_masks.resize((row + 1) * kActions, 0);
    s.root_state.legal_actions().for_each([&](int a) { s.legal_masks[row * kActions + std::size_t(a)] = 1; });
    s.policies.resize((row + 1) * kActions);
    root_policy(s.tree, kActions, &s.policies[row * kActions]);
    s.root_values.push_back(root_value(s.tree));
    s.to_move.push_back(int8_t(s.root_state.to_move()));
    const float temperature = s.root_state.ply() < params_.temperature_moves ? params_.temperature : 0.0f;
    const int action = choose_action(s.tree, temperature, s.rng);
    s.actions.push_back(action);
    ++stats_.moves;

    const uint32_t child = s.tree.child_by_action(Tree::kRoot, action);
    s.root_state.play(action);
    if (child != 0) {
      s.tree.reroot(child);
    } else {
      s.tree.reset();
    }
    s.sims_done = 0;
    s.noise_applied = false;
    if (s.root_state.is_terminal()) {
      finish_game(s);
      s.finished_game_this_step = true;
      if (stopping_) {
        s.active = false;
      } else {
        start_game(s);
      }
    }
  }

  void finish_game(Slot& s) {
    EpisodeBatch& f = finished_;
    const int winner = s.root_state.winner();
    f.step_counts.push_back(int32_t(s.actions.size()));
    f.episode_indices.push_back(s.episode_index);
    f.winners.push_back(int8_t(winner));
    f.observations.insert(f.observations.end(), s.observations.begin(), s.observations.end());
    f.legal_masks.insert(f.legal_masks.end(), s.legal_masks.begin(), s.legal_masks.end());
    f.actions.insert(f.actions.end(), s.actions.begin(), s.actions.end());
    f.policies.insert(f.policies.end(), s.policies.begin(), s.policies.end());
    f.root_values.insert(f.root_values.end(), s.root_values.begin(), s.root_values.end());
    f.to_move.insert(f.to_move.end(), s.to_move.begin(), s.to_move.end());
    for (int8_t p : s.to_move) f.outcomes.push_back(winner == kDraw ? 0.0f : (winner == p ? 1.0f : -1.0f));
    ++stats_.episodes;
  }

  SearchParams params_;
  int max_batch_;
  EvalCache cache_;
  std::vector<Slot> slots_;
  std::vector<int> pending_;
  std::vector<int> work_;        // games still to be advanced in this step
  std::vector<int> descending_;  // games descending in the current round
  std::vector<uint32_t> cursors_;
  EpisodeBatch finished_;
  SearchStats stats_;
  uint64_t next_episode_ = 0;
  int cursor_ = 0;
  bool stopping_ = false;
};

}  // namespace cartridge::mcts
