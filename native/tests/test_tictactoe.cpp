#include "games/tictactoe.hpp"
#include "tests/check.hpp"

using cartridge::TicTacToe;

TEST(tictactoe_every_line_wins) {
  const int lines[8][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
  for (const auto& line : lines) {
    TicTacToe g;
    int filler = 0;
    for (int i = 0; i < 3; ++i) {
      g.play(line[i]);
      if (i == 2) break;
      while (filler == line[0] || filler == line[1] || filler == line[2] || g.cell_owner(filler) != -1) ++filler;
      g.play(filler);
    }
    CHECK(g.is_terminal());
    CHECK_EQ(g.winner(), 0);
  }
}
