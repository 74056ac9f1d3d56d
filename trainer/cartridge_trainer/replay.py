"""Replay buffer reader (SQLite via stdlib sqlite3, PostgreSQL via psycopg2).

Sampling rule shared with the TypeScript store (src/replay/): the window of env E is its
newest `window` rows by `seq`; a sample of n rows draws seq values uniformly in [lo, hi],
keeps those that exist with env_id = E and redraws the misses (rejection sampling: exactly
uniform over E's rows despite gaps and other envs), with replacement; after a bounded number
of rounds it falls back to an index scan of the window. All SQL lives in this module.
"""
import os
import sqlite3
from pathlib import Path
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .errors import TrainerError
from .games import GameSpec

MAX_ROUNDS = 32
IN_CHUNK = 500  # placeholders per IN (...) list


@dataclass
class Batch:
    observations: np.ndarray  # float32 [n, obs_size]
    policies: np.ndarray  # float32 [n, num_actions]
    outcomes: np.ndarray  # float32 [n]
    seqs: np.ndarray  # int64 [n]


class ReplayReader:
    def __init__(self, url: str, backend: str, game: GameSpec, window: int):
        self.game = game
        self.window = window
        self.backend = backend
        self.location = url
        if backend == "postgres":
            try:
                import psycopg2
            except ImportError:
                raise TrainerError("the postgres replay backend needs psycopg2 (Debian: python3-psycopg2)") from None
            try:
                self.conn = psycopg2.connect(url)
            except psycopg2.Error as e:
                raise TrainerError(f"cannot connect to the replay database: {str(e).strip()}") from None
            self.conn.autocommit = True
            self.param = "%s"
            self.location = _redact(url)
        else:
            path = url[len("sqlite://"):] if url.startswith("sqlite://") else url
            try:
                if not os.path.exists(path):
                    raise TrainerError(f"the replay buffer {path!r} does not exist; run actors first to fill it")
                self.conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True, timeout=30)
            except sqlite3.Error as e:
                raise TrainerError(f"cannot open the replay buffer {path!r}: {e}") from None
            self.param = "?"
        self.seq_column = self._seq_column()
        self.check_metadata()

    # -- plumbing ---------------------------------------------------------
    def _query(self, sql: str, params: Sequence = ()) -> List[tuple]:
        sql = sql.replace("?", self.param)
        try:
            cur = self.conn.cursor()
            cur.execute(sql, tuple(params))
            rows = cur.fetchall()
            cur.close()
            return rows
        except Exception as e:  # sqlite3.Error / psycopg2.Error
            raise TrainerError(f"replay query failed on {self.location}: {str(e).strip()}") from None

    def _columns(self, table: str) -> List[str]:
        if self.backend == "postgres":
            rows = self._query("SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,))
        else:
            try:
                cur = self.conn.execute(f"PRAGMA table_info({table})")
                rows = [(r[1],) for r in cur.fetchall()]
            except sqlite3.Error as e:
                raise TrainerError(f"cannot read the replay buffer {self.location}: {e}") from None
        return [r[0] for r in rows]

    def _seq_column(self) -> str:
        columns = self._columns("transitions")
        if not columns:
            raise TrainerError(f"the replay buffer {self.location} has no transitions table (is it a replay database?)")
        if "seq" in columns:
            return "seq"
        if self.backend == "sqlite":
            return "rowid"  # a buffer written before `seq` existed: rowid is the insertion order
        raise TrainerError(f"the transitions table in {self.location} has no seq column; run `cartridge db migrate`")

    def check_metadata(self) -> None:
        """A game_metadata row for this env, when present, must describe the game we train."""
        if not self._columns("game_metadata"):
            return
        rows = self._query(
            "SELECT board_width, board_height, num_actions, obs_size, legal_mask_offset FROM game_metadata"
            " WHERE env_id = ?", (self.game.env_id,))
        if not rows:
            return
        g = self.game
        expected = (g.board_width, g.board_height, g.num_actions, g.obs_size, g.legal_mask_offset)
        names = ("board_width", "board_height", "num_actions", "obs_size", "legal_mask_offset")
        wrong = [f"{n}={a} (expected {b})" for n, a, b in zip(names, rows[0], expected) if int(a) != b]
        if wrong:
            raise TrainerError(f"game_metadata for {g.env_id!r} in {self.location} does not match the trainer's "
                               f"game: {', '.join(wrong)}")

    # -- window and sampling ------------------------------------------------
    def bounds(self) -> Optional[Tuple[int, int]]:
        """(lo, hi) seq bounds of the env's window; None when the env has no rows."""
        s = self.seq_column
        hi = self._query(f"SELECT MAX({s}) FROM transitions WHERE env_id = ?", (self.game.env_id,))[0][0]
        if hi is None:
            return None
        lo = self._query(f"SELECT {s} FROM transitions WHERE env_id = ? ORDER BY {s} DESC LIMIT 1 OFFSET ?",
                         (self.game.env_id, self.window - 1))
        if lo:
            return int(lo[0][0]), int(hi)
        return int(self._query(f"SELECT MIN({s}) FROM transitions WHERE env_id = ?", (self.game.env_id,))[0][0]), int(hi)

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM transitions WHERE env_id = ?", (self.game.env_id,))[0][0])

    def window_size(self) -> int:
        b = self.bounds()
        if b is None:
            return 0
        s = self.seq_column
        return int(self._query(f"SELECT COUNT(*) FROM transitions WHERE env_id = ? AND {s} BETWEEN ? AND ?",
                               (self.game.env_id, b[0], b[1]))[0][0])

    def _fetch(self, seqs: Sequence[int]) -> Dict[int, tuple]:
        s = self.seq_column
        found: Dict[int, tuple] = {}
        unique = sorted(set(int(x) for x in seqs))
        for i in range(0, len(unique), IN_CHUNK):
            chunk = unique[i : i + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT {s}, observation, policy_probs, game_outcome FROM transitions"
                                   f" WHERE env_id = ? AND {s} IN ({marks})", [self.game.env_id, *chunk]):
                found[int(row[0])] = row[1:]
        return found

    def sample(self, n: int, rng: np.random.Generator) -> Batch:
        bounds = self.bounds()
        if bounds is None:
            raise TrainerError(f"the replay buffer {self.location} has no transitions for {self.game.env_id!r}; "
                               "run actors first (cartridge actor) to fill it")
        lo, hi = bounds
        chosen: List[int] = []
        rows: Dict[int, tuple] = {}
        for _ in range(MAX_ROUNDS):
            need = n - len(chosen)
            if need == 0:
                break
            draws = rng.integers(lo, hi + 1, size=need)
            got = self._fetch(draws)
            rows.update(got)
            chosen.extend(int(x) for x in draws if int(x) in got)  # keep hits in draw order, with repeats
        if len(chosen) < n:  # sparse window (many gaps or other envs): scan the window's seqs
            s = self.seq_column
            present = np.array([r[0] for r in self._query(
                f"SELECT {s} FROM transitions WHERE env_id = ? AND {s} BETWEEN ? AND ?",
                (self.game.env_id, lo, hi))], dtype=np.int64)
            extra = rng.choice(present, size=n - len(chosen), replace=True)
            rows.update(self._fetch(extra))
            chosen.extend(int(x) for x in extra)
        return self._decode(chosen, rows)

    def _decode(self, chosen: List[int], rows: Dict[int, tuple]) -> Batch:
        g = self.game
        decoded: Dict[int, Tuple[np.ndarray, np.ndarray, float]] = {}
        for seq, (obs, pol, outcome) in rows.items():
            obs, pol = bytes(obs) if obs is not None else b"", bytes(pol) if pol is not None else b""
            if len(obs) != 4 * g.obs_size:
                raise TrainerError(f"transition seq {seq} of {g.env_id!r} has an observation of {len(obs) // 4} floats "
                                   f"({len(obs)} bytes); {g.env_id} expects obs_size={g.obs_size}")
            if len(pol) != 4 * g.num_actions:
                raise TrainerError(f"transition seq {seq} of {g.env_id!r} has policy_probs of {len(pol) // 4} floats "
                                   f"({len(pol)} bytes); {g.env_id} expects num_actions={g.num_actions}")
            if outcome is None:
                raise TrainerError(f"transition seq {seq} of {g.env_id!r} has no game_outcome")
            decoded[seq] = (np.frombuffer(obs, dtype="<f4"), np.frombuffer(pol, dtype="<f4"), float(outcome))
        n = len(chosen)
        out = Batch(np.empty((n, g.obs_size), np.float32), np.empty((n, g.num_actions), np.float32),
                    np.empty(n, np.float32), np.asarray(chosen, dtype=np.int64))
        for i, seq in enumerate(chosen):
            out.observations[i], out.policies[i], out.outcomes[i] = decoded[seq]
        return out

    def close(self) -> None:
        self.conn.close()


def _redact(url: str) -> str:
    import re

    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS transitions (
  id TEXT PRIMARY KEY, env_id TEXT NOT NULL, episode_id TEXT NOT NULL, step_number INTEGER NOT NULL,
  state BLOB, action BLOB, next_state BLOB, observation BLOB, next_observation BLOB, reward REAL,
  done INTEGER, timestamp INTEGER, policy_probs BLOB, mcts_value REAL, game_outcome REAL,
  created_at TEXT, seq INTEGER NOT NULL, model_version TEXT, iteration INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS idx_transitions_seq ON transitions(seq);
CREATE INDEX IF NOT EXISTS idx_transitions_env_seq ON transitions(env_id, seq);
CREATE TABLE IF NOT EXISTS game_metadata (
  env_id TEXT PRIMARY KEY, display_name TEXT, board_width INTEGER, board_height INTEGER, num_actions INTEGER,
  obs_size INTEGER, legal_mask_offset INTEGER, player_count INTEGER);
"""


def write_sqlite_buffer(path: str, game: GameSpec, observations: np.ndarray, policies: np.ndarray,
                        outcomes: np.ndarray, metadata: bool = True) -> None:
    """Writes transitions with the DESIGN schema (plus seq); used by tests and the benchmark."""
    conn = sqlite3.connect(path)
    conn.executescript(SQLITE_SCHEMA)
    start = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM transitions").fetchone()[0]
    if metadata:
        conn.execute("INSERT OR REPLACE INTO game_metadata VALUES (?,?,?,?,?,?,?,?)",
                     (game.env_id, game.env_id, game.board_width, game.board_height, game.num_actions, game.obs_size,
                      game.legal_mask_offset, 2))
    conn.executemany(
        "INSERT INTO transitions (id, env_id, episode_id, step_number, observation, policy_probs, game_outcome,"
        " timestamp, seq) VALUES (?,?,?,?,?,?,?,?,?)",
        [(f"synthetic-{start + i}:0", game.env_id, f"synthetic-{start + i}", 0,
          np.asarray(o, "<f4").tobytes(), np.asarray(p, "<f4").tobytes(), float(z), 0, start + i + 1)
         for i, (o, p, z) in enumerate(zip(observations, policies, outcomes))])
    conn.commit()
    conn.close()
