// Search tests: tactics with a uniform evaluator, optimal play with an exact TicTacToe
// evaluator, visit accounting, virtual loss, tree reuse, the evaluation cache, episode
// records and determinism.
#include <cmath>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <vector>

#include "games/connect4.hpp"
#include "games/tictactoe.hpp"
#include "mcts/searcher.hpp"
#include "mcts/selfplay_arena.hpp"
#include "tests/check.hpp"

using namespace cartridge;
using namespace cartridge::mcts;

namespace {

// evaluate(observation, logits_out, value_out) for one position.
using Evaluator = std::function<void(const float*, float*, float*)>;

template <Game G>
void uniform_eval(const float*, float* logits, float* value) {
  for (int a = 0; a < G::kInfo.num_actions; ++a) logits[a] = 0.0f;
  *value = 0.0f;
}

template <Game G>
void run_search(Searcher<G>& s, const Evaluator& eval, int simulations = 0) {
  constexpr int A = G::kInfo.num_actions, O = G::kInfo.obs_size;
  std::vector<float> obs(std::size_t(s.max_batch()) * O), logits(std::size_t(s.max_batch()) * A),
      values(std::size_t(s.max_batch()));
  s.begin(simulations);
  int n = s.step(nullptr, nullptr, obs.data());
  while (n > 0) {
    for (int i = 0; i < n; ++i) eval(&obs[std::size_t(i) * O], &logits[std::size_t(i) * A], &values[std::size_t(i)]);
    n = s.step(logits.data(), values.data(), obs.data());
  }
}

template <Game G>
G play_moves(std::initializer_list<int> moves) {
  G g;
  for (int m : moves) g.play(m);
  return g;
}

SearchParams quiet_params(int sims) {
  SearchParams p;
  p.simulations = sims;
  p.dirichlet_epsilon = 0.0f;
  return p;
}

// Exact TicTacToe values from an observation (boards as bit masks), by memoised negamax.
struct TicTacToeOracle {
  std::unordered_map<uint32_t, int> memo;
  static bool line(unsigned m) {
    for (unsigned l : {0007u, 0070u, 0700u, 0111u, 0222u, 0444u, 0421u, 0124u})
      if ((m & l) == l) return true;
    return false;
  }
  // Value for the side to move, `mine` = its marks.
  int value(unsigned mine, unsigned theirs) {
    if (line(theirs)) return -1;
    if ((mine | theirs) == 0x1FF) return 0;
    const uint32_t key = mine | theirs << 9;
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    int best = -2;
    for (int c = 0; c < 9; ++c) {
      if ((mine | theirs) >> c & 1) continue;
      best = std::max(best, -value(theirs, mine | 1u << c));
    }
    memo[key] = best;
    return best;
  }
  int value(const TicTacToe& g) {
    unsigned m[2] = {0, 0};
    for (int c = 0; c < 9; ++c)
      if (g.cell_owner(c) >= 0) m[g.cell_owner(c)] |= 1u << c;
    return value(m[g.to_move()], m[1 - g.to_move()]);
  }
  void eval(const float* obs, float* logits, float* v) {
    unsigned m[2] = {0, 0};
    for (int c = 0; c < 9; ++c) {
      if (obs[c] > 0.5f) m[0] |= 1u << c;
      if (obs[9 + c] > 0.5f) m[1] |= 1u << c;
    }
    const int mover = obs[27] > 0.5f ? 0 : 1;
    for (int a = 0; a < 9; ++a) logits[a] = 0.0f;
    *v = float(value(m[mover], m[1 - mover]));
  }
};

// A deterministic, position-dependent "network" so statistics are not all alike.
template <Game G>
void hashed_eval(const float* obs, float* logits, float* value) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < G::kInfo.obs_size; ++i) h = (h ^ uint64_t(obs[i] > 0.5f ? i + 1 : 0)) * 1099511628211ull;
  uint64_t s = h;
  for (int a = 0; a < G::kInfo.num_actions; ++a) logits[a] = float(splitmix64(s) % 2000) / 1000.0f - 1.0f;
  *value = float(splitmix64(s) % 2001) / 1000.0f - 1.0f;
}

