// Rules, external truths, observation layout, symmetries and fuzzing for every
// game in the registry. Runs under ASan + UBSan in CI, so the heavy counts stop
// a little short of the full figures (the TS test checks those on the release build).
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "games/perft.hpp"
#include "games/random_playout.hpp"
#include "games/registry.hpp"
#include "tests/check.hpp"

using namespace cartridge;

namespace {

template <Game G>
G play_moves(std::string_view moves_separated_by_spaces) {
  G g;
  size_t i = 0;
  while (i < moves_separated_by_spaces.size()) {
    size_t j = moves_separated_by_spaces.find(' ', i);
    if (j == std::string_view::npos) j = moves_separated_by_spaces.size();
    const int a = G::parse_move(moves_separated_by_spaces.substr(i, j - i));
    CHECK(a >= 0 && g.legal_actions().test(a));
    if (a < 0 || !g.legal_actions().test(a)) return g;
    g.play(a);
    i = j + 1;
  }
  return g;
}

Connect4 connect4_from(std::string_view pons) {
  Connect4 g;
  for (char ch : pons) {
    const int a = Connect4::parse_move(std::string_view(&ch, 1));
    CHECK(a >= 0 && g.legal_actions().test(a));
    g.play(a);
  }
  return g;
}

template <Game G>
std::vector<float> observation(const G& g) {
  std::vector<float> out(G::kInfo.obs_size, -7.0f);
  write_observation(g, out.data());
  return out;
}

template <Game G>
uint64_t bit(int cell) {
  (void)sizeof(G);
  return uint64_t{1} << cell;
}

// Distinct positions per ply over the whole game (tiny games only).
template <Game G>
std::vector<std::vector<G>> all_levels() {
  std::vector<std::vector<G>> levels{{G{}}};
  while (true) {
    StateSet<G> next;
    for (const G& s : levels.back()) {
      if (s.is_terminal()) continue;
      s.legal_actions().for_each([&](int a) {
        G c = s;
        c.play(a);
        next.insert(c);
      });
    }
    if (next.size() == 0) break;
    levels.push_back(next.states());
  }
  return levels;
}

}  // namespace

// ---------------------------------------------------------------- TicTacToe

TEST(tictactoe_second_player_wins_and_full_board_draw) {
  const TicTacToe o_wins = play_moves<TicTacToe>("0 2 1 4 3 6");  // O: 2 4 6 anti-diagonal
  CHECK(o_wins.is_terminal());
  CHECK_EQ(o_wins.winner(), 1);
  CHECK(o_wins.legal_actions().empty());
  CHECK_EQ(terminal_value(o_wins), -1.0f);  // X to move, lost

  const TicTacToe draw = play_moves<TicTacToe>("0 4 8 1 7 6 2 5 3");
  CHECK(draw.is_terminal());
  CHECK_EQ(draw.winner(), kDraw);
  CHECK_EQ(terminal_value(draw), 0.0f);
}

TEST(tictactoe_external_truths) {
  CHECK_EQ(perft(TicTacToe{}, 9), uint64_t{255168});
  const auto levels = all_levels<TicTacToe>();
  const std::array<size_t, 10> per_ply = {1, 9, 72, 252, 756, 1260, 1520, 1140, 390, 78};
  CHECK_EQ(levels.size(), per_ply.size());
  size_t total = 0, non_terminal = 0;
  for (size_t d = 0; d < levels.size() && d < per_ply.size(); ++d) {
    CHECK_EQ(levels[d].size(), per_ply[d]);
    CHECK_EQ(distinct_positions(TicTacToe{}, int(d)), uint64_t(per_ply[d]));
    total += levels[d].size();
    for (const TicTacToe& s : levels[d]) non_terminal += !s.is_terminal();
  }
  CHECK_EQ(total, size_t{5478});
  CHECK_EQ(non_terminal, size_t{4520});
}

// ---------------------------------------------------------------- Connect4

