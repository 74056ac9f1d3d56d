"""Policy/value networks. Every network takes the flat observation float32[batch, obs_size]
(DESIGN.md layout) and returns (policy_logits [batch, num_actions], value [batch, 1] in
[-1, 1] from the side to move); conv nets reshape the planes internally, so the ONNX
contract is the same for every game.
"""
from dataclasses import asdict, dataclass
from typing import Dict

import torch
from torch import nn
from torch.nn import functional as F

from .games import GameSpec


@dataclass(frozen=True)
class NetworkSpec:
    kind: str  # mlp | resnet
    hidden_size: int = 128  # mlp
    mlp_layers: int = 3  # mlp
    filters: int = 32  # resnet
    blocks: int = 4  # resnet

    def to_dict(self) -> Dict[str, object]:
        d = asdict(self)
        return {k: d[k] for k in (("kind", "hidden_size", "mlp_layers") if self.kind == "mlp"
                                  else ("kind", "filters", "blocks"))}


def network_spec(game: GameSpec, network: str, hidden_size: int, filters: int, blocks: int) -> NetworkSpec:
    kind = game.network if network == "auto" else network
    return NetworkSpec(kind=kind, hidden_size=hidden_size, filters=filters, blocks=blocks)


class MLPNet(nn.Module):
    def __init__(self, game: GameSpec, hidden: int, layers: int):
        super().__init__()
        dims = [game.obs_size] + [hidden] * layers
        self.trunk = nn.Sequential(*[m for a, b in zip(dims, dims[1:]) for m in (nn.Linear(a, b), nn.ReLU())])
        self.policy = nn.Linear(hidden, game.num_actions)
        self.value = nn.Sequential(nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, 1))

    def forward(self, observation: torch.Tensor):
        x = self.trunk(observation)
        return self.policy(x), torch.tanh(self.value(x))


class ResidualBlock(nn.Module):
    def __init__(self, filters: int):
        super().__init__()
        self.conv1 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(filters)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(x + y)


class ResNet(nn.Module):
    """AlphaZero-style residual tower on planes built from the flat observation:
    player-1 stones, player-2 stones, side to move (broadcast from the one-hot) and, when
    actions are cells, the legal-move plane."""

    def __init__(self, game: GameSpec, filters: int, blocks: int):
        super().__init__()
        self.h, self.w = game.board_height, game.board_width
        self.cells = game.cells
        self.legal_offset = game.legal_mask_offset
        self.cp_offset = game.obs_size - 2
        self.with_legal = game.action_kind == "cell"
        planes = 4 if self.with_legal else 3
        self.stem = nn.Sequential(nn.Conv2d(planes, filters, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(filters), nn.ReLU())
        self.tower = nn.Sequential(*[ResidualBlock(filters) for _ in range(blocks)])
        self.policy_conv = nn.Sequential(nn.Conv2d(filters, 2, 1, bias=False), nn.BatchNorm2d(2), nn.ReLU())
        self.policy_fc = nn.Linear(2 * self.cells, game.num_actions)
        self.value_conv = nn.Sequential(nn.Conv2d(filters, 1, 1, bias=False), nn.BatchNorm2d(1), nn.ReLU())
        self.value_fc = nn.Sequential(nn.Linear(self.cells, 64), nn.ReLU(), nn.Linear(64, 1))

    def planes(self, observation: torch.Tensor) -> torch.Tensor:
        b = observation.shape[0]
        c = self.cells
        stones = observation[:, : 2 * c].reshape(b, 2, self.h, self.w)
        to_move = observation[:, self.cp_offset : self.cp_offset + 1].reshape(b, 1, 1, 1)
        parts = [stones, to_move.expand(b, 1, self.h, self.w)]
        if self.with_legal:
            parts.append(observation[:, self.legal_offset : self.legal_offset + c].reshape(b, 1, self.h, self.w))
        return torch.cat(parts, dim=1)

    def forward(self, observation: torch.Tensor):
        x = self.tower(self.stem(self.planes(observation)))
        p = self.policy_fc(torch.flatten(self.policy_conv(x), 1))
        v = torch.tanh(self.value_fc(torch.flatten(self.value_conv(x), 1)))
        return p, v


def build_network(game: GameSpec, spec: NetworkSpec) -> nn.Module:
    if spec.kind == "mlp":
        return MLPNet(game, spec.hidden_size, spec.mlp_layers)
    if spec.kind == "resnet":
        return ResNet(game, spec.filters, spec.blocks)
    raise ValueError(f"unknown network kind {spec.kind!r}")


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
