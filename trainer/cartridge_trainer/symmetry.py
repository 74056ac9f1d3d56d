"""Board symmetries for augmentation, matching native/games/board_symmetry.hpp exactly.

Square boards (D4): index 0 identity, 1-3 rotate 90/180/270 degrees counter-clockwise,
4 mirrors left-right, 5-7 mirror then rotate. Connect4: 0 identity, 1 left-right mirror.
A table maps an index to its image: ``cell[s][i]`` is where cell ``i`` goes under symmetry
``s``; ``action[s][a]`` likewise (an Othello pass maps to itself).
"""
from typing import Dict, List

import numpy as np

from .games import GameSpec, game_spec


def square_symmetric_cell(sym: int, cell: int, n: int) -> int:
    r, c = divmod(cell, n)
    if sym >= 4:
        c = n - 1 - c  # mirror first
    for _ in range(sym & 3):
        r, c = n - 1 - c, r  # rotate 90 degrees counter-clockwise
    return r * n + c


def symmetry_tables(game: GameSpec) -> Dict[str, List[List[int]]]:
    """{"cell": [S][cells], "action": [S][num_actions]} for the game's symmetries."""
    w, h = game.board_width, game.board_height
    if game.symmetry == "d4":
        assert w == h, "D4 symmetries need a square board"
        cell = [[square_symmetric_cell(s, i, w) for i in range(w * h)] for s in range(8)]
    elif game.symmetry == "mirror":
        cell = [list(range(w * h)), [(i // w) * w + (w - 1 - i % w) for i in range(w * h)]]
    else:
        raise ValueError(f"unknown symmetry kind {game.symmetry!r}")
    if game.action_kind == "cell":
        # Actions are cells; trailing actions beyond the board (pass) are fixed points.
        action = [row + list(range(w * h, game.num_actions)) for row in cell]
    elif game.action_kind == "drop":
        action = [[t[a] for a in range(game.num_actions)] for t in cell]  # column a = cell a of row 0
    else:
        raise ValueError(f"unknown action kind {game.action_kind!r}")
    return {"cell": cell, "action": action}


class Augmenter:
    """Applies a random symmetry per sample to (observation, policy) batches."""

    def __init__(self, game: GameSpec):
        tables = symmetry_tables(game)
        cells, n = game.cells, game.num_actions
        self.count = len(tables["cell"])
        obs_inv = np.zeros((self.count, game.obs_size), dtype=np.int64)
        pol_inv = np.zeros((self.count, n), dtype=np.int64)
        for s in range(self.count):
            fwd = np.arange(game.obs_size)
            cell = np.asarray(tables["cell"][s])
            action = np.asarray(tables["action"][s])
            fwd[0:cells] = cell  # player-1 plane
            fwd[cells : 2 * cells] = cells + cell  # player-2 plane
            lo = game.legal_mask_offset
            fwd[lo : lo + n] = lo + action  # legal plane moves with the actions
            # side-to-move one-hot stays where it is
            obs_inv[s, fwd] = np.arange(game.obs_size)
            pol_inv[s, action] = np.arange(n)
        # new[:, j] = old[:, inv[j]]  <=>  new[:, fwd[i]] = old[:, i]
        self.obs_inv = obs_inv
        self.pol_inv = pol_inv

    def apply(self, obs: np.ndarray, policy: np.ndarray, syms: np.ndarray):
        return (
            np.take_along_axis(obs, self.obs_inv[syms], axis=1),
            np.take_along_axis(policy, self.pol_inv[syms], axis=1),
        )

    def random(self, obs: np.ndarray, policy: np.ndarray, rng: np.random.Generator):
        syms = rng.integers(0, self.count, size=obs.shape[0])
        return self.apply(obs, policy, syms)


def dump_symmetries(games: List[str], vectors: bool) -> Dict[str, Dict[str, List[List[int]]]]:
    """Tables per game and, with `vectors`, what the augmentation does to index vectors (the
    cross-language test compares both with the C++ transform_observation / transform_policy)."""
    out = {}
    for env_id in games:
        game = game_spec(env_id)
        entry = symmetry_tables(game)
        if vectors:
            aug = Augmenter(game)
            syms = np.arange(aug.count)
            obs = np.tile(np.arange(game.obs_size, dtype=np.float32), (aug.count, 1))
            pol = np.tile(np.arange(game.num_actions, dtype=np.float32), (aug.count, 1))
            new_obs, new_pol = aug.apply(obs, pol, syms)
            entry["observation"] = new_obs.astype(int).tolist()
            entry["policy"] = new_pol.astype(int).tolist()
        out[env_id] = entry
    return out
