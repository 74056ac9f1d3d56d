#pragma once
// The list of games. Adding a game = its header + one entry in GameList.
#include <string_view>
#include <tuple>

#include "games/connect4.hpp"
#include "games/othello.hpp"
#include "games/tictactoe.hpp"

namespace cartridge {

using GameList = std::tuple<TicTacToe, Connect4, Othello8, Othello6>;

// Calls f.template operator()<G>() for the game whose env_id matches; returns
// false when no game has that id.
template <class F>
bool visit_game(std::string_view env_id, F&& f) {
  return std::apply(
      [&](auto... games) {
        return ((env_id == decltype(games)::kInfo.env_id ? (f.template operator()<decltype(games)>(), true) : false) ||
                ...);
      },
      GameList{});
}

// Calls f.template operator()<G>() for every game, in GameList order.
template <class F>
void for_each_game(F&& f) {
  std::apply([&](auto... games) { (f.template operator()<decltype(games)>(), ...); }, GameList{});
}

}  // namespace cartridge
