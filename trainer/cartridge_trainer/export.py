"""ONNX export and model publishing (DESIGN.md ONNX contract).

Every file is written under a temporary name in the destination folder and renamed, so an
actor polling `latest.onnx` never reads a half-written model. `latest.json` (the sidecar)
is renamed after `latest.onnx`, so its hash describes the model it sits next to.
"""
import copy
import hashlib
import inspect
import io
import json
import os
import re
import tempfile
import time
from typing import Any, Dict, List

import torch

from .games import GameSpec

OPSET = 13  # handled by torch 1.13's exporter, torch 2.x's legacy exporter and ORT 1.30
INPUT_NAME = "observation"
OUTPUT_NAMES = ["policy_logits", "value"]
MODEL_FILE = re.compile(r"^model_(\d+)_(\d+)\.onnx$")


def atomic_write(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_json(path: str, value: Any) -> None:
    atomic_write(path, (json.dumps(value, indent=2) + "\n").encode("utf-8"))


def onnx_bytes(model: torch.nn.Module, game: GameSpec) -> bytes:
    """The model as ONNX bytes: input observation [batch, obs_size], outputs policy_logits
    [batch, num_actions] and value [batch, 1], dynamic batch axis."""
    net = copy.deepcopy(model).cpu().eval()
    dummy = torch.zeros(2, game.obs_size, dtype=torch.float32)
    kwargs: Dict[str, Any] = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch >= 2.5: keep the TorchScript exporter (same graph as 1.13)
    buffer = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            net, (dummy,), buffer, input_names=[INPUT_NAME], output_names=OUTPUT_NAMES,
            dynamic_axes={INPUT_NAME: {0: "batch"}, "policy_logits": {0: "batch"}, "value": {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True, **kwargs)
    data = buffer.getvalue()
    try:  # structural check when the onnx package is there (Debian python3-onnx)
        import onnx

        onnx.checker.check_model(onnx.load_from_string(data))
    except ImportError:
        pass
    return data


def publish_model(model: torch.nn.Module, game: GameSpec, models_dir: str, iteration: int, step: int,
                  network: Dict[str, Any], keep: int) -> Dict[str, Any]:
    """Writes model_<iteration>_<step>.onnx, latest.onnx and latest.json; keeps the `keep` newest
    model_*.onnx files. Returns the sidecar."""
    data = onnx_bytes(model, game)
    name = f"model_{iteration}_{step}.onnx"
    atomic_write(os.path.join(models_dir, name), data)
    atomic_write(os.path.join(models_dir, "latest.onnx"), data)
    sidecar = {
        "file": "latest.onnx",
        "model": name,
        "env_id": game.env_id,
        "iteration": iteration,
        "step": step,
        "network": {**network, "obs_size": game.obs_size, "num_actions": game.num_actions},
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "opset": OPSET,
        "inputs": [INPUT_NAME],
        "outputs": OUTPUT_NAMES,
        "torch_version": torch.__version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    atomic_write_json(os.path.join(models_dir, "latest.json"), sidecar)
    prune_history(models_dir, keep)
    return sidecar


def model_history(models_dir: str) -> List[str]:
    """model_<iteration>_<step>.onnx files, oldest first."""
    found = []
    for f in os.listdir(models_dir):
        m = MODEL_FILE.match(f)
        if m:
            found.append(((int(m.group(1)), int(m.group(2))), f))
    return [f for _, f in sorted(found)]


def prune_history(models_dir: str, keep: int) -> None:
    files = model_history(models_dir)
    for f in files[: max(0, len(files) - keep)]:
        os.unlink(os.path.join(models_dir, f))