void collect_positions(const TicTacToe& g, std::unordered_map<uint64_t, TicTacToe>& out) {
  if (!out.emplace(g.hash(), g).second || g.is_terminal()) return;
  g.legal_actions().for_each([&](int a) {
    TicTacToe next = g;
    next.play(a);
    collect_positions(next, out);
  });
}

template <Game G>
void check_tactic(const G& position, int expected, int sims, int batch) {
  Searcher<G> s(quiet_params(sims), batch);
  s.set_root(position);
  run_search<G>(s, uniform_eval<G>);
  CHECK_EQ(s.choose(0.0f), expected);
}

}  // namespace

TEST(mcts_uniform_finds_win_and_block_tictactoe) {
  // X: 0,1 ; O: 3,4 ; X to move wins at 2.
  check_tactic(play_moves<TicTacToe>({0, 3, 1, 4}), 2, 200, 1);
  check_tactic(play_moves<TicTacToe>({0, 3, 1, 4}), 2, 200, 8);
  // X: 0,8 ; O: 4, then X plays 6? Use: X 0, O 4, X 8, O 2 → X must block 6 (O threatens 2-4-6).
  check_tactic(play_moves<TicTacToe>({0, 4, 8, 2}), 6, 400, 1);
  check_tactic(play_moves<TicTacToe>({0, 4, 8, 2}), 6, 400, 8);
}

TEST(mcts_uniform_finds_win_and_block_connect4) {
  // Player 1 stacks column 0 three high; player 2 elsewhere: player 1 to move wins at 0.
  check_tactic(play_moves<Connect4>({0, 6, 0, 6, 0, 5}), 0, 400, 1);
  check_tactic(play_moves<Connect4>({0, 6, 0, 6, 0, 5}), 0, 400, 16);
  // Player 1 threatens column 0; player 2 to move must block it.
  check_tactic(play_moves<Connect4>({0, 6, 0, 5, 0}), 0, 800, 1);
  check_tactic(play_moves<Connect4>({0, 6, 0, 5, 0}), 0, 800, 16);
}

TEST(mcts_exact_evaluator_plays_optimally_everywhere_tictactoe) {
  std::unordered_map<uint64_t, TicTacToe> positions;
  collect_positions(TicTacToe{}, positions);
  CHECK_EQ(positions.size(), std::size_t(5478));
  TicTacToeOracle oracle;
  const Evaluator eval = [&](const float* o, float* l, float* v) { oracle.eval(o, l, v); };
  int nonterminal = 0, wrong = 0;
  Searcher<TicTacToe> s(quiet_params(64), 4);
  for (const auto& [hash, g] : positions) {
    if (g.is_terminal()) continue;
    ++nonterminal;
    s.set_root(g);
    run_search<TicTacToe>(s, eval);
    const int move = s.choose(0.0f);
    TicTacToe next = g;
    next.play(move);
    if (-oracle.value(next) != oracle.value(g)) ++wrong;
  }
  CHECK_EQ(nonterminal, 4520);
  CHECK_EQ(wrong, 0);
}

TEST(mcts_visits_sum_to_simulations_plus_reused) {
  Searcher<Connect4> s(quiet_params(300), 8);
  s.set_root(Connect4{});
  run_search<Connect4>(s, hashed_eval<Connect4>);
  int32_t visits[7];
  CHECK_EQ(s.visits(visits), 300);
  const int move = s.choose(0.0f);
  const int32_t carried = visits[move];
  s.advance(move);
  int32_t after_advance[7];
  const int32_t reused = s.visits(after_advance);
  CHECK_EQ(reused, carried - 1);  // the child's first visit expanded it
  run_search<Connect4>(s, hashed_eval<Connect4>, 100);
  CHECK_EQ(s.visits(after_advance), reused + 100);
}

TEST(mcts_virtual_loss_leaves_no_trace) {
  for (int batch : {1, 3, 16}) {
    Searcher<Connect4> s(quiet_params(500), batch);
    s.set_root(play_moves<Connect4>({3, 3, 2}));
    run_search<Connect4>(s, hashed_eval<Connect4>);
    const Tree& t = s.tree();
    bool clean = true, consistent = true;
    for (uint32_t i = 0; i < t.size(); ++i) {
      const Node& n = t[i];
      if (n.virtual_loss != 0 || n.state == NodeState::kPending) clean = false;
      if (n.state == NodeState::kExpanded) {
        int32_t child_visits = 0;
        for (uint32_t k = 0; k < n.num_children; ++k) child_visits += t[n.first_child + k].visits;
        if (n.visits != child_visits + 1) consistent = false;  // one visit expanded it
      }
    }
    CHECK(clean);
    CHECK(consistent);
    CHECK_EQ(s.tree().root().visits, 501);
  }
}