TEST(connect4_every_win_direction) {
  struct Case {
    const char* moves;
    int winner;
  };
  const Case cases[] = {
      {"1212121", 0},      // vertical, column 1
      {"1122334", 0},      // horizontal, bottom row
      {"12234334544", 0},  // diagonal up-right a1-b2-c3-d4
      {"76654554344", 0},  // diagonal up-left g1-f2-e3-d4
      {"17271727", 1},     // second player, vertical on column 7
  };
  for (const Case& c : cases) {
    const Connect4 g = connect4_from(c.moves);
    CHECK(g.is_terminal());
    CHECK_EQ(g.winner(), c.winner);
    CHECK(g.legal_actions().empty());
    // One move earlier the game was still on.
    const Connect4 before = connect4_from(std::string_view(c.moves).substr(0, std::strlen(c.moves) - 1));
    CHECK(!before.is_terminal());
  }
  // Three in a row plus a gap is not a win; wrap-around from one column top to the next bottom is not a line.
  CHECK(!connect4_from("1122445").is_terminal());
  CHECK(!connect4_from("111111222").is_terminal());
}

TEST(connect4_full_board_draw_and_column_full) {
  const std::string_view draw = "257771314744647214154617633623313656555222";
  const Connect4 g = connect4_from(draw);
  CHECK_EQ(g.ply(), 42);
  CHECK(g.is_terminal());
  CHECK_EQ(g.winner(), kDraw);
  CHECK(g.legal_actions().empty());
  const Connect4 full_column = connect4_from("111111");
  CHECK(!full_column.legal_actions().test(0));
  CHECK_EQ(full_column.legal_actions().count(), 6);
  CHECK_EQ(full_column.cell_owner(5 * 7 + 0), 1);
  CHECK_EQ(full_column.cell_owner(0), 0);
}

TEST(connect4_distinct_positions_oeis_a212693) {
  const uint64_t expected[] = {1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275};
  for (int d = 0; d <= 8; ++d) CHECK_EQ(distinct_positions(Connect4{}, d), expected[d]);
}

TEST(connect4_moves_and_render) {
  for (int a = 0; a < 7; ++a) CHECK_EQ(Connect4::parse_move(Connect4::format_move(a)), a);
  CHECK_EQ(Connect4::parse_move("0"), -1);
  CHECK_EQ(Connect4::parse_move("8"), -1);
  CHECK_EQ(Connect4::parse_move("44"), -1);
  const Connect4 g = connect4_from("44");
  const std::string r = g.render();
  CHECK(r.find(". . . O . . .\n. . . X . . .\n1 2 3 4 5 6 7\n") != std::string::npos);
}

// ---------------------------------------------------------------- Othello

TEST(othello_start_position_and_notation) {
  const Othello8 g;
  CHECK_EQ(g.cell_owner(Othello8::parse_move("d4")), 1);
  CHECK_EQ(g.cell_owner(Othello8::parse_move("e5")), 1);
  CHECK_EQ(g.cell_owner(Othello8::parse_move("d5")), 0);
  CHECK_EQ(g.cell_owner(Othello8::parse_move("e4")), 0);
  CHECK_EQ(g.to_move(), 0);
  std::string legal;
  g.legal_actions().for_each([&](int a) { legal += Othello8::format_move(a) + " "; });
  CHECK(legal == "d3 c4 f5 e6 ");
  CHECK_EQ(Othello8::parse_move("a1"), 0);
  CHECK_EQ(Othello8::parse_move("H8"), 63);
  CHECK_EQ(Othello8::parse_move("pass"), 64);
  CHECK_EQ(Othello8::parse_move("i1"), -1);
  CHECK_EQ(Othello8::parse_move("a9"), -1);
  CHECK_EQ(Othello6::parse_move("f6"), 35);
  CHECK_EQ(Othello6::parse_move("g1"), -1);
  CHECK_EQ(Othello6::parse_move("pass"), 36);
  for (int a = 0; a < 65; ++a) CHECK_EQ(Othello8::parse_move(Othello8::format_move(a)), a);
  for (int a = 0; a < 37; ++a) CHECK_EQ(Othello6::parse_move(Othello6::format_move(a)), a);
  const Othello8 after = play_moves<Othello8>("d3");
  CHECK_EQ(after.cell_owner(Othello8::parse_move("d4")), 0);
  CHECK_EQ(after.disc_count(0), 4);
  CHECK_EQ(after.disc_count(1), 1);
  const Othello6 small;
  CHECK_EQ(small.cell_owner(Othello6::parse_move("c3")), 1);
  CHECK_EQ(small.cell_owner(Othello6::parse_move("d3")), 0);
  CHECK_EQ(small.legal_actions().count(), 4);
}

