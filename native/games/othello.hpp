#pragma once
// Othello (Reversi) on an N x N board, N even and at most 8: Othello<8> is
// "othello", Othello<6> is "othello6". Cell = row * N + col with row 0 = rank 1
// and col 0 = file a; action N*N is the pass. Standard start: White on d4/e5,
// Black on d5/e4 (for N = 6 the same pattern around the centre); Black is
// player 0 and moves first. A pass is legal only when no placement is; two
// consecutive passes or a full board end the game; more discs wins.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "games/board_symmetry.hpp"
#include "games/game.hpp"
#include "games/zobrist.hpp"

namespace cartridge {

// The cells of file `col` on an n x n board.
constexpr uint64_t othello_file_mask(int n, int col) {
  uint64_t m = 0;
  for (int r = 0; r < n; ++r) m |= uint64_t{1} << (r * n + col);
  return m;
}

template <int N>
class Othello {
  static_assert(N >= 4 && N <= 8 && N % 2 == 0, "Othello needs an even board size from 4 to 8");

 public:
  static constexpr int kCells = N * N;
  static constexpr int kPass = kCells;
  static constexpr GameInfo kInfo{N == 8 ? "othello" : N == 6 ? "othello6" : "othello4",
                                  N == 8 ? "Othello" : N == 6 ? "Othello 6x6" : "Othello 4x4",
                                  N,
                                  N,
                                  kCells + 1,
                                  2 * kCells + kCells + 1 + 2,
                                  2 * kCells,
                                  kSquareSymmetries};

  Othello() {
    const int lo = N / 2 - 1, hi = N / 2;  // d and e for N = 8 (0-based files/ranks 3 and 4)
    place(1, lo * N + lo);                 // White d4
    place(1, hi * N + hi);                 // White e5
    place(0, hi * N + lo);                 // Black d5
    place(0, lo * N + hi);                 // Black e4
  }

  // A position given by its discs (bit = cell), for puzzles and tests; ply
  // counts the discs beyond the starting four (plus the passes given).
  static Othello from_position(uint64_t black, uint64_t white, int to_move, int consecutive_passes = 0) {
    Othello g;
    g.discs_[0] = g.discs_[1] = 0;
    g.hash_ = to_move ? kKeys.side_to_move : 0;
    for (int c = 0; c < kCells; ++c) {
      if (black >> c & 1) g.place(0, c);
      else if (white >> c & 1) g.place(1, c);
    }
    g.to_move_ = int8_t(to_move);
    const int discs = std::popcount(g.discs_[0] | g.discs_[1]);
    g.passes_ = int8_t(consecutive_passes);
    g.ply_ = int16_t((discs > 4 ? discs - 4 : 0) + consecutive_passes);
    if (g.is_terminal()) g.winner_ = int8_t(g.result_from_discs());
    return g;
  }

  int to_move() const { return to_move_; }
  int ply() const { return ply_; }
  bool is_terminal() const { return passes_ >= 2 || (discs_[0] | discs_[1]) == kBoard; }
  int winner() const { return winner_; }
  uint64_t hash() const { return hash_; }
  int consecutive_passes() const { return passes_; }
  int disc_count(int player) const { return std::popcount(discs_[player]); }

  int cell_owner(int cell) const {
    const uint64_t bit = uint64_t{1} << cell;
    if (discs_[0] & bit) return 0;
    if (discs_[1] & bit) return 1;
    return -1;
  }

  // Placements as a cell bitboard (bit = cell) for the side to move.
  uint64_t placements() const { return moves_for(discs_[to_move_], discs_[to_move_ ^ 1]); }

  ActionSet legal_actions() const {
    ActionSet set;
    if (is_terminal()) return set;
    const uint64_t moves = placements();
    if (moves != 0) {
      set.set_word(0, moves);
    } else {
      set.set(kPass);
    }
    return set;
  }

  void play(int action) {
    const int p = to_move_;
    if (action == kPass) {
      ++passes_;
    } else {
      passes_ = 0;
      const uint64_t move = uint64_t{1} << action;
      const uint64_t flipped = flips(move, discs_[p], discs_[p ^ 1]);
      discs_[p] |= move | flipped;
      discs_[p ^ 1] &= ~flipped;
      hash_ ^= kKeys.piece[p][action];
      for (uint64_t f = flipped; f != 0; f &= f - 1) {
        const int c = std::countr_zero(f);
        hash_ ^= kKeys.piece[0][c] ^ kKeys.piece[1][c];
      }
    }
    to_move_ = int8_t(p ^ 1);
    hash_ ^= kKeys.side_to_move;
    ++ply_;
    if (is_terminal()) winner_ = int8_t(result_from_discs());
  }

  static int symmetric_cell(int sym, int cell) { return square_symmetric_cell(sym, cell, N); }
  static int symmetric_action(int sym, int action) {
    return action == kPass ? kPass : square_symmetric_cell(sym, action, N);
  }

  // "d3" style (file letter, rank number, case-insensitive) or "pass".
  static int parse_move(std::string_view text) {
    if (text == "pass" || text == "PASS" || text == "Pass") return kPass;
    if (text.size() != 2) return -1;
    const char f = char(text[0] | 0x20);  // lower case
    const int col = f - 'a', row = text[1] - '1';
    if (col < 0 || col >= N || row < 0 || row >= N) return -1;
    return row * N + col;
  }
  static std::string format_move(int action) {
    if (action == kPass) return "pass";
    return {char('a' + action % N), char('1' + action / N)};
  }

