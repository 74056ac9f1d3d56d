#pragma once
// The contract every game implements and the search is generic over.
//
// A game is a small, trivially copyable value type (copying it is how the search
// branches and how a state is serialised: its bytes are its compact form). Player
// indices are 0 = player 1 (always moves first; Black in Othello) and 1 = player 2.
// Observation layout (DESIGN.md): [player-1 cells][player-2 cells][legal actions]
// [side-to-move one-hot 2], planes absolute, cell = row * width + col.
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "games/action_set.hpp"

namespace cartridge {

// Static description of a game; mirrors the `game_metadata` table.
struct GameInfo {
  const char* env_id;
  const char* display_name;
  int board_width;
  int board_height;
  int num_actions;
  int obs_size;
  int legal_mask_offset;
  int num_symmetries;  // including the identity (index 0)
};

inline constexpr int kDraw = -1;

template <class G>
concept Game = std::is_trivially_copyable_v<G> && std::default_initializable<G> &&
    requires(G g, const G cg, int action, int sym, std::string_view text) {
  { G::kInfo } -> std::convertible_to<GameInfo>;
  { cg.to_move() } -> std::same_as<int>;
  { cg.ply() } -> std::same_as<int>;
  { cg.legal_actions() } -> std::same_as<ActionSet>;
  { cg.is_terminal() } -> std::same_as<bool>;
  { cg.winner() } -> std::same_as<int>;           // 0 or 1; kDraw when drawn or not over
  { cg.cell_owner(action) } -> std::same_as<int>;  // -1 empty, else player index
  { cg.hash() } -> std::same_as<uint64_t>;        // Zobrist, includes side to move
  { g.play(action) } -> std::same_as<void>;      // precondition: action is legal
  { G::symmetric_cell(sym, action) } -> std::same_as<int>;
  { G::symmetric_action(sym, action) } -> std::same_as<int>;
  { G::parse_move(text) } -> std::same_as<int>;  // -1 when not a move of this game
  { G::format_move(action) } -> std::same_as<std::string>;
  { cg.render() } -> std::same_as<std::string>;
};

// Value of a finished game for the side to move: +1 win, -1 loss, 0 draw.
template <Game G>
float terminal_value(const G& g) {
  const int w = g.winner();
  if (w == kDraw) return 0.0f;
  return w == g.to_move() ? 1.0f : -1.0f;
}

// Writes G::kInfo.obs_size floats in the DESIGN.md layout.
template <Game G>
void write_observation(const G& g, float* out) {
  constexpr int cells = G::kInfo.board_width * G::kInfo.board_height;
  for (int c = 0; c < cells; ++c) {
    const int owner = g.cell_owner(c);
    out[c] = owner == 0 ? 1.0f : 0.0f;
    out[cells + c] = owner == 1 ? 1.0f : 0.0f;
  }
  float* legal = out + G::kInfo.legal_mask_offset;
  for (int a = 0; a < G::kInfo.num_actions; ++a) legal[a] = 0.0f;
  if (!g.is_terminal()) g.legal_actions().for_each([&](int a) { legal[a] = 1.0f; });
  float* side = legal + G::kInfo.num_actions;
  side[0] = g.to_move() == 0 ? 1.0f : 0.0f;
  side[1] = g.to_move() == 1 ? 1.0f : 0.0f;
}

// Applies symmetry `sym` to an observation: cell planes through symmetric_cell,
// the legal plane through symmetric_action; the side-to-move pair is unchanged.
template <Game G>
void transform_observation(int sym, const float* in, float* out) {
  constexpr int cells = G::kInfo.board_width * G::kInfo.board_height;
  for (int c = 0; c < cells; ++c) {
    const int t = G::symmetric_cell(sym, c);
    out[t] = in[c];
    out[cells + t] = in[cells + c];
  }
  const int off = G::kInfo.legal_mask_offset;
  for (int a = 0; a < G::kInfo.num_actions; ++a) out[off + G::symmetric_action(sym, a)] = in[off + a];
  for (int i = off + G::kInfo.num_actions; i < G::kInfo.obs_size; ++i) out[i] = in[i];
}

// Applies symmetry `sym` to a per-action vector (policy, visits, logits).
template <Game G>
void transform_policy(int sym, const float* in, float* out) {
  for (int a = 0; a < G::kInfo.num_actions; ++a) out[G::symmetric_action(sym, a)] = in[a];
}

}  // namespace cartridge