TEST(othello_flips_in_all_eight_directions) {
  // Black plays d4 (row 3, col 3); each direction has a different run of White
  // ending in Black, plus one run ending at the edge and one ending in an empty cell.
  auto c = [](const char* m) { return Othello8::parse_move(m); };
  uint64_t black = 0, white = 0;
  for (const char* m : {"e4", "f4", "g4", "c4", "d5", "d6", "d3", "e5", "c5", "e3", "f2", "c3"}) white |= bit<Othello8>(c(m));
  for (const char* m : {"h4", "b4", "d7", "d2", "f6", "b6", "g1", "b2"}) black |= bit<Othello8>(c(m));
  Othello8 g = Othello8::from_position(black, white, 0);
  CHECK(g.legal_actions().test(c("d4")));
  g.play(c("d4"));
  for (const char* m : {"e4", "f4", "g4", "c4", "d5", "d6", "d3", "e5", "c5", "e3", "f2", "c3"}) {
    CHECK_EQ(g.cell_owner(c(m)), 0);
  }
  CHECK_EQ(g.disc_count(1), 0);
  CHECK_EQ(g.disc_count(0), 8 + 12 + 1);
  CHECK(g.valid());

  // Runs that end in an empty cell or at the board edge do not flip.
  uint64_t b2 = bit<Othello8>(c("a1")), w2 = bit<Othello8>(c("b1")) | bit<Othello8>(c("b2")) | bit<Othello8>(c("c3"));
  Othello8 h = Othello8::from_position(b2, w2, 0);
  CHECK(h.legal_actions().test(c("c1")));  // a1-b1-c1
  CHECK(h.legal_actions().test(c("d4")));  // a1-b2-c3-d4
  CHECK(!h.legal_actions().test(c("d1")));
  h.play(c("c1"));
  CHECK_EQ(h.cell_owner(c("b1")), 0);
  CHECK_EQ(h.cell_owner(c("b2")), 1);
  CHECK_EQ(h.cell_owner(c("c3")), 1);
}

TEST(othello_pass_double_pass_and_full_board) {
  auto c = [](const char* m) { return Othello8::parse_move(m); };
  // Black (to move) cannot flank White a1; White can flank b1 from c1.
  Othello8 g = Othello8::from_position(bit<Othello8>(c("b1")), bit<Othello8>(c("a1")), 0);
  ActionSet legal = g.legal_actions();
  CHECK_EQ(legal.count(), 1);
  CHECK(legal.test(Othello8::kPass));
  g.play(Othello8::kPass);
  CHECK(!g.is_terminal());
  CHECK_EQ(g.consecutive_passes(), 1);
  legal = g.legal_actions();
  CHECK(!legal.test(Othello8::kPass));
  CHECK(legal.test(c("c1")));
  g.play(c("c1"));
  CHECK_EQ(g.consecutive_passes(), 0);
  CHECK_EQ(g.disc_count(0), 0);
  g.play(Othello8::kPass);  // Black has no discs
  CHECK(!g.is_terminal());
  CHECK(g.legal_actions().test(Othello8::kPass));  // nor White anything to flip
  g.play(Othello8::kPass);
  CHECK(g.is_terminal());
  CHECK_EQ(g.winner(), 1);
  CHECK(g.legal_actions().empty());
  CHECK(g.valid());

  // Neither side can move: two passes end the game, equal discs draw.
  Othello8 stuck = Othello8::from_position(bit<Othello8>(c("h8")), bit<Othello8>(c("a1")), 0);
  stuck.play(Othello8::kPass);
  stuck.play(Othello8::kPass);
  CHECK(stuck.is_terminal());
  CHECK_EQ(stuck.winner(), kDraw);

  // Filling the last empty cell ends the game at once.
  uint64_t black = ~uint64_t{0} & ~bit<Othello8>(c("h8")) & ~bit<Othello8>(c("g8"));
  Othello8 full = Othello8::from_position(black, bit<Othello8>(c("g8")), 0);
  CHECK(!full.is_terminal());
  full.play(c("h8"));
  CHECK(full.is_terminal());
  CHECK_EQ(full.consecutive_passes(), 0);
  CHECK_EQ(full.winner(), 0);
  CHECK_EQ(full.disc_count(0), 64);
}

