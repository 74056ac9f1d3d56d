"""Trainer options, taken from Cartridge's effective configuration (passed in as JSON by
`cartridge trainer`, see src/trainer/) plus command-line overrides.

The JSON is ``{"config": {<section>: {<key>: value}}, "paths": {...}}`` or the bare config
object; missing keys fall back to the defaults below (same values as src/config/defaults.toml).
"""
import json
import os
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

from .errors import TrainerError


@dataclass
class TrainerOptions:
    env_id: str = "tictactoe"
    data_dir: str = "./data"
    models_dir: str = ""  # "" = <data_dir>/models
    checkpoints_dir: str = ""  # "" = <data_dir>/checkpoints
    stats_file: str = ""  # "" = <data_dir>/stats.json
    seed: int = 0  # 0 = random
    # training
    iterations: int = 12
    steps_per_iteration: int = 300
    batch_size: int = 256
    learning_rate: float = 0.002
    weight_decay: float = 0.0001
    device: str = "auto"  # cpu | cuda | auto
    # replay
    replay_backend: str = "sqlite"
    replay_url: str = ""  # "" = <data_dir>/replay.db for sqlite
    window: int = 50000
    # trainer
    threads: int = 1
    optimizer: str = "adamw"
    warmup_steps: int = 100
    min_lr_ratio: float = 0.05  # the cosine ends at learning_rate * min_lr_ratio
    grad_clip: float = 1.0
    policy_weight: float = 1.0
    value_weight: float = 1.0
    network: str = "auto"  # auto | mlp | resnet
    blocks: int = 4
    filters: int = 32
    hidden_size: int = 128
    model_history: int = 5
    augment: bool = True
    log_every: int = 10
    # run
    iteration: int = 1  # the orchestrator's iteration this run trains for

    def resolved(self) -> "TrainerOptions":
        """A copy with derived paths filled in and values checked."""
        o = TrainerOptions(**asdict(self))
        o.models_dir = o.models_dir or os.path.join(o.data_dir, "models")
        o.checkpoints_dir = o.checkpoints_dir or os.path.join(o.data_dir, "checkpoints")
        o.stats_file = o.stats_file or os.path.join(o.data_dir, "stats.json")
        if o.replay_backend == "sqlite" and not o.replay_url:
            o.replay_url = os.path.join(o.data_dir, "replay.db")
        problems = []
        if o.replay_backend not in ("sqlite", "postgres"):
            problems.append(f"replay.backend must be sqlite or postgres, got {o.replay_backend!r}")
        if o.replay_backend == "postgres" and not o.replay_url:
            problems.append("replay.url must be set (postgres://user@host:5432/db) for the postgres backend")
        if o.device not in ("cpu", "cuda", "auto"):
            problems.append(f"training.device must be cpu, cuda or auto, got {o.device!r}")
        if o.optimizer not in ("adam", "adamw"):
            problems.append(f"trainer.optimizer must be adam or adamw, got {o.optimizer!r}")
        if o.network not in ("auto", "mlp", "resnet"):
            problems.append(f"trainer.network must be auto, mlp or resnet, got {o.network!r}")
        for name in ("steps_per_iteration", "batch_size", "window", "threads", "blocks", "filters",
                     "hidden_size", "model_history", "iterations", "iteration", "log_every"):
            if int(getattr(o, name)) < 1:
                problems.append(f"{name} must be >= 1, got {getattr(o, name)!r}")
        if problems:
            raise TrainerError("; ".join(problems))
        return o


# (section, key) in Cartridge's config -> TrainerOptions field
_CONFIG_KEYS = {
    ("common", "env_id"): "env_id",
    ("common", "data_dir"): "data_dir",
    ("common", "seed"): "seed",
    ("actor", "models_dir"): "models_dir",
    ("training", "iterations"): "iterations",
    ("training", "steps_per_iteration"): "steps_per_iteration",
    ("training", "batch_size"): "batch_size",
    ("training", "learning_rate"): "learning_rate",
    ("training", "weight_decay"): "weight_decay",
    ("training", "device"): "device",
    ("replay", "backend"): "replay_backend",
    ("replay", "url"): "replay_url",
    ("replay", "window"): "window",
    ("trainer", "threads"): "threads",
    ("trainer", "optimizer"): "optimizer",
    ("trainer", "warmup_steps"): "warmup_steps",
    ("trainer", "min_lr_ratio"): "min_lr_ratio",
    ("trainer", "grad_clip"): "grad_clip",
    ("trainer", "policy_weight"): "policy_weight",
    ("trainer", "value_weight"): "value_weight",
    ("trainer", "network"): "network",
    ("trainer", "blocks"): "blocks",
    ("trainer", "filters"): "filters",
    ("trainer", "hidden_size"): "hidden_size",
    ("trainer", "model_history"): "model_history",
    ("trainer", "augment"): "augment",
}

# keys of the "paths" object (src/config/paths.ts dataPaths) -> TrainerOptions field
_PATH_KEYS = {"dataDir": "data_dir", "modelsDir": "models_dir", "checkpointsDir": "checkpoints_dir",
              "statsFile": "stats_file", "replayLocation": "replay_url"}


def options_from_config(document: Dict[str, Any]) -> TrainerOptions:
    config = document.get("config", document)
    options = TrainerOptions()
    for (section, key), field_name in _CONFIG_KEYS.items():
        value = (config.get(section) or {}).get(key)
        if value is not None:
            setattr(options, field_name, value)
    for key, field_name in _PATH_KEYS.items():
        value = (document.get("paths") or {}).get(key)
        if value:
            setattr(options, field_name, value)
    return options


def load_config_file(path: Optional[str]) -> Dict[str, Any]:
    """Reads the effective config JSON from a file, or from stdin when path is "-"."""
    if not path:
        return {}
    try:
        if path == "-":
            import sys

            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise TrainerError(f"cannot read the config JSON {path!r}: {e}") from None
