#include "solver/connect4_solver.hpp"

#include <algorithm>

namespace cartridge::solver {
namespace {

// Columns explored center-first: central columns take part in more fours.
constexpr std::array<int, kWidth> kColumnOrder = {3, 2, 4, 1, 5, 0, 6};

// Insertion-sorted list of at most kWidth moves, best (highest score) popped first;
// ties keep the center-first order of insertion.
class MoveSorter {
 public:
  void add(uint64_t move, int score) {
    int pos = size_++;
    for (; pos && entries_[pos - 1].score > score; --pos) entries_[pos] = entries_[pos - 1];
    entries_[pos] = {move, score};
  }
  uint64_t next() { return size_ ? entries_[--size_].move : 0; }

 private:
  struct Entry {
    uint64_t move;
    int score;
  };
  std::array<Entry, kWidth> entries_{};
  int size_ = 0;
};

// Table values: upper bounds as score - kMinScore + 1 (1..), lower bounds shifted above them.
constexpr int kLowerBoundOffset = kMaxScore - 2 * kMinScore + 2;

}  // namespace

std::optional<std::string> position_from_columns(std::span<const int> columns, Position& out) {
  out = Position{};
  for (size_t i = 0; i < columns.size(); ++i) {
    const int col = columns[i];
    if (col < 0 || col >= kWidth) {
      return "move " + std::to_string(i + 1) + ": column " + std::to_string(col + 1) + " is not in 1..7";
    }
    if (!out.can_play(col)) {
      return "move " + std::to_string(i + 1) + ": column " + std::to_string(col + 1) + " is full";
    }
    if (out.is_winning_move(col)) {
      return "move " + std::to_string(i + 1) + " (column " + std::to_string(col + 1) + ") wins the game: the position is already decided";
    }
    out.play_col(col);
  }
  return std::nullopt;
}

std::optional<std::string> position_from_pons(std::string_view digits, Position& out) {
  std::array<int, kCells + 1> columns{};
  if (digits.size() > kCells) return "too many moves (" + std::to_string(digits.size()) + " > 42)";
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c < '1' || c > '7') return "move " + std::to_string(i + 1) + ": '" + std::string(1, c) + "' is not a digit 1..7";
    columns[i] = c - '1';
  }
  return position_from_columns(std::span<const int>(columns.data(), digits.size()), out);
}

int Connect4Solver::negamax(const Position& position, int alpha, int beta) {
  ++node_count_;
  const uint64_t next = position.possible_non_losing_moves();
  if (next == 0) return -(kCells - position.nb_moves()) / 2;  // every move lets the opponent win
  if (position.nb_moves() >= kCells - 2) return 0;              // no one can win any more

  int min = -(kCells - 2 - position.nb_moves()) / 2;  // opponent cannot win on their next move
  if (alpha < min) {
    alpha = min;
    if (alpha >= beta) return alpha;
  }
  int max = (kCells - 1 - position.nb_moves()) / 2;  // we cannot win on this move
  const uint64_t key = position.key();
  if (const int stored = table_.get(key)) {
    if (stored > kMaxScore - kMinScore + 1) {
      min = stored + 2 * kMinScore - kMaxScore - 2;
      if (alpha < min) {
        alpha = min;
        if (alpha >= beta) return alpha;
      }
    } else {
      max = stored + kMinScore - 1;
    }
  }
  if (beta > max) {
    beta = max;
    if (alpha >= beta) return beta;
  }

  MoveSorter moves;
  for (int i = kWidth - 1; i >= 0; --i) {
    if (const uint64_t move = next & Position::column_mask(kColumnOrder[i])) moves.add(move, position.move_score(move));
  }
  while (const uint64_t move = moves.next()) {
    Position child = position;
    child.play(move);
    const int score = -negamax(child, -beta, -alpha);
    if (score >= beta) {
      table_.put(key, static_cast<uint8_t>(score + kLowerBoundOffset));
      return score;
    }
    alpha = std::max(alpha, score);
  }
  table_.put(key, static_cast<uint8_t>(alpha - kMinScore + 1));
  return alpha;
}

int Connect4Solver::solve(const Position& position, bool weak) {
  if (position.can_win_next()) return weak ? 1 : (kCells + 1 - position.nb_moves()) / 2;
  int min = -(kCells - position.nb_moves()) / 2;
  int max = (kCells + 1 - position.nb_moves()) / 2;
  if (weak) {
    min = std::max(min, -1);
    max = std::min(max, 1);
  }
  // Null-window searches halve [min, max] until it closes; probing near 0 first
  // settles the W/D/L question cheaply before the exact distance.
  while (min < max) {
    int med = min + (max - min) / 2;
    if (med <= 0 && min / 2 < med) {
      med = min / 2;
    } else if (med >= 0 && max / 2 > med) {
      med = max / 2;
    }
    const int r = negamax(position, med, med + 1);
    if (r <= med) {
      max = r;
    } else {
      min = r;
    }
  }
  return weak ? (min > 0) - (min < 0) : min;
}

std::array<std::optional<int>, kWidth> Connect4Solver::analyze(const Position& position, bool weak) {
  std::array<std::optional<int>, kWidth> scores{};
  for (int col = 0; col < kWidth; ++col) {
    if (!position.can_play(col)) continue;
    if (position.is_winning_move(col)) {
      scores[col] = weak ? 1 : (kCells + 1 - position.nb_moves()) / 2;
      continue;
    }
    Position child = position;
    child.play_col(col);
    scores[col] = -solve(child, weak);
  }
  return scores;
}

}  // namespace cartridge::solver