TEST(othello_perft_external_truth) {
  const uint64_t expected[] = {1, 4, 12, 56, 244, 1396, 8200, 55092, 390216};
  for (int d = 0; d <= 8; ++d) CHECK_EQ(perft(Othello8{}, d), expected[d]);
}

// A straightforward array-based Othello move generator to cross-check the bitboards.
template <int N>
uint64_t naive_flips(const Othello<N>& g, int cell) {
  const int me = g.to_move();
  if (g.cell_owner(cell) != -1) return 0;
  uint64_t all = 0;
  for (int dr = -1; dr <= 1; ++dr) {
    for (int dc = -1; dc <= 1; ++dc) {
      if (dr == 0 && dc == 0) continue;
      uint64_t run = 0;
      int r = cell / N + dr, col = cell % N + dc;
      while (r >= 0 && r < N && col >= 0 && col < N && g.cell_owner(r * N + col) == 1 - me) {
        run |= uint64_t{1} << (r * N + col);
        r += dr;
        col += dc;
      }
      if (run && r >= 0 && r < N && col >= 0 && col < N && g.cell_owner(r * N + col) == me) all |= run;
    }
  }
  return all;
}

template <int N>
void fuzz_othello_against_naive(uint64_t seed, int games) {
  PlayoutRng rng(seed);
  for (int i = 0; i < games; ++i) {
    Othello<N> g;
    while (!g.is_terminal()) {
      const ActionSet legal = g.legal_actions();
      bool any_placement = false;
      for (int cell = 0; cell < N * N; ++cell) {
        const bool naive_legal = naive_flips(g, cell) != 0;
        any_placement |= naive_legal;
        CHECK_EQ(legal.test(cell), naive_legal);
      }
      CHECK_EQ(legal.test(Othello<N>::kPass), !any_placement);
      const int a = random_action(g, rng);
      const uint64_t expect_flips = a == Othello<N>::kPass ? 0 : naive_flips(g, a);
      const int me = g.to_move();
      Othello<N> next = g;
      next.play(a);
      for (int cell = 0; cell < N * N; ++cell) {
        int want = g.cell_owner(cell);
        if (cell == a || (expect_flips >> cell & 1)) want = me;
        CHECK_EQ(next.cell_owner(cell), want);
      }
      CHECK_EQ(next.to_move(), 1 - me);
      CHECK(next.valid());
      g = next;
    }
    const int b = g.disc_count(0), w = g.disc_count(1);
    CHECK_EQ(g.winner(), b > w ? 0 : w > b ? 1 : kDraw);
  }
}

TEST(othello_bitboards_match_naive_rules) {
  fuzz_othello_against_naive<8>(11, 60);
  fuzz_othello_against_naive<6>(12, 100);
}

// ---------------------------------------------------------------- every game

template <Game G>
void check_metadata() {
  constexpr GameInfo info = G::kInfo;
  constexpr int cells = info.board_width * info.board_height;
  CHECK_EQ(info.legal_mask_offset, 2 * cells);
  CHECK_EQ(info.obs_size, 2 * cells + info.num_actions + 2);
  CHECK(info.num_actions <= ActionSet::kMaxActions);
}

TEST(metadata_matches_design_table) {
  for_each_game([]<Game G>() { check_metadata<G>(); });
  CHECK_EQ(TicTacToe::kInfo.obs_size, 29);
  CHECK_EQ(Connect4::kInfo.obs_size, 93);
  CHECK_EQ(Othello8::kInfo.obs_size, 195);
  CHECK_EQ(Othello6::kInfo.obs_size, 111);
  CHECK_EQ(Connect4::kInfo.legal_mask_offset, 84);
  CHECK_EQ(Othello8::kInfo.legal_mask_offset, 128);
  CHECK_EQ(Othello6::kInfo.legal_mask_offset, 72);
  CHECK_EQ(Othello8::kInfo.num_actions, 65);
  CHECK_EQ(Othello6::kInfo.num_actions, 37);
  int found = 0;
  for (const char* id : {"tictactoe", "connect4", "othello", "othello6"}) {
    found += visit_game(id, []<Game G>() {});
  }
  CHECK_EQ(found, 4);
  CHECK(!visit_game("chess", []<Game G>() {}));
}