namespace {
bool same_subtree(const Tree& a, uint32_t ia, const Tree& b, uint32_t ib) {
  const Node& x = a[ia];
  const Node& y = b[ib];
  if (x.visits != y.visits || x.value_sum != y.value_sum || x.num_children != y.num_children || x.state != y.state)
    return false;
  for (uint32_t k = 0; k < x.num_children; ++k) {
    const Node& cx = a[x.first_child + k];
    const Node& cy = b[y.first_child + k];
    if (cx.action != cy.action || cx.prior != cy.prior) return false;
    if (!same_subtree(a, x.first_child + k, b, y.first_child + k)) return false;
  }
  return true;
}
}  // namespace

TEST(mcts_tree_reuse_equals_fresh_search_with_carried_statistics) {
  const Evaluator eval = hashed_eval<Connect4>;
  Searcher<Connect4> reused(quiet_params(400), 1);
  reused.set_root(Connect4{});
  run_search<Connect4>(reused, eval);
  const int move = reused.choose(0.0f);
  reused.advance(move);
  const int32_t carried = reused.tree().root().visits;
  CHECK(carried > 1);

  // A fresh search from the same position with as many simulations as the subtree carried
  // (its first visit was the expansion) builds the very same statistics...
  Searcher<Connect4> fresh(quiet_params(400), 1);
  Connect4 after;
  after.play(move);
  fresh.set_root(after);
  run_search<Connect4>(fresh, eval, carried - 1);
  CHECK(same_subtree(reused.tree(), Tree::kRoot, fresh.tree(), Tree::kRoot));

  // ...and continuing both gives identical results.
  run_search<Connect4>(reused, eval, 150);
  run_search<Connect4>(fresh, eval, 150);
  CHECK(same_subtree(reused.tree(), Tree::kRoot, fresh.tree(), Tree::kRoot));
  CHECK_EQ(reused.value(), fresh.value());
  CHECK_EQ(reused.choose(0.0f), fresh.choose(0.0f));
}

TEST(mcts_eval_cache_returns_what_the_network_returned) {
  EvalCache cache(1000, 3);  // rounded to 512 entries
  CHECK_EQ(cache.capacity(), std::size_t(512));
  const float logits[3] = {0.1f, -2.5f, 7.25f};
  cache.insert(0xABCDEF0123ull, logits, -0.375f);
  float v = 0.0f;
  const float* got = cache.find(0xABCDEF0123ull, v);
  CHECK(got != nullptr);
  if (got) CHECK(std::memcmp(got, logits, sizeof logits) == 0);
  CHECK_EQ(v, -0.375f);
  // Same slot, different full hash: a miss, not a wrong answer.
  CHECK(cache.find(0xABCDEF0123ull + 512 * 7, v) == nullptr);
  CHECK_EQ(cache.hits(), uint64_t(1));
  CHECK_EQ(cache.lookups(), uint64_t(2));

  // A search with the cache builds exactly the tree of one without it, with fewer network calls.
  SearchParams with = quiet_params(600), without = quiet_params(600);
  with.cache_entries = 1 << 14;
  Searcher<TicTacToe> a(with, 1), b(without, 1);
  a.set_root(TicTacToe{});
  b.set_root(TicTacToe{});
  run_search<TicTacToe>(a, hashed_eval<TicTacToe>);
  run_search<TicTacToe>(b, hashed_eval<TicTacToe>);
  CHECK(same_subtree(a.tree(), Tree::kRoot, b.tree(), Tree::kRoot));
  CHECK(a.stats().cache_hits > 0);
  CHECK_EQ(a.stats().network_evaluations + a.stats().cache_hits, b.stats().network_evaluations);
}

