#pragma once
// Connect4 perfect solver (after Pascal Pons' design): bitboard negamax with
// alpha-beta, a transposition table of score bounds, center-first + threat-based
// move ordering, and a null-window search that narrows the score interval
// (iterative deepening on the score). Scores follow Pons: for the side to move,
// positive = win (22 - number of stones the winner will have played, i.e. sooner
// wins score higher), 0 = draw, negative = loss. Weak mode only decides W/D/L.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "solver/connect4_position.hpp"
#include "solver/transposition_table.hpp"

namespace cartridge::solver {

// Builds a position from columns 0..6 played from the empty board. Returns an
// error message (and leaves `out` unspecified) when a column is out of range or
// full, or when a move is played in (or the sequence ends in) a won position.
std::optional<std::string> position_from_columns(std::span<const int> columns, Position& out);
// Same for Pons notation: digits '1'..'7'.
std::optional<std::string> position_from_pons(std::string_view digits, Position& out);

class Connect4Solver {
 public:
  static constexpr int kDefaultTableLog2 = 23;  // ~8.4M entries, ~40 MB

  explicit Connect4Solver(int table_log2 = kDefaultTableLog2) : table_(table_log2) {}

  // Exact score (strong) or its sign (weak: -1, 0, 1) for the side to move.
  int solve(const Position& position, bool weak = false);
  // Score of each move (the position after it, from the mover's view); nullopt for full columns.
  // Empty when the game is over (board full).
  std::array<std::optional<int>, kWidth> analyze(const Position& position, bool weak = false);

  uint64_t node_count() const { return node_count_; }
  void reset_node_count() { node_count_ = 0; }
  // Forgets every stored bound (results stay correct either way; this only frees state).
  void clear() { table_.reset(); }
  uint64_t table_entries() const { return table_.size(); }
  uint64_t table_bytes() const { return table_.bytes(); }

 private:
  int negamax(const Position& position, int alpha, int beta);

  TranspositionTable table_;
  uint64_t node_count_ = 0;
};

}  // namespace cartridge::solver
