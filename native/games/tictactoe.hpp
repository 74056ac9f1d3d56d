#pragma once
// TicTacToe on 3x3; action = cell 0..8 (row * 3 + col). Player 1 plays X.
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "games/board_symmetry.hpp"
#include "games/game.hpp"
#include "games/zobrist.hpp"

namespace cartridge {

class TicTacToe {
 public:
  static constexpr GameInfo kInfo{"tictactoe", "Tic-Tac-Toe", 3, 3, 9, 29, 18, kSquareSymmetries};

  int to_move() const { return ply_ & 1; }
  int ply() const { return ply_; }
  bool is_terminal() const { return winner_ != kDraw || ply_ == 9; }
  int winner() const { return winner_; }
  uint64_t hash() const { return hash_; }

  int cell_owner(int cell) const {
    if (marks_[0] >> cell & 1) return 0;
    if (marks_[1] >> cell & 1) return 1;
    return -1;
  }

  ActionSet legal_actions() const {
    ActionSet set;
    if (!is_terminal()) set.set_word(0, ~(marks_[0] | marks_[1]) & 0x1FFu);
    return set;
  }

  void play(int action) {
    const int p = to_move();
    marks_[p] |= uint16_t(1u << action);
    hash_ ^= kKeys.piece[p][action] ^ kKeys.side_to_move;
    ++ply_;
    for (uint16_t line : kLines) {
      if ((marks_[p] & line) == line) winner_ = int8_t(p);
    }
  }

  static int symmetric_cell(int sym, int cell) { return square_symmetric_cell(sym, cell, 3); }
  static int symmetric_action(int sym, int action) { return symmetric_cell(sym, action); }

  static int parse_move(std::string_view text) {
    if (text.size() != 1 || text[0] < '0' || text[0] > '8') return -1;
    return text[0] - '0';
  }
  static std::string format_move(int action) { return std::string(1, char('0' + action)); }

  std::string render() const {
    std::string out;
    // Row 0 at the bottom, as in every game here (and the web board); empty cells show their number.
    for (int r = 2; r >= 0; --r) {
      for (int c = 0; c < 3; ++c) {
        const int owner = cell_owner(r * 3 + c);
        out += owner == 0 ? 'X' : owner == 1 ? 'O' : char('0' + r * 3 + c);
        out += c < 2 ? ' ' : '\n';
      }
    }
    return out;
  }

  // Whether bytes restored from outside describe a reachable position (X moves
  // first, counts and ply agree, hash and winner match, play stopped at a win).
  bool valid() const {
    if ((marks_[0] & marks_[1]) || ((marks_[0] | marks_[1]) & ~0x1FFu) || pad_[0] || pad_[1]) return false;
    const int nx = std::popcount(unsigned(marks_[0])), no = std::popcount(unsigned(marks_[1]));
    if (ply_ != nx + no || nx - no < 0 || nx - no > 1) return false;
    uint64_t h = (ply_ & 1) ? kKeys.side_to_move : 0;
    for (int c = 0; c < 9; ++c) {
      const int owner = cell_owner(c);
      if (owner >= 0) h ^= kKeys.piece[owner][c];
    }
    const bool x_line = has_line(marks_[0]), o_line = has_line(marks_[1]);
    const int w = x_line ? 0 : o_line ? 1 : kDraw;
    // The winner made the last move, so the counts tell who it must be.
    if (x_line && (o_line || nx == no)) return false;
    if (o_line && nx != no) return false;
    return h == hash_ && w == winner_;
  }

 private:
  static bool has_line(uint16_t marks) {
    for (uint16_t line : kLines) {
      if ((marks & line) == line) return true;
    }
    return false;
  }

  static constexpr std::array<uint16_t, 8> kLines = {0007, 0070, 0700, 0111, 0222, 0444, 0421, 0124};
  static constexpr ZobristKeys<9> kKeys{0x7171};

  uint16_t marks_[2] = {0, 0};
  int8_t ply_ = 0;
  int8_t winner_ = kDraw;
  uint8_t pad_[2] = {0, 0};  // explicit, so the state bytes are fully determined
  uint64_t hash_ = 0;
};

static_assert(Game<TicTacToe>);
static_assert(std::has_unique_object_representations_v<TicTacToe>);

}  // namespace cartridge
