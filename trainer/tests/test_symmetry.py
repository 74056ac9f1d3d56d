import numpy as np
import pytest

from cartridge_trainer.games import GAMES, game_spec
from cartridge_trainer.symmetry import Augmenter, square_symmetric_cell, symmetry_tables


def test_square_symmetries_follow_board_symmetry_hpp():
    n = 3
    # (row, col) -> rotate 90 degrees counter-clockwise -> (n-1-col, row)
    assert square_symmetric_cell(0, 1, n) == 1
    assert square_symmetric_cell(1, 0 * n + 0, n) == 2 * n + 0  # (0,0) -> (2,0)
    assert square_symmetric_cell(1, 0 * n + 2, n) == 0 * n + 0  # (0,2) -> (0,0)
    assert square_symmetric_cell(2, 0 * n + 1, n) == 2 * n + 1  # 180: (0,1) -> (2,1)
    assert square_symmetric_cell(4, 0 * n + 0, n) == 0 * n + 2  # mirror: (0,0) -> (0,2)
    assert square_symmetric_cell(5, 0 * n + 0, n) == 0 * n + 0  # mirror (0,2) then rotate -> (0,0)


@pytest.mark.parametrize("env_id", sorted(GAMES))
def test_tables_are_permutations_with_identity_first(env_id):
    game = game_spec(env_id)
    t = symmetry_tables(game)
    assert len(t["cell"]) == (8 if game.symmetry == "d4" else 2)
    assert t["cell"][0] == list(range(game.cells))
    for cell, action in zip(t["cell"], t["action"]):
        assert sorted(cell) == list(range(game.cells))
        assert sorted(action) == list(range(game.num_actions))
    if game.num_actions > game.cells:  # pass maps to itself
        assert all(a[game.cells] == game.cells for a in t["action"])


def test_connect4_mirror_swaps_columns():
    t = symmetry_tables(game_spec("connect4"))
    assert t["action"][1] == [6, 5, 4, 3, 2, 1, 0]
    assert t["cell"][1][1 * 7 + 0] == 1 * 7 + 6  # row 1, col 0 -> row 1, col 6


@pytest.mark.parametrize("env_id", sorted(GAMES))
def test_policy_mass_moves_with_the_cells(env_id):
    game = game_spec(env_id)
    aug, t = Augmenter(game), symmetry_tables(game)
    rng = np.random.default_rng(0)
    for s in range(aug.count):
        for _ in range(5):
            cell = int(rng.integers(game.cells))
            action = int(rng.integers(game.num_actions))
            obs = np.zeros((1, game.obs_size), np.float32)
            obs[0, cell] = 1  # a player-1 stone
            obs[0, game.cells + (cell + 1) % game.cells] = 1  # a player-2 stone elsewhere
            obs[0, game.legal_mask_offset + action] = 1
            obs[0, game.obs_size - 1] = 1  # player 2 to move
            pol = np.zeros((1, game.num_actions), np.float32)
            pol[0, action] = 1
            new_obs, new_pol = aug.apply(obs, pol, np.array([s]))
            assert new_obs[0, t["cell"][s][cell]] == 1
            assert new_obs[0, game.cells + t["cell"][s][(cell + 1) % game.cells]] == 1
            assert new_obs[0, game.legal_mask_offset + t["action"][s][action]] == 1
            assert new_pol[0, t["action"][s][action]] == 1
            assert new_obs[0, game.obs_size - 1] == 1 and new_obs[0, game.obs_size - 2] == 0
            assert new_obs.sum() == obs.sum() and new_pol.sum() == 1


def test_tictactoe_rotation_moves_corner_stone_and_its_policy():
    game = game_spec("tictactoe")
    obs = np.zeros((1, 29), np.float32)
    obs[0, 0] = 1  # X at (0,0)
    obs[0, 18 + 2] = 1  # (0,2) legal
    pol = np.zeros((1, 9), np.float32)
    pol[0, 2] = 1
    new_obs, new_pol = Augmenter(game).apply(obs, pol, np.array([1]))  # 90 degrees counter-clockwise
    assert new_obs[0, 6] == 1 and new_obs[0, :9].sum() == 1  # (0,0) -> (2,0)
    assert new_pol[0, 0] == 1 and new_obs[0, 18 + 0] == 1  # (0,2) -> (0,0)
