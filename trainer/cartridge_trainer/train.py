"""The training loop: sample the replay window, augment, optimise, publish.

One call of `train` is one iteration's training job: it resumes from
`<checkpoints>/latest.pt` when present, runs `steps` optimiser steps, then writes the ONNX
model (export.py), the checkpoint and `stats.json`, each atomically.
"""
import io
import json
import math
import os
import sys
import time
from typing import Any, Callable, Dict, Optional

import numpy as np
import torch
from torch.nn import functional as F

from .config import TrainerOptions
from .errors import TrainerError
from .export import atomic_write, atomic_write_json, publish_model
from .games import GameSpec, game_spec
from .networks import build_network, network_spec, parameter_count
from .replay import ReplayReader
from .symmetry import Augmenter

HISTORY_LIMIT = 2000  # loss records kept in stats.json
CHECKPOINT_FORMAT = 1
SAMPLE_CHUNK = 8  # batches fetched per replay sample call (the MLP step is as fast as a query)


def lr_factor(step: int, warmup: int, total: int, min_ratio: float) -> float:
    """Linear warmup over `warmup` steps, then cosine decay to `min_ratio` at step `total`
    (the whole run: iterations x steps_per_iteration); flat at `min_ratio` after it."""
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


def compute_loss(model: torch.nn.Module, obs: torch.Tensor, target_policy: torch.Tensor, outcome: torch.Tensor,
                 game: GameSpec, policy_weight: float, value_weight: float):
    """Soft-target cross-entropy over the legal moves (from the observation's legal plane) plus
    value MSE against the game outcome (side to move). Returns (total, policy, value)."""
    logits, value = model(obs)
    legal = obs[:, game.legal_mask_offset : game.legal_mask_offset + game.num_actions] > 0.5
    legal = legal | ~legal.any(dim=1, keepdim=True)  # a row without legal moves: no masking
    log_probs = F.log_softmax(logits.masked_fill(~legal, -1e9), dim=1)
    target = target_policy * legal
    mass = target.sum(dim=1, keepdim=True)
    uniform = legal.float() / legal.sum(dim=1, keepdim=True)
    target = torch.where(mass > 0, target / mass.clamp_min(1e-12), uniform)
    policy_loss = -(target * log_probs).sum(dim=1).mean()
    value_loss = F.mse_loss(value.squeeze(1), outcome)
    return policy_weight * policy_loss + value_weight * value_loss, policy_loss, value_loss


def resolve_device(requested: str) -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise TrainerError("training.device = cuda but this torch sees no CUDA device (use cpu or auto)")
    return torch.device(requested)


def make_optimizer(model: torch.nn.Module, o: TrainerOptions) -> torch.optim.Optimizer:
    cls = torch.optim.AdamW if o.optimizer == "adamw" else torch.optim.Adam
    return cls(model.parameters(), lr=o.learning_rate, weight_decay=o.weight_decay)


def _torch_load(path: str) -> Dict[str, Any]:
    # torch 2.x loads our checkpoint (tensors, numbers, strings) with the safe unpickler; the
    # one in 1.13 rejects plain floats, so there the trainer reads its own file the classic way.
    if int(torch.__version__.split(".")[0]) >= 2:
        return torch.load(path, map_location="cpu", weights_only=True)
    return torch.load(path, map_location="cpu")


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except ValueError:
        return None  # a damaged stats file is replaced, not fatal


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def train(o: TrainerOptions, steps: Optional[int] = None, log: Callable[[str], None] = _stderr,
          reader: Optional[ReplayReader] = None) -> Dict[str, Any]:
    """Runs one training job; returns a summary (also what the CLI prints as JSON)."""
    o = o.resolved()
    steps = o.steps_per_iteration if steps is None else steps
    if steps < 1:
        raise TrainerError(f"steps must be >= 1, got {steps}")
    game = game_spec(o.env_id)
    torch.set_num_threads(o.threads)
    if o.seed:
        torch.manual_seed(o.seed)
    rng = np.random.default_rng(o.seed or None)
    device = resolve_device(o.device)

    own_reader = reader is None
    reader = reader or ReplayReader(o.replay_url, o.replay_backend, game, o.window)
    try:
        return _train(o, game, steps, device, rng, reader, log)
    finally:
        if own_reader:
            reader.close()


