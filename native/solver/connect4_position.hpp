#pragma once
// The solver's own Connect4 position: two bitboards in Pascal Pons' layout.
//
// Column c occupies bits c*7 .. c*7+5 (row 0 = bottom); bit c*7+6 is a sentinel
// that stays empty so shifts never carry between columns. `current` holds the
// stones of the side to move, `mask` all stones. current + mask is a unique key.
// Moves enter as columns 0..6 (the game engine's actions), so the solver never
// needs to agree with the engine on anything but the rules.
#include <bit>
#include <cstdint>
#include <string_view>

namespace cartridge::solver {

inline constexpr int kWidth = 7;
inline constexpr int kHeight = 6;
inline constexpr int kCells = kWidth * kHeight;
// Pons' score bounds: a win on the last possible move scores 1, the fastest win 18.
inline constexpr int kMinScore = -(kCells) / 2 + 3;
inline constexpr int kMaxScore = (kCells + 1) / 2 - 3;

namespace detail {
constexpr uint64_t bottom_mask(int width, int height) {
  return width == 0 ? 0 : bottom_mask(width - 1, height) | (uint64_t{1} << ((width - 1) * (height + 1)));
}
}  // namespace detail

inline constexpr uint64_t kBottomMask = detail::bottom_mask(kWidth, kHeight);
inline constexpr uint64_t kBoardMask = kBottomMask * ((uint64_t{1} << kHeight) - 1);

class Position {
 public:
  static constexpr uint64_t top_mask_col(int col) { return uint64_t{1} << (kHeight - 1 + col * (kHeight + 1)); }
  static constexpr uint64_t bottom_mask_col(int col) { return uint64_t{1} << (col * (kHeight + 1)); }
  static constexpr uint64_t column_mask(int col) { return ((uint64_t{1} << kHeight) - 1) << (col * (kHeight + 1)); }

  bool can_play(int col) const { return (mask_ & top_mask_col(col)) == 0; }
  // Plays a column (precondition: can_play).
  void play_col(int col) { play((mask_ + bottom_mask_col(col)) & column_mask(col)); }
  // Plays a move given as the single bit of the cell it fills.
  void play(uint64_t move) {
    current_ ^= mask_;
    mask_ |= move;
    ++moves_;
  }
  bool is_winning_move(int col) const {
    return (winning_position() & possible() & column_mask(col)) != 0;
  }
  bool can_win_next() const { return (winning_position() & possible()) != 0; }
  int nb_moves() const { return moves_; }
  uint64_t key() const { return current_ + mask_; }
  uint64_t current() const { return current_; }
  uint64_t mask() const { return mask_; }

  // Moves that do not hand the opponent an immediate win; 0 if every move loses.
  uint64_t possible_non_losing_moves() const {
    uint64_t possible_mask = possible();
    const uint64_t opponent_win = opponent_winning_position();
    const uint64_t forced = possible_mask & opponent_win;
    if (forced) {
      if (forced & (forced - 1)) return 0;  // two threats: cannot block both
      possible_mask = forced;
    }
    return possible_mask & ~(opponent_win >> 1);  // never play right below a threat
  }
  // Threat-based ordering: how many winning cells the move creates.
  int move_score(uint64_t move) const { return std::popcount(compute_winning_position(current_ | move, mask_)); }

  // Builds a position from explicit stones (side to move first); no validation.
  static Position from_bitboards(uint64_t current, uint64_t mask, int moves) {
    Position p;
    p.current_ = current;
    p.mask_ = mask;
    p.moves_ = moves;
    return p;
  }
  // Does the player who just moved have four in a row?
  bool last_mover_won() const { return has_four(current_ ^ mask_); }

 private:
  uint64_t possible() const { return (mask_ + kBottomMask) & kBoardMask; }
  uint64_t winning_position() const { return compute_winning_position(current_, mask_); }
  uint64_t opponent_winning_position() const { return compute_winning_position(current_ ^ mask_, mask_); }

  static bool has_four(uint64_t pos) {
    for (const int shift : {1, kHeight + 1, kHeight, kHeight + 2}) {
      const uint64_t m = pos & (pos >> shift);
      if (m & (m >> (2 * shift))) return true;
    }
    return false;
  }
  // Empty cells (on or off the playable surface) that would complete a four for `position`.
  static uint64_t compute_winning_position(uint64_t position, uint64_t mask) {
    // vertical
    uint64_t r = (position << 1) & (position << 2) & (position << 3);
    // horizontal and both diagonals
    for (const int shift : {kHeight + 1, kHeight, kHeight + 2}) {
      uint64_t p = (position << shift) & (position << 2 * shift);
      r |= p & (position << 3 * shift);
      r |= p & (position >> shift);
      p = (position >> shift) & (position >> 2 * shift);
      r |= p & (position << shift);
      r |= p & (position >> 3 * shift);
    }
    return r & (kBoardMask ^ mask);
  }

  uint64_t current_ = 0;
  uint64_t mask_ = 0;
  int moves_ = 0;
};

}  // namespace cartridge::solver