namespace {
template <Game G>
EpisodeBatch run_arena(const SearchParams& params, int games, int episodes_wanted, const Evaluator& eval,
                       SearchStats* stats_out = nullptr) {
  constexpr int A = G::kInfo.num_actions, O = G::kInfo.obs_size;
  SelfPlayArena<G> arena(params, games);
  std::vector<float> obs(std::size_t(games) * O), logits(std::size_t(games) * A), values(static_cast<std::size_t>(games));
  EpisodeBatch all, taken;
  int n = arena.step(nullptr, nullptr, obs.data());
  while (true) {
    for (int i = 0; i < n; ++i) eval(&obs[std::size_t(i) * O], &logits[std::size_t(i) * A], &values[std::size_t(i)]);
    if (int(arena.finished().count()) >= episodes_wanted && !arena.stopping()) arena.request_stop(false);
    if (arena.active_games() == 0) break;
    n = arena.step(logits.data(), values.data(), obs.data());
  }
  arena.take_episodes(all);
  if (stats_out) *stats_out = arena.stats();
  return all;
}
}  // namespace

TEST(mcts_arena_episode_records_and_outcome_signs) {
  SearchParams p;
  p.simulations = 16;
  p.temperature_moves = 9;  // sample every move: plenty of wins for both sides and draws
  p.dirichlet_alpha = 1.0f;
  p.seed = 7;
  p.cache_entries = 4096;
  SearchStats stats;
  const EpisodeBatch eps = run_arena<TicTacToe>(p, 32, 200, uniform_eval<TicTacToe>, &stats);
  CHECK(eps.count() >= 200);
  int wins[2] = {0, 0}, draws = 0;
  bool ok = true;
  std::size_t row = 0;
  for (std::size_t e = 0; e < eps.count(); ++e) {
    TicTacToe g;
    const std::size_t first = row;
    for (int i = 0; i < eps.step_counts[e]; ++i, ++row) {
      float obs[29];
      write_observation(g, obs);
      if (std::memcmp(obs, &eps.observations[row * 29], sizeof obs) != 0) ok = false;
      if (eps.to_move[row] != g.to_move()) ok = false;
      float psum = 0.0f;
      for (int a = 0; a < 9; ++a) {
        const bool legal = g.legal_actions().test(a);
        if (eps.legal_masks[row * 9 + std::size_t(a)] != (legal ? 1 : 0)) ok = false;
        if (!legal && eps.policies[row * 9 + std::size_t(a)] != 0.0f) ok = false;
        psum += eps.policies[row * 9 + std::size_t(a)];
      }
      if (std::fabs(psum - 1.0f) > 1e-5f) ok = false;
      if (eps.root_values[row] < -1.0f || eps.root_values[row] > 1.0f) ok = false;
      g.play(eps.actions[row]);
    }
    CHECK(g.is_terminal());
    CHECK_EQ(int(eps.winners[e]), g.winner());
    for (std::size_t r = first; r < row; ++r) {
      const float expected = g.winner() == kDraw ? 0.0f : (g.winner() == eps.to_move[r] ? 1.0f : -1.0f);
      if (eps.outcomes[r] != expected) ok = false;
    }
    if (g.winner() == kDraw) ++draws;
    else ++wins[g.winner()];
  }
  CHECK(ok);
  CHECK_EQ(row, eps.rows());
  CHECK(wins[0] > 0);
  CHECK(wins[1] > 0);
  CHECK(draws > 0);
  CHECK(stats.cache_hits > 0);
  CHECK(stats.terminal_hits > 0);
  CHECK_EQ(stats.episodes, uint64_t(eps.count()));
}

