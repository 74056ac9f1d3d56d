"""Dumps, per game, an exported ONNX model with random inputs and the PyTorch outputs, so the
TypeScript test can check that onnxruntime-node computes the same thing (test/trainer.test.ts)."""
import json
import os

import torch

from .export import atomic_write, onnx_bytes
from .games import game_spec
from .networks import build_network, network_spec


def dump_roundtrip(out: str, games, batch: int) -> None:
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(7)
    for env_id in games:
        game = game_spec(env_id)
        model = build_network(game, network_spec(game, "auto", 128, 32, 4))
        # A few training-mode passes move the BatchNorm running statistics off their defaults,
        # so the export must carry real (non-identity) normalisation.
        with torch.no_grad():
            for _ in range(3):
                model(torch.rand(16, game.obs_size))
        model.eval()
        inputs = torch.rand(batch, game.obs_size)
        with torch.no_grad():
            logits, value = model(inputs)
        atomic_write(os.path.join(out, f"{env_id}.onnx"), onnx_bytes(model, game))
        with open(os.path.join(out, f"{env_id}.json"), "w", encoding="utf-8") as f:
            json.dump({"env_id": env_id, "batch": batch, "obs_size": game.obs_size, "num_actions": game.num_actions,
                       "observation": inputs.flatten().tolist(), "policy_logits": logits.flatten().tolist(),
                       "value": value.flatten().tolist()}, f)
