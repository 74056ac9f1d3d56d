"""The games the trainer knows: their observation layout (DESIGN.md) and default network.

Adding a game to the trainer = one entry in GAMES. Nothing else branches on env_id.
"""
from dataclasses import dataclass
from typing import Dict

from .errors import TrainerError


@dataclass(frozen=True)
class GameSpec:
    env_id: str
    board_width: int
    board_height: int
    num_actions: int
    obs_size: int
    legal_mask_offset: int
    # "drop" (Connect4: an action is a column) or "cell" (an action is a cell; an
    # extra trailing action, if any, is pass and maps to itself under symmetries).
    action_kind: str
    # "d4" (8 symmetries of a square board) or "mirror" (identity + left-right mirror).
    symmetry: str
    # Network used when trainer.network = "auto": "mlp" or "resnet" (sizes come from the config).
    network: str = "resnet"

    @property
    def cells(self) -> int:
        return self.board_width * self.board_height


GAMES: Dict[str, GameSpec] = {
    g.env_id: g
    for g in [
        GameSpec("tictactoe", 3, 3, 9, 29, 18, "cell", "d4", "mlp"),
        GameSpec("connect4", 7, 6, 7, 93, 84, "drop", "mirror", "resnet"),
        GameSpec("othello", 8, 8, 65, 195, 128, "cell", "d4", "resnet"),
        GameSpec("othello6", 6, 6, 37, 111, 72, "cell", "d4", "resnet"),
    ]
}


def game_spec(env_id: str) -> GameSpec:
    try:
        return GAMES[env_id]
    except KeyError:
        raise TrainerError(f"unknown game {env_id!r}; the trainer knows: {', '.join(sorted(GAMES))}") from None