def _train(o: TrainerOptions, game: GameSpec, steps: int, device: torch.device, rng: np.random.Generator,
           reader: ReplayReader, log: Callable[[str], None]) -> Dict[str, Any]:
    buffer_size = reader.count()
    if buffer_size == 0:
        raise TrainerError(f"the replay buffer {reader.location} has no transitions for {game.env_id!r}; "
                           "run actors first (cartridge actor) to fill it")
    spec = network_spec(game, o.network, o.hidden_size, o.filters, o.blocks)
    model = build_network(game, spec).to(device)
    optimizer = make_optimizer(model, o)
    schedule = {"kind": "warmup_cosine", "warmup_steps": o.warmup_steps,
                "total_steps": o.iterations * o.steps_per_iteration, "min_lr_ratio": o.min_lr_ratio}

    checkpoint_path = os.path.join(o.checkpoints_dir, "latest.pt")
    step, samples_seen = 0, 0
    if os.path.exists(checkpoint_path):
        ckpt = _torch_load(checkpoint_path)
        if ckpt.get("env_id") != game.env_id or ckpt.get("network") != spec.to_dict():
            raise TrainerError(
                f"the checkpoint {checkpoint_path} is for {ckpt.get('env_id')!r} with network {ckpt.get('network')}, "
                f"not {game.env_id!r} with {spec.to_dict()}; use another data_dir or remove the checkpoint")
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        step, samples_seen = int(ckpt["step"]), int(ckpt.get("samples_seen", 0))
        log(f"resumed from {checkpoint_path} at step {step}")

    stats = _read_json(o.stats_file) or {}
    history = stats.get("history", []) if stats.get("env_id") == game.env_id else []
    augmenter = Augmenter(game) if o.augment else None
    window_size = reader.window_size()
    log(f"training {game.env_id} ({spec.kind}, {parameter_count(model)} parameters) on {device} for {steps} steps; "
        f"buffer {buffer_size} transitions, window {window_size}")

    model.train()
    started = time.perf_counter()
    lr = o.learning_rate
    chunk = None
    for i in range(steps):
        if i % SAMPLE_CHUNK == 0:  # one replay query round per SAMPLE_CHUNK batches
            chunk = reader.sample(o.batch_size * min(SAMPLE_CHUNK, steps - i), rng)
        rows = slice((i % SAMPLE_CHUNK) * o.batch_size, (i % SAMPLE_CHUNK + 1) * o.batch_size)
        obs, pol, outcomes = chunk.observations[rows], chunk.policies[rows], chunk.outcomes[rows]
        if augmenter is not None:
            obs, pol = augmenter.random(obs, pol, rng)
        lr = o.learning_rate * lr_factor(step, o.warmup_steps, schedule["total_steps"], o.min_lr_ratio)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss, policy_loss, value_loss = compute_loss(
            model, torch.from_numpy(np.ascontiguousarray(obs)).to(device),
            torch.from_numpy(np.ascontiguousarray(pol)).to(device), torch.from_numpy(np.ascontiguousarray(outcomes)).to(device),
            game, o.policy_weight, o.value_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if o.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), o.grad_clip)
        optimizer.step()
        step += 1
        samples_seen += o.batch_size
        if (i + 1) % o.log_every == 0 or i + 1 == steps:
            record = {"step": step, "iteration": o.iteration, "loss": float(loss), "policy_loss": float(policy_loss),
                      "value_loss": float(value_loss), "lr": lr, "time": time.time()}
            history.append(record)
            log(f"step {step} ({i + 1}/{steps}) loss {record['loss']:.4f} policy {record['policy_loss']:.4f} "
                f"value {record['value_loss']:.4f} lr {lr:.2e}")
    elapsed = time.perf_counter() - started

    sidecar = publish_model(model, game, o.models_dir, o.iteration, step, spec.to_dict(), o.model_history)
    buffer = io.BytesIO()
    torch.save({"format": CHECKPOINT_FORMAT, "env_id": game.env_id, "network": spec.to_dict(),
                "model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": schedule,
                "step": step, "iteration": o.iteration, "samples_seen": samples_seen}, buffer)
    atomic_write(checkpoint_path, buffer.getvalue())
    summary = {
        "env_id": game.env_id, "iteration": o.iteration, "step": step, "steps": steps,
        "samples_seen": samples_seen, "buffer_size": buffer_size, "window_size": window_size,
        "learning_rate": lr, "loss": history[-1]["loss"], "policy_loss": history[-1]["policy_loss"],
        "value_loss": history[-1]["value_loss"], "seconds": elapsed, "steps_per_second": steps / elapsed,
        "device": str(device), "network": spec.to_dict(), "model": os.path.join(o.models_dir, sidecar["model"]),
        "latest": os.path.join(o.models_dir, "latest.onnx"), "sha256": sidecar["sha256"],
        "checkpoint": checkpoint_path,
    }
    atomic_write_json(o.stats_file, {**summary, "history": history[-HISTORY_LIMIT:],
                                     "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return summary