TEST(mcts_arena_visits_sum_to_simulations_plus_reused) {
  // One game slot, no cache: watch the root after every step. When a move was made, the new
  // root's visits were carried in; the next policy row must be visits / (S + carried - 1)
  // (the carried root's first visit expanded it; a fresh root's expansion is not a simulation).
  SearchParams p;
  p.simulations = 40;
  p.seed = 3;
  SelfPlayArena<Connect4> arena(p, 1);
  std::vector<float> obs(93), logits(7), values(1);
  std::vector<std::vector<int32_t>> carried(1, std::vector<int32_t>(43, -1));
  carried[0][0] = 0;
  int n = arena.step(nullptr, nullptr, obs.data());
  int prev_ply = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    if (n > 0) hashed_eval<Connect4>(obs.data(), logits.data(), values.data());
    n = arena.step(logits.data(), values.data(), obs.data());
    const int ply = arena.root_state(0).ply();
    if (ply < prev_ply) {
      carried.emplace_back(43, -1);
      carried.back()[0] = 0;
    } else if (ply == prev_ply + 1) {
      // Simulations of the new move that finished within this step are not carried visits.
      carried.back()[std::size_t(ply)] = arena.tree(0).root().visits - arena.simulations_done(0);
    }
    prev_ply = ply;
  }
  EpisodeBatch eps;
  arena.take_episodes(eps);
  CHECK(eps.count() >= 3);
  int checked = 0;
  bool ok = true;
  std::size_t row = 0;
  for (std::size_t e = 0; e < eps.count(); ++e) {
    for (int i = 0; i < eps.step_counts[e]; ++i, ++row) {
      const int32_t c = carried[e][std::size_t(i)];
      if (c < 0) continue;
      const int32_t total = p.simulations + std::max(c, 1) - 1;
      int32_t sum = 0;
      for (int a = 0; a < 7; ++a) {
        const float v = eps.policies[row * 7 + std::size_t(a)] * float(total);
        if (std::fabs(v - std::round(v)) > 1e-3f) ok = false;
        sum += int32_t(std::lround(v));
      }
      if (sum != total) ok = false;
      ++checked;
    }
  }
  CHECK(ok);
  CHECK(checked > 20);
}

TEST(mcts_arena_is_deterministic_given_seed) {
  SearchParams p;
  p.simulations = 24;
  p.temperature_moves = 8;
  p.seed = 11;
  p.cache_entries = 1024;
  const EpisodeBatch a = run_arena<Connect4>(p, 8, 10, hashed_eval<Connect4>);
  const EpisodeBatch b = run_arena<Connect4>(p, 8, 10, hashed_eval<Connect4>);
  p.seed = 12;
  const EpisodeBatch c = run_arena<Connect4>(p, 8, 10, hashed_eval<Connect4>);
  CHECK(a.actions == b.actions);
  CHECK(a.policies == b.policies);
  CHECK(a.root_values == b.root_values);
  CHECK(a.episode_indices == b.episode_indices);
  CHECK(a.actions != c.actions);
}

TEST(mcts_dirichlet_has_the_right_mean) {
  Rng rng(5);
  constexpr int n = 4, draws = 20000;
  double mean[n] = {0, 0, 0, 0};
  float sample[n];
  for (int d = 0; d < draws; ++d) {
    rng.dirichlet(0.3, n, sample);
    float s = 0.0f;
    for (int i = 0; i < n; ++i) {
      mean[i] += sample[i];
      s += sample[i];
    }
    CHECK(std::fabs(s - 1.0f) < 1e-4f);
  }
  for (int i = 0; i < n; ++i) CHECK(std::fabs(mean[i] / draws - 0.25) < 0.01);
}

TEST(mcts_arena_respects_max_batch_and_finishes_every_game) {
  SearchParams p;
  p.simulations = 12;
  p.temperature_moves = 4;
  p.seed = 21;
  SelfPlayArena<Connect4> arena(p, 8, 3);
  CHECK_EQ(arena.max_batch(), 3);
  std::vector<float> obs(3 * 93), logits(3 * 7), values(3);
  int n = arena.step(nullptr, nullptr, obs.data());
  int max_seen = 0;
  for (int iter = 0; iter < 20000 && arena.active_games() > 0; ++iter) {
    max_seen = std::max(max_seen, n);
    for (int i = 0; i < n; ++i) hashed_eval<Connect4>(&obs[std::size_t(i) * 93], &logits[std::size_t(i) * 7], &values[std::size_t(i)]);
    if (arena.finished().count() >= 12 && !arena.stopping()) arena.request_stop(false);
    n = arena.step(logits.data(), values.data(), obs.data());
  }
  CHECK_EQ(max_seen, 3);
  CHECK_EQ(arena.active_games(), 0);
  EpisodeBatch eps;
  arena.take_episodes(eps);
  CHECK(eps.count() >= 12);
  // Every game slot got its turn: the 8 first games (indices 0..7) all finished.
  int first_games = 0;
  for (uint64_t idx : eps.episode_indices) first_games += idx < 8 ? 1 : 0;
  CHECK_EQ(first_games, 8);
}
