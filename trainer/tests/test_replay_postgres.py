"""The PostgreSQL reader against a real server (CI starts PostgreSQL 15 on 127.0.0.1:5432;
CARTRIDGE_TEST_PG_URL overrides). Each test uses its own schema, dropped afterwards."""
import os
import uuid

import numpy as np
import psycopg2
import pytest

from cartridge_trainer.bench import synthetic_data
from cartridge_trainer.errors import TrainerError
from cartridge_trainer.games import game_spec
from cartridge_trainer.replay import ReplayReader

BASE_URL = os.environ.get("CARTRIDGE_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TTT = game_spec("tictactoe")

SCHEMA = """
CREATE TABLE transitions (
  id TEXT PRIMARY KEY, env_id TEXT NOT NULL, episode_id TEXT NOT NULL, step_number INTEGER NOT NULL,
  state BYTEA, action BYTEA, next_state BYTEA, observation BYTEA, next_observation BYTEA, reward REAL,
  done BOOLEAN, timestamp BIGINT, policy_probs BYTEA, mcts_value REAL, game_outcome REAL,
  created_at TIMESTAMPTZ DEFAULT now(), seq BIGSERIAL, model_version TEXT, iteration INTEGER);
CREATE UNIQUE INDEX ON transitions(seq);
CREATE INDEX ON transitions(env_id, seq);
CREATE TABLE game_metadata (
  env_id TEXT PRIMARY KEY, display_name TEXT, board_width INTEGER, board_height INTEGER, num_actions INTEGER,
  obs_size INTEGER, legal_mask_offset INTEGER, player_count INTEGER);
"""


@pytest.fixture
def pg_url():
    schema = f"trainer_test_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(BASE_URL)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"CREATE SCHEMA {schema}")
    cur.execute(f"SET search_path TO {schema}")
    cur.execute(SCHEMA)
    sep = "&" if "?" in BASE_URL else "?"
    yield f"{BASE_URL}{sep}options=-csearch_path%3D{schema}", cur
    cur.execute(f"DROP SCHEMA {schema} CASCADE")
    conn.close()


def insert(cur, game, n, seed=0):
    obs, pol, z = synthetic_data(game, n, np.random.default_rng(seed))
    for i in range(n):
        cur.execute("INSERT INTO transitions (id, env_id, episode_id, step_number, observation, policy_probs,"
                    " game_outcome) VALUES (%s, %s, %s, 0, %s, %s, %s)",
                    (uuid.uuid4().hex, game.env_id, uuid.uuid4().hex, obs[i].astype("<f4").tobytes(),
                     pol[i].astype("<f4").tobytes(), float(z[i])))


def test_postgres_window_sampling_with_gaps(pg_url):
    url, cur = pg_url
    insert(cur, TTT, 40)
    insert(cur, game_spec("connect4"), 20)
    cur.execute("DELETE FROM transitions WHERE seq % 3 = 0")  # gaps, as BIGSERIAL may have
    cur.execute("SELECT seq FROM transitions WHERE env_id = 'tictactoe' ORDER BY seq DESC LIMIT 10")
    newest = {r[0] for r in cur.fetchall()}
    reader = ReplayReader(url, "postgres", TTT, window=10)
    batch = reader.sample(500, np.random.default_rng(0))
    assert set(batch.seqs.tolist()) == newest
    assert batch.observations.shape == (500, 29) and batch.policies.shape == (500, 9)
    reader.close()


def test_postgres_wrong_metadata_and_empty_buffer(pg_url):
    url, cur = pg_url
    reader = ReplayReader(url, "postgres", TTT, window=10)
    with pytest.raises(TrainerError, match="no transitions for 'tictactoe'"):
        reader.sample(4, np.random.default_rng(0))
    reader.close()
    cur.execute("INSERT INTO game_metadata VALUES ('tictactoe', 'Tic-Tac-Toe', 3, 3, 9, 30, 18, 2)")
    with pytest.raises(TrainerError, match=r"obs_size=30 \(expected 29\)"):
        ReplayReader(url, "postgres", TTT, window=10)


def test_postgres_bad_url_is_a_clear_error():
    with pytest.raises(TrainerError, match="cannot connect to the replay database"):
        ReplayReader("postgres://postgres@127.0.0.1:1/none", "postgres", TTT, window=10)
