"""Training throughput per game's default network at the default batch size:
optimiser steps/s and samples/s (forward + backward + AdamW, augmentation included), plus
the time to sample one batch from a synthetic SQLite replay buffer."""
import json
import os
import tempfile
import time

import numpy as np
import torch

from .config import TrainerOptions
from .games import game_spec
from .networks import build_network, network_spec, parameter_count
from .replay import ReplayReader, write_sqlite_buffer
from .symmetry import Augmenter
from .train import compute_loss, make_optimizer, resolve_device


def synthetic_data(game, n: int, rng: np.random.Generator):
    """Random positions with a legal plane and a policy over legal moves, and outcomes in {-1, 0, 1}."""
    obs = np.zeros((n, game.obs_size), np.float32)
    stones = rng.integers(0, 3, size=(n, game.cells))
    obs[:, : game.cells] = stones == 1
    obs[:, game.cells : 2 * game.cells] = stones == 2
    legal = rng.random((n, game.num_actions)) < 0.5
    legal[np.arange(n), rng.integers(0, game.num_actions, n)] = True
    obs[:, game.legal_mask_offset : game.legal_mask_offset + game.num_actions] = legal
    mover = rng.integers(0, 2, n)
    obs[np.arange(n), game.obs_size - 2 + mover] = 1
    pol = rng.random((n, game.num_actions)).astype(np.float32) * legal
    pol /= pol.sum(axis=1, keepdims=True)
    z = rng.integers(-1, 2, n).astype(np.float32)
    return obs, pol, z


def bench_game(env_id: str, batch_size: int, steps: int, device: torch.device, rng) -> dict:
    game = game_spec(env_id)
    o = TrainerOptions()
    spec = network_spec(game, "auto", o.hidden_size, o.filters, o.blocks)
    model = build_network(game, spec).to(device).train()
    opt = make_optimizer(model, o)
    aug = Augmenter(game)
    obs, pol, z = synthetic_data(game, batch_size, rng)

    def step():
        a_obs, a_pol = aug.random(obs, pol, rng)
        loss, _, _ = compute_loss(model, torch.from_numpy(a_obs).to(device), torch.from_numpy(a_pol).to(device),
                                  torch.from_numpy(z).to(device), game, 1.0, 1.0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - t0) / steps

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "replay.db")
        b_obs, b_pol, b_z = synthetic_data(game, 20000, rng)
        write_sqlite_buffer(path, game, b_obs, b_pol, b_z)
        reader = ReplayReader(path, "sqlite", game, 10000)
        reader.sample(batch_size, rng)
        t0 = time.perf_counter()
        for _ in range(10):
            reader.sample(batch_size, rng)
        sample_ms = (time.perf_counter() - t0) / 10 * 1000
        reader.close()
    return {"env_id": env_id, "network": spec.to_dict(), "parameters": parameter_count(model),
            "batch_size": batch_size, "step_ms": seconds * 1000, "steps_per_second": 1 / seconds,
            "samples_per_second": batch_size / seconds, "replay_sample_ms": sample_ms}


def run_bench(args) -> None:
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    rng = np.random.default_rng(1)
    results = [bench_game(g, args.batch_size, args.steps, device, rng) for g in args.games.split(",")]
    report = {"torch": torch.__version__, "device": str(device), "threads": args.threads, "results": results}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"torch {report['torch']} on {device}, {args.threads} thread(s), batch {args.batch_size}")
    for r in results:
        print(f"{r['env_id']:>10} {r['network']['kind']:>6} {r['parameters']:>8} params  {r['step_ms']:8.1f} ms/step  "
              f"{r['steps_per_second']:7.1f} steps/s  {r['samples_per_second']:9.0f} samples/s  "
              f"replay sample {r['replay_sample_ms']:.1f} ms")