template <Game G>
void check_observation_layout(std::string_view moves) {
  const G g = play_moves<G>(moves);
  const std::vector<float> obs = observation(g);
  constexpr int cells = G::kInfo.board_width * G::kInfo.board_height;
  for (int c = 0; c < cells; ++c) {
    CHECK_EQ(obs[c], g.cell_owner(c) == 0 ? 1.0f : 0.0f);
    CHECK_EQ(obs[cells + c], g.cell_owner(c) == 1 ? 1.0f : 0.0f);
  }
  const ActionSet legal = g.legal_actions();
  for (int a = 0; a < G::kInfo.num_actions; ++a) {
    CHECK_EQ(obs[G::kInfo.legal_mask_offset + a], legal.test(a) ? 1.0f : 0.0f);
  }
  CHECK_EQ(obs[G::kInfo.obs_size - 2], g.to_move() == 0 ? 1.0f : 0.0f);
  CHECK_EQ(obs[G::kInfo.obs_size - 1], g.to_move() == 1 ? 1.0f : 0.0f);
}

TEST(observation_layout_examples) {
  {
    const TicTacToe g = play_moves<TicTacToe>("4 0");  // X centre, O corner; X to move
    const std::vector<float> obs = observation(g);
    CHECK_EQ(obs[4], 1.0f);
    CHECK_EQ(obs[9 + 0], 1.0f);
    CHECK_EQ(obs[18 + 0], 0.0f);
    CHECK_EQ(obs[18 + 1], 1.0f);
    CHECK_EQ(obs[27], 1.0f);
    CHECK_EQ(obs[28], 0.0f);
  }
  {
    const Connect4 g = connect4_from("44");  // X at d1 (row 0), O above it (row 1)
    const std::vector<float> obs = observation(g);
    CHECK_EQ(obs[0 * 7 + 3], 1.0f);
    CHECK_EQ(obs[42 + 1 * 7 + 3], 1.0f);
    float sum = 0;
    for (float v : obs) sum += v;
    CHECK_EQ(sum, 1.0f + 1.0f + 7.0f + 1.0f);
    CHECK_EQ(obs[91], 1.0f);
  }
  {
    const Othello8 g;  // Black d5 = row 4 col 3 = 35, White d4 = 27
    const std::vector<float> obs = observation(g);
    CHECK_EQ(obs[35], 1.0f);
    CHECK_EQ(obs[64 + 27], 1.0f);
    CHECK_EQ(obs[128 + Othello8::parse_move("d3")], 1.0f);
    CHECK_EQ(obs[128 + 64], 0.0f);  // pass not legal
    CHECK_EQ(obs[193], 1.0f);
  }
  check_observation_layout<TicTacToe>("0 4 8");
  check_observation_layout<Connect4>("4 4 3 5");
  check_observation_layout<Othello8>("d3 c5 f6");
  check_observation_layout<Othello6>("b3 b2");
  // The pass shows in the legal plane when it is the only move.
  const Othello8 must_pass =
      Othello8::from_position(bit<Othello8>(Othello8::parse_move("b1")), bit<Othello8>(Othello8::parse_move("a1")), 0);
  const std::vector<float> obs = observation(must_pass);
  CHECK_EQ(obs[128 + 64], 1.0f);
}