  // Rank N at the top, as on a printed board; X = Black, O = White.
  std::string render() const {
    std::string out = "  ";
    for (int c = 0; c < N; ++c) out += {char('a' + c), c < N - 1 ? ' ' : '\n'};
    for (int r = N - 1; r >= 0; --r) {
      out += {char('1' + r), ' '};
      for (int c = 0; c < N; ++c) {
        const int owner = cell_owner(r * N + c);
        out += owner == 0 ? 'X' : owner == 1 ? 'O' : '.';
        out += c < N - 1 ? ' ' : '\n';
      }
    }
    return out;
  }

  // Whether bytes restored from outside are self-consistent (disjoint discs on
  // the board, counters in range, hash and result agree).
  bool valid() const {
    if ((discs_[0] & discs_[1]) || ((discs_[0] | discs_[1]) & ~kBoard)) return false;
    if (to_move_ < 0 || to_move_ > 1 || passes_ < 0 || passes_ > 2 || ply_ < 0) return false;
    uint64_t h = to_move_ ? kKeys.side_to_move : 0;
    for (int cell = 0; cell < kCells; ++cell) {
      const int owner = cell_owner(cell);
      if (owner >= 0) h ^= kKeys.piece[owner][cell];
    }
    const int w = is_terminal() ? result_from_discs() : kDraw;
    return h == hash_ && w == winner_ && pad_[0] == 0 && pad_[1] == 0 && pad_[2] == 0;
  }

 private:
  int result_from_discs() const {
    const int b = disc_count(0), w = disc_count(1);
    return b > w ? 0 : w > b ? 1 : kDraw;
  }

  static constexpr uint64_t kBoard = N == 8 ? ~uint64_t{0} : (uint64_t{1} << kCells) - 1;
  static constexpr uint64_t kNotFileA = kBoard & ~othello_file_mask(N, 0);
  static constexpr uint64_t kNotFileLast = kBoard & ~othello_file_mask(N, N - 1);

  // One step in direction D (0..7): +col, -col, +row, -row and the diagonals.
  // Masks drop bits that wrapped around a board edge or fell off the board.
  template <int D>
  static constexpr uint64_t step(uint64_t b) {
    if constexpr (D == 0) return (b << 1) & kNotFileA;            // east
    if constexpr (D == 1) return (b >> 1) & kNotFileLast;         // west
    if constexpr (D == 2) return (b << N) & kBoard;               // north
    if constexpr (D == 3) return b >> N;                          // south
    if constexpr (D == 4) return (b << (N + 1)) & kNotFileA;      // north-east
    if constexpr (D == 5) return (b << (N - 1)) & kNotFileLast;   // north-west
    if constexpr (D == 6) return (b >> (N - 1)) & kNotFileA;      // south-east
    if constexpr (D == 7) return (b >> (N + 1)) & kNotFileLast;   // south-west
  }

  template <int D>
  static uint64_t moves_in(uint64_t own, uint64_t opp, uint64_t empty) {
    uint64_t run = step<D>(own) & opp;
    for (int i = 0; i < N - 3; ++i) run |= step<D>(run) & opp;
    return step<D>(run) & empty;
  }

  static uint64_t moves_for(uint64_t own, uint64_t opp) {
    const uint64_t empty = kBoard & ~(own | opp);
    return moves_in<0>(own, opp, empty) | moves_in<1>(own, opp, empty) | moves_in<2>(own, opp, empty) |
           moves_in<3>(own, opp, empty) | moves_in<4>(own, opp, empty) | moves_in<5>(own, opp, empty) |
           moves_in<6>(own, opp, empty) | moves_in<7>(own, opp, empty);
  }

  template <int D>
  static uint64_t flips_in(uint64_t move, uint64_t own, uint64_t opp) {
    uint64_t run = 0;
    uint64_t b = step<D>(move);
    while (b & opp) {
      run |= b;
      b = step<D>(b);
    }
    return (b & own) ? run : 0;
  }

  static uint64_t flips(uint64_t move, uint64_t own, uint64_t opp) {
    return flips_in<0>(move, own, opp) | flips_in<1>(move, own, opp) | flips_in<2>(move, own, opp) |
           flips_in<3>(move, own, opp) | flips_in<4>(move, own, opp) | flips_in<5>(move, own, opp) |
           flips_in<6>(move, own, opp) | flips_in<7>(move, own, opp);
  }

  void place(int player, int cell) {
    discs_[player] |= uint64_t{1} << cell;
    hash_ ^= kKeys.piece[player][cell];
  }

  static constexpr ZobristKeys<kCells> kKeys{0x0700 + N};

  uint64_t discs_[2] = {0, 0};  // [Black, White]
  uint64_t hash_ = 0;
  int16_t ply_ = 0;
  int8_t to_move_ = 0;
  int8_t passes_ = 0;  // consecutive passes just played
  int8_t winner_ = kDraw;
  uint8_t pad_[3] = {0, 0, 0};  // explicit, so the state bytes are fully determined
};

using Othello8 = Othello<8>;
using Othello6 = Othello<6>;

static_assert(Game<Othello8>);
static_assert(Game<Othello6>);
static_assert(std::has_unique_object_representations_v<Othello8>);

}  // namespace cartridge
