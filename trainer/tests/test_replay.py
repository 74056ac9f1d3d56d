import sqlite3

import numpy as np
import pytest

from cartridge_trainer.errors import TrainerError
from cartridge_trainer.games import game_spec
from cartridge_trainer.replay import ReplayReader, write_sqlite_buffer
from helpers import make_buffer

TTT = game_spec("tictactoe")
C4 = game_spec("connect4")


def test_window_is_the_newest_rows_of_the_env_by_seq(tmp_path):
    path = make_buffer(tmp_path, "tictactoe", n=30)
    make_buffer(tmp_path, "connect4", n=30)  # seq 31..60, another env interleaved after
    make_buffer(tmp_path, "tictactoe", n=30, seed=1)  # seq 61..90
    reader = ReplayReader(path, "sqlite", TTT, window=40)
    assert reader.bounds() == (21, 90)  # newest 40 tictactoe rows: 21..30 and 61..90
    assert reader.window_size() == 40
    assert reader.count() == 60
    batch = reader.sample(4000, np.random.default_rng(0))
    assert set(batch.seqs.tolist()) == set(range(21, 31)) | set(range(61, 91))  # never connect4 rows
    # uniform over the window's rows despite the 30-row gap: each row ~ 4000/40 = 100 draws
    counts = np.bincount(batch.seqs, minlength=91)[np.r_[21:31, 61:91]]
    assert counts.min() > 60 and counts.max() < 145


def test_sample_returns_the_stored_rows(tmp_path):
    path = make_buffer(tmp_path, "tictactoe", n=10)
    conn = sqlite3.connect(path)
    stored = {s: (np.frombuffer(o, "<f4"), np.frombuffer(p, "<f4"), z)
              for s, o, p, z in conn.execute("SELECT seq, observation, policy_probs, game_outcome FROM transitions")}
    batch = ReplayReader(path, "sqlite", TTT, window=100).sample(50, np.random.default_rng(1))
    for i, s in enumerate(batch.seqs):
        np.testing.assert_array_equal(batch.observations[i], stored[s][0])
        np.testing.assert_array_equal(batch.policies[i], stored[s][1])
        assert batch.outcomes[i] == stored[s][2]


def test_sparse_window_falls_back_to_an_index_scan(tmp_path):
    path = make_buffer(tmp_path, "tictactoe", n=1)
    make_buffer(tmp_path, "connect4", n=3000)  # the one tictactoe row is far below max seq of the table
    make_buffer(tmp_path, "tictactoe", n=1)  # seq 3002
    batch = ReplayReader(path, "sqlite", TTT, window=2).sample(64, np.random.default_rng(2))
    assert set(batch.seqs.tolist()) == {1, 3002}


def test_empty_buffer_is_a_clear_error(tmp_path):
    path = make_buffer(tmp_path, "connect4", n=5)
    reader = ReplayReader(path, "sqlite", TTT, window=10)
    with pytest.raises(TrainerError, match="no transitions for 'tictactoe'"):
        reader.sample(8, np.random.default_rng(0))


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(TrainerError, match="does not exist"):
        ReplayReader(str(tmp_path / "nope.db"), "sqlite", TTT, window=10)


def test_wrong_game_metadata_is_rejected(tmp_path):
    path = make_buffer(tmp_path, "tictactoe", n=5)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE game_metadata SET obs_size = 30, num_actions = 10 WHERE env_id = 'tictactoe'")
    conn.commit()
    with pytest.raises(TrainerError, match=r"game_metadata for 'tictactoe'.*num_actions=10 \(expected 9\).*obs_size=30"):
        ReplayReader(path, "sqlite", TTT, window=10)


def test_mismatched_obs_size_is_rejected(tmp_path):
    path = str(tmp_path / "replay.db")
    obs = np.zeros((4, 30), np.float32)  # one float too many for tictactoe
    write_sqlite_buffer(path, TTT, obs, np.full((4, 9), 1 / 9, np.float32), np.zeros(4), metadata=False)
    with pytest.raises(TrainerError, match="observation of 30 floats.*obs_size=29"):
        ReplayReader(path, "sqlite", TTT, window=10).sample(4, np.random.default_rng(0))
