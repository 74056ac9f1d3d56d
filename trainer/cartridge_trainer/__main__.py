"""`python3 -m cartridge_trainer <command>`.

train     one training job (what `cartridge trainer` runs); prints a JSON summary on stdout
bench     training throughput of each game's default network (steps/s, samples/s)
symmetry  the symmetry tables as JSON (for the cross-language test against the C++ addon)
roundtrip export a model per game and dump inputs + PyTorch outputs as JSON (ONNX round-trip test)

torch is imported only after OMP_NUM_THREADS / OPENBLAS_NUM_THREADS are set from the
configured thread count: OpenBLAS sizes its own pool at load time, whatever torch says later.
"""
import argparse
import json
import os
import sys

from .config import TrainerOptions, load_config_file, options_from_config
from .errors import TrainerError


def _set_thread_env(threads: int) -> None:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cartridge_trainer", description="Cartridge PyTorch trainer")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train on the replay buffer and publish an ONNX model")
    t.add_argument("--config", help="effective config JSON (file, or - for stdin), as `cartridge trainer` writes it")
    t.add_argument("--game", help="env_id (overrides common.env_id)")
    t.add_argument("--steps", type=int, help="optimiser steps (default training.steps_per_iteration)")
    t.add_argument("--iteration", type=int, help="iteration number used in model names (default 1)")
    t.add_argument("--device", choices=["cpu", "cuda", "auto"])
    t.add_argument("--data-dir")
    t.add_argument("--replay", help="replay location: SQLite file or postgres:// URL")
    t.add_argument("--batch-size", type=int)
    t.add_argument("--threads", type=int)
    t.add_argument("--seed", type=int)

    b = sub.add_parser("bench", help="training steps/s and samples/s per default network")
    b.add_argument("--json", action="store_true", help="print JSON")
    b.add_argument("--games", default="tictactoe,connect4,othello,othello6")
    b.add_argument("--batch-size", type=int, default=256)
    b.add_argument("--steps", type=int, default=20)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])

    s = sub.add_parser("symmetry", help="dump symmetry tables as JSON")
    s.add_argument("--games", default="tictactoe,connect4,othello,othello6")
    s.add_argument("--vectors", action="store_true",
                   help="also the augmentation of index vectors (observation[i] = i, policy[a] = a) per symmetry")

    r = sub.add_parser("roundtrip", help="export models and dump inputs and PyTorch outputs as JSON")
    r.add_argument("--out", required=True, help="folder for <game>.onnx and <game>.json")
    r.add_argument("--games", default="tictactoe,connect4,othello,othello6")
    r.add_argument("--batch", type=int, default=5)
    return p


def _train_options(args: argparse.Namespace) -> TrainerOptions:
    o = options_from_config(load_config_file(args.config))
    overrides = {"env_id": args.game, "iteration": args.iteration, "device": args.device,
                 "data_dir": args.data_dir, "replay_url": args.replay, "batch_size": args.batch_size,
                 "threads": args.threads, "seed": args.seed}
    for name, value in overrides.items():
        if value is not None:
            setattr(o, name, value)
    if args.replay and args.replay.startswith(("postgres://", "postgresql://")):
        o.replay_backend = "postgres"
    return o


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            options = _train_options(args)
            _set_thread_env(max(1, int(options.threads)))
            from .train import train

            print(json.dumps(train(options, steps=args.steps)), flush=True)
        elif args.command == "bench":
            _set_thread_env(args.threads)
            from .bench import run_bench

            run_bench(args)
        elif args.command == "symmetry":
            from .symmetry import dump_symmetries

            print(json.dumps(dump_symmetries(args.games.split(","), args.vectors)))
        elif args.command == "roundtrip":
            _set_thread_env(1)
            from .roundtrip import dump_roundtrip

            dump_roundtrip(args.out, args.games.split(","), args.batch)
        return 0
    except TrainerError as e:
        sys.stderr.write(f"cartridge-trainer: error: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
