import os

import numpy as np

from cartridge_trainer.bench import synthetic_data
from cartridge_trainer.config import TrainerOptions
from cartridge_trainer.games import game_spec
from cartridge_trainer.replay import write_sqlite_buffer


def make_buffer(tmp_path, env_id="tictactoe", n=64, seed=0, **kwargs):
    game = game_spec(env_id)
    obs, pol, z = synthetic_data(game, n, np.random.default_rng(seed))
    path = os.path.join(str(tmp_path), "replay.db")
    write_sqlite_buffer(path, game, obs, pol, z, **kwargs)
    return path


def options(tmp_path, **overrides):
    o = TrainerOptions(data_dir=str(tmp_path), batch_size=32, steps_per_iteration=20, iterations=10,
                       warmup_steps=5, learning_rate=0.003, hidden_size=64, threads=1, seed=1, log_every=5)
    for k, v in overrides.items():
        setattr(o, k, v)
    return o
