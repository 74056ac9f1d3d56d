#pragma once
// Connect Four on 7 columns x 6 rows; action = column 0..6, moves written as
// Pons digits '1'..'7'. Observation cells are row * 7 + col with row 0 = bottom.
//
// Internally each player's discs are a bitboard in the classic column-major
// layout (bit = col * 7 + row, one spare bit on top of every column) so that a
// drop is one add and a four-in-a-row test is four shift-and pairs.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "games/game.hpp"
#include "games/zobrist.hpp"

namespace cartridge {

// Moves bits 7c (c = 0..6) to bits c with one multiply: the partial products
// never collide inside bits 42..48 (verified for every pattern below).
constexpr uint64_t connect4_gather_columns(uint64_t spread) { return (spread * 0x41041041040ull) >> 42 & 0x7F; }

constexpr bool connect4_gather_is_exact() {
  for (uint64_t m = 0; m < 128; ++m) {
    uint64_t spread = 0;
    for (int c = 0; c < 7; ++c) spread |= (m >> c & 1) << (c * 7);
    if (connect4_gather_columns(spread) != m) return false;
  }
  return true;
}
static_assert(connect4_gather_is_exact());

class Connect4 {
 public:
  static constexpr int kWidth = 7;
  static constexpr int kHeight = 6;
  static constexpr GameInfo kInfo{"connect4", "Connect Four", kWidth, kHeight, kWidth, 93, 84, 2};

  int to_move() const { return ply_ & 1; }
  int ply() const { return ply_; }
  bool is_terminal() const { return winner_ != kDraw || ply_ == kWidth * kHeight; }
  int winner() const { return winner_; }
  uint64_t hash() const { return hash_; }

  int cell_owner(int cell) const {
    const uint64_t bit = bit_of(cell / kWidth, cell % kWidth);
    if (discs_[0] & bit) return 0;
    if (discs_[1] & bit) return 1;
    return -1;
  }

  // Columns whose top cell is still empty (none once the game is over).
  ActionSet legal_actions() const {
    ActionSet set;
    if (is_terminal()) return set;
    // Open tops sit at bits 7c + 5; shift them to 7c and gather.
    set.set_word(0, connect4_gather_columns((~(discs_[0] | discs_[1]) & kTopRow) >> (kHeight - 1)));
    return set;
  }

  void play(int action) {
    const int p = to_move();
    const uint64_t occupied = discs_[0] | discs_[1];
    const uint64_t bit = (occupied + bottom_bit(action)) & column_bits(action);
    const int row = std::countr_zero(bit) - action * (kHeight + 1);
    discs_[p] |= bit;
    hash_ ^= kKeys.piece[p][row * kWidth + action] ^ kKeys.side_to_move;
    ++ply_;
    if (has_four(discs_[p])) winner_ = int8_t(p);
  }

  // Symmetry 0 is the identity, 1 the left-right mirror.
  static int symmetric_cell(int sym, int cell) {
    if (sym == 0) return cell;
    const int r = cell / kWidth, c = cell % kWidth;
    return r * kWidth + (kWidth - 1 - c);
  }
  static int symmetric_action(int sym, int action) { return sym == 0 ? action : kWidth - 1 - action; }

  static int parse_move(std::string_view text) {
    if (text.size() != 1 || text[0] < '1' || text[0] > '7') return -1;
    return text[0] - '1';
  }
  static std::string format_move(int action) { return std::string(1, char('1' + action)); }

  std::string render() const {
    std::string out;
    for (int r = kHeight - 1; r >= 0; --r) {
      for (int c = 0; c < kWidth; ++c) {
        const int owner = cell_owner(r * kWidth + c);
        out += owner == 0 ? 'X' : owner == 1 ? 'O' : '.';
        out += c < kWidth - 1 ? ' ' : '\n';
      }
    }
    out += "1 2 3 4 5 6 7\n";
    return out;
  }

  // Whether bytes restored from outside describe a position play() can reach
  // (discs stacked from the bottom, counts and ply agree, hash and winner match).
  bool valid() const {
    const uint64_t occupied = discs_[0] | discs_[1];
    if ((discs_[0] & discs_[1]) || (occupied & ~kBoard)) return false;
    for (int c = 0; c < kWidth; ++c) {
      const uint64_t col = (occupied & column_bits(c)) >> (c * (kHeight + 1));
      if (col & (col + 1)) return false;  // a gap below a disc
    }
    const int n0 = std::popcount(discs_[0]), n1 = std::popcount(discs_[1]);
    if (ply_ != n0 + n1 || n0 - n1 < 0 || n0 - n1 > 1 || pad_[0] | pad_[1] | pad_[2] | pad_[3] | pad_[4] | pad_[5]) return false;
    uint64_t h = (ply_ & 1) ? kKeys.side_to_move : 0;
    for (int cell = 0; cell < kWidth * kHeight; ++cell) {
      const int owner = cell_owner(cell);
      if (owner >= 0) h ^= kKeys.piece[owner][cell];
    }
    const int w = has_four(discs_[0]) ? 0 : has_four(discs_[1]) ? 1 : kDraw;
    return h == hash_ && w == winner_ && !(has_four(discs_[0]) && has_four(discs_[1]));
  }

 private:
  static constexpr uint64_t bit_of(int row, int col) { return uint64_t{1} << (col * (kHeight + 1) + row); }
  static constexpr uint64_t bottom_bit(int col) { return bit_of(0, col); }
  static constexpr uint64_t top_bit(int col) { return bit_of(kHeight - 1, col); }
  static constexpr uint64_t column_bits(int col) { return ((uint64_t{1} << kHeight) - 1) << (col * (kHeight + 1)); }
  static constexpr uint64_t kBoard = 0xFDFBF7EFDFBFull;  // the low 6 bits of each 7-bit column
  static constexpr uint64_t kTopRow = 0x810204081020ull;  // bit 7c + 5 for each column c

  // Four in a row along any direction: vertical (shift 1), horizontal (7),
  // and the two diagonals (6, 8). The spare top bit stops wrap-around.
  static bool has_four(uint64_t b) {
    for (int s : {1, kHeight + 1, kHeight, kHeight + 2}) {
      const uint64_t m = b & (b >> s);
      if (m & (m >> (2 * s))) return true;
    }
    return false;
  }

  static constexpr ZobristKeys<kWidth * kHeight> kKeys{0xC4C4};

  uint64_t discs_[2] = {0, 0};
  uint64_t hash_ = 0;
  int8_t ply_ = 0;
  int8_t winner_ = kDraw;
  uint8_t pad_[6] = {0, 0, 0, 0, 0, 0};  // explicit, so the state bytes are fully determined
};

static_assert(Game<Connect4>);
static_assert(std::has_unique_object_representations_v<Connect4>);

}  // namespace cartridge