template <Game G>
void check_symmetries(uint64_t seed) {
  constexpr GameInfo info = G::kInfo;
  constexpr int cells = info.board_width * info.board_height;
  // Every symmetry permutes cells and actions; 0 is the identity.
  for (int s = 0; s < info.num_symmetries; ++s) {
    std::vector<int> seen_cell(cells, 0), seen_action(info.num_actions, 0);
    for (int c = 0; c < cells; ++c) {
      const int t = G::symmetric_cell(s, c);
      CHECK(t >= 0 && t < cells);
      if (t >= 0 && t < cells) seen_cell[t]++;
      if (s == 0) CHECK_EQ(t, c);
    }
    for (int a = 0; a < info.num_actions; ++a) {
      const int t = G::symmetric_action(s, a);
      CHECK(t >= 0 && t < info.num_actions);
      if (t >= 0 && t < info.num_actions) seen_action[t]++;
      if (s == 0) CHECK_EQ(t, a);
    }
    for (int v : seen_cell) CHECK_EQ(v, 1);
    for (int v : seen_action) CHECK_EQ(v, 1);
  }
  // The transformed position (played with transformed moves where the start is
  // symmetric, built from transformed discs where it is not, as in Othello)
  // encodes to the transformed observation, and its legal mask is the
  // transformed legal mask (through transform_policy).
  PlayoutRng rng(seed);
  for (int game = 0; game < 30; ++game) {
    std::vector<G> images(info.num_symmetries);
    G g;
    while (!g.is_terminal()) {
      const int a = random_action(g, rng);
      g.play(a);
      const std::vector<float> obs = observation(g);
      std::vector<float> legal(info.num_actions, 0.0f);
      g.legal_actions().for_each([&](int x) { legal[x] = 1.0f; });
      for (int s = 0; s < info.num_symmetries; ++s) {
        G& img = images[s];
        if constexpr (requires { G::from_position(0, 0, 0, 0); }) {
          uint64_t discs[2] = {0, 0};
          for (int c = 0; c < cells; ++c) {
            if (g.cell_owner(c) >= 0) discs[g.cell_owner(c)] |= uint64_t{1} << G::symmetric_cell(s, c);
          }
          img = G::from_position(discs[0], discs[1], g.to_move(), g.consecutive_passes());
        } else {
          const int ta = G::symmetric_action(s, a);
          CHECK(img.legal_actions().test(ta));
          img.play(ta);
        }
        std::vector<float> transformed(info.obs_size, -1.0f);
        transform_observation<G>(s, obs.data(), transformed.data());
        CHECK(transformed == observation(img));
        std::vector<float> mapped(info.num_actions, -1.0f), image_legal(info.num_actions, 0.0f);
        transform_policy<G>(s, legal.data(), mapped.data());
        img.legal_actions().for_each([&](int x) { image_legal[x] = 1.0f; });
        CHECK(mapped == image_legal);
        CHECK_EQ(img.winner(), g.winner());
        CHECK_EQ(img.is_terminal(), g.is_terminal());
      }
    }
  }
}

TEST(symmetry_consistency) {
  check_symmetries<TicTacToe>(1);
  check_symmetries<Connect4>(2);
  check_symmetries<Othello8>(3);
  check_symmetries<Othello6>(4);
  // Connect4's mirror maps column 1 to 7; Othello's pass stays the pass.
  CHECK_EQ(Connect4::symmetric_action(1, 0), 6);
  for (int s = 0; s < 8; ++s) CHECK_EQ(Othello8::symmetric_action(s, 64), 64);
}

// `mover_wins`: a win can only be completed by the side that just moved (not
// so in Othello, where the game can end on a pass).
template <Game G>
void fuzz_invariants(uint64_t seed, int games, bool mover_wins) {
  constexpr GameInfo info = G::kInfo;
  constexpr int cells = info.board_width * info.board_height;
  PlayoutRng rng(seed);
  // Board + side to move -> hash: every transposition must agree.
  std::unordered_map<std::string, uint64_t> hashes;
  for (int i = 0; i < games; ++i) {
    G g;
    CHECK(g.valid());
    while (!g.is_terminal()) {
      const ActionSet legal = g.legal_actions();
      CHECK(!legal.empty());
      const int ply = g.ply(), me = g.to_move();
      const int a = random_action(g, rng);
      CHECK(legal.test(a));
      g.play(a);
      CHECK_EQ(g.ply(), ply + 1);
      CHECK(g.valid());  // includes: incremental hash == hash recomputed from the board
      if (!g.is_terminal()) CHECK_EQ(g.winner(), kDraw);
      if (mover_wins && g.winner() != kDraw) CHECK_EQ(g.winner(), me);  // only the mover can complete a win
      std::string key(cells + 1, '.');
      for (int c = 0; c < cells; ++c) key[c] = char('0' + g.cell_owner(c) + 1);
      key[cells] = char('0' + g.to_move());
      const auto [it, inserted] = hashes.emplace(key, g.hash());
      if (!inserted) CHECK_EQ(it->second, g.hash());
      std::vector<float> obs = observation(g);
      float legal_sum = 0;
      for (int x = 0; x < info.num_actions; ++x) legal_sum += obs[info.legal_mask_offset + x];
      CHECK_EQ(int(legal_sum), g.legal_actions().count());
      CHECK_EQ(obs[info.obs_size - 2] + obs[info.obs_size - 1], 1.0f);
    }
    CHECK(g.legal_actions().empty());
    const float v = terminal_value(g);
    CHECK(v == 0.0f || v == 1.0f || v == -1.0f);
  }
}

