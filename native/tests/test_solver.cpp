// Connect4 solver: hand-made positions and a sample of Pascal Pons' test sets
// (test/fixtures/pons; the full sets run in test/solver.test.ts on the release build).
#include <string>
#include <utility>
#include <vector>

#include "solver/connect4_solver.hpp"
#include "tests/check.hpp"

using cartridge::solver::Connect4Solver;
using cartridge::solver::Position;
using cartridge::solver::position_from_pons;

namespace {
// Small table: ASan makes the 40 MB default slow to clear and the sample is easy.
constexpr int kTestTableLog2 = 20;

Position parse(const std::string& moves) {
  Position p;
  const auto error = position_from_pons(moves, p);
  CHECK(!error.has_value());
  return p;
}
}  // namespace

TEST(solver_immediate_win_scores_the_fastest_win) {
  Connect4Solver solver(kTestTableLog2);
  // Player 1 has three in a row at the bottom and wins with its 4th stone: 22 - 4.
  CHECK_EQ(solver.solve(parse("112233")), 18);
  CHECK_EQ(solver.solve(parse("112233"), true), 1);
  CHECK(parse("112233").is_winning_move(3));
  CHECK(!parse("112233").is_winning_move(0));
}

TEST(solver_double_threat_is_a_loss_for_the_side_to_move) {
  Connect4Solver solver(kTestTableLog2);
  // Player 1 has an open three (columns 2-4) with both ends playable: player 2 cannot block both.
  CHECK_EQ(solver.solve(parse("22334")), -18);
  CHECK_EQ(solver.solve(parse("22334"), true), -1);
}

TEST(solver_full_columns_are_absent_from_analysis) {
  Connect4Solver solver(kTestTableLog2);
  // 41 stones: only column 5 has room left, and the last stone draws.
  const auto scores = solver.analyze(parse("34371421232441511266632441335662675775775"));
  for (int col = 0; col < 7; ++col) CHECK_EQ(scores[col].has_value(), col == 4);
  CHECK(scores[4].has_value() && *scores[4] == 0);
}

TEST(solver_rejects_bad_sequences) {
  Position p;
  CHECK(position_from_pons("8", p).has_value());
  CHECK(position_from_pons("4a", p).has_value());
  CHECK(position_from_pons("4444444", p).has_value());  // 7th stone in a column of 6
  CHECK(position_from_pons("1212121", p).has_value());  // player 1 won on move 7
  CHECK(!position_from_pons("121212", p).has_value());
  CHECK(!position_from_pons("", p).has_value());
}

TEST(solver_reproduces_pons_sample) {
  // Every 50th line of Test_L3_R1 (end-easy) and every 100th of Test_L2_R1 (middle-easy).
  const std::vector<std::pair<std::string, int>> cases = {
      {"2252576253462244111563365343671351441", -1},
      {"33345517452154243637525163177771661442", 0},
      {"37342133236232526427711116166777", -4},
      {"32543544447733417277713515216156321522666", 0},
      {"7654776675256624444643117711331235", 1},
      {"23225744227127613717766633114613", -4},
      {"717363143443212232161127257737", 2},
      {"145141222513336124744231265636", 1},
      {"3361746361174316152431577737444", 0},
      {"7112617117731566576545246332537644", -1},
      {"74664616452547232271726175675453511341323", 0},
      {"5551612722117445255461776647242766", -3},
      {"743274346515421633351177641473615725", -1},
      {"34371421232441511266632441335662675775775", 0},
      {"6267266244264377226115755171531", -1},
      {"12616137344222445373123726113", 5},
      {"11366434124121427464222563373136677", -2},
      {"2513362332432664134172742516474171", 0},
      {"14512475713727644417517661365", 6},
      {"2663413153462235511717616263752277", -3},
      {"662222576343651642712157", 8},
      {"6132623667546521255623127", -2},
      {"576313346257217", -9},
      {"243676453345127761", 11},
      {"257173733247526434154567", -7},
      {"51267361661663277771574532", -2},
      {"616663112446444747", 7},
      {"2717653773577466212256", 6},
      {"4625634122174336136731243156", 1},
      {"3252375311272666113375166", -6},
  };
  Connect4Solver solver(kTestTableLog2);
  for (const auto& [moves, score] : cases) {
    const Position p = parse(moves);
    CHECK_EQ(solver.solve(p), score);
    CHECK_EQ(solver.solve(p, true), (score > 0) - (score < 0));
    // The best move's score is the position's score.
    int best = -100;
    for (const auto& s : solver.analyze(p)) {
      if (s) best = std::max(best, *s);
    }
    CHECK_EQ(best, score);
  }
}