TEST(random_playout_fuzz_invariants) {
  fuzz_invariants<TicTacToe>(21, 2000, true);
  fuzz_invariants<Connect4>(22, 1000, true);
  fuzz_invariants<Othello8>(23, 150, false);
  fuzz_invariants<Othello6>(24, 300, false);
}

// Walks every line to `depth`; positions equal in board and side to move must
// share a hash however they were reached (and transpositions must occur).
template <Game G>
void walk(const G& g, int depth, std::unordered_map<std::string, uint64_t>& hashes, uint64_t& visits) {
  constexpr int cells = G::kInfo.board_width * G::kInfo.board_height;
  std::string key(cells + 1, '.');
  for (int c = 0; c < cells; ++c) key[c] = char('0' + g.cell_owner(c) + 1);
  key[cells] = char('0' + g.to_move());
  ++visits;
  const auto [it, inserted] = hashes.emplace(key, g.hash());
  if (!inserted) CHECK_EQ(it->second, g.hash());
  if (depth == 0 || g.is_terminal()) return;
  g.legal_actions().for_each([&](int a) {
    G child = g;
    child.play(a);
    walk(child, depth - 1, hashes, visits);
  });
}

template <Game G>
void check_transpositions(int depth) {
  std::unordered_map<std::string, uint64_t> hashes;
  uint64_t visits = 0;
  walk(G{}, depth, hashes, visits);
  CHECK(hashes.size() < visits);
  // Distinct boards should (practically always) have distinct 64-bit hashes.
  std::unordered_map<uint64_t, int> by_hash;
  for (const auto& [key, h] : hashes) by_hash[h]++;
  CHECK_EQ(by_hash.size(), hashes.size());
}

TEST(hash_same_position_by_different_move_orders) {
  CHECK_EQ(play_moves<TicTacToe>("0 4 1").hash(), play_moves<TicTacToe>("1 4 0").hash());
  CHECK(play_moves<TicTacToe>("0 4 1").hash() != play_moves<TicTacToe>("0 1 4").hash());
  CHECK_EQ(connect4_from("1234").hash(), connect4_from("3214").hash());
  CHECK(connect4_from("12").hash() != connect4_from("21").hash());
  check_transpositions<TicTacToe>(6);
  check_transpositions<Connect4>(6);
  check_transpositions<Othello8>(6);
  check_transpositions<Othello6>(6);
  CHECK(Othello8{}.hash() != Othello6{}.hash());
  // Side to move is part of the hash.
  const Othello8 stuck = Othello8::from_position(bit<Othello8>(63), bit<Othello8>(0), 0);
  Othello8 passed = stuck;
  passed.play(Othello8::kPass);
  CHECK(stuck.hash() != passed.hash());
}

TEST(state_bytes_round_trip) {
  PlayoutRng rng(5);
  Othello8 g;
  for (int i = 0; i < 20 && !g.is_terminal(); ++i) g.play(random_action(g, rng));
  unsigned char bytes[sizeof(Othello8)];
  std::memcpy(bytes, &g, sizeof g);
  Othello8 back;
  std::memcpy(&back, bytes, sizeof back);
  CHECK(back.valid());
  CHECK_EQ(back.hash(), g.hash());
  CHECK(back.legal_actions() == g.legal_actions());
  bytes[0] ^= 1;  // corrupt a disc: the hash no longer matches
  std::memcpy(&back, bytes, sizeof back);
  CHECK(!back.valid());
}
