import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from cartridge_trainer.errors import TrainerError
from cartridge_trainer.export import model_history
from cartridge_trainer.train import lr_factor, train
from helpers import make_buffer, options

TRAINER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def quiet(_):
    pass


def test_loss_falls_on_a_fixed_synthetic_buffer(tmp_path):
    make_buffer(tmp_path, "tictactoe", n=64)
    o = options(tmp_path, steps_per_iteration=150, iterations=1, warmup_steps=10, augment=False, batch_size=64)
    train(o, log=quiet)
    history = json.load(open(tmp_path / "stats.json"))["history"]
    first, last = history[0]["loss"], history[-1]["loss"]
    assert last < 0.7 * first, (first, last)
    assert history[-1]["value_loss"] < history[0]["value_loss"]


def test_conv_net_trains_and_exports_for_connect4(tmp_path):
    make_buffer(tmp_path, "connect4", n=64)
    s = train(options(tmp_path, env_id="connect4", filters=8, blocks=1, batch_size=16), steps=4, log=quiet)
    assert s["network"] == {"kind": "resnet", "filters": 8, "blocks": 1}
    assert os.path.exists(tmp_path / "models" / "latest.onnx")


def test_resume_continues_step_and_schedule(tmp_path):
    make_buffer(tmp_path, "tictactoe", n=64)
    first = train(options(tmp_path), steps=12, log=quiet)
    assert first["step"] == 12
    second = train(options(tmp_path, iteration=2), steps=8, log=quiet)
    assert second["step"] == 20 and second["samples_seen"] == 20 * 32
    # the learning rate of the last step (global step 19) follows the run-wide schedule, not a restart
    assert second["learning_rate"] == pytest.approx(0.003 * lr_factor(19, 5, 200, 0.05))
    ckpt = torch.load(tmp_path / "checkpoints" / "latest.pt")
    assert ckpt["step"] == 20 and ckpt["iteration"] == 2
    assert ckpt["optimizer"]["state"], "optimizer moments are checkpointed"
    stats = json.load(open(tmp_path / "stats.json"))
    assert [h["step"] for h in stats["history"]] == [5, 10, 12, 17, 20]
    assert model_history(str(tmp_path / "models")) == ["model_1_12.onnx", "model_2_20.onnx"]


def test_schedule_warms_up_then_decays():
    assert lr_factor(0, 10, 100, 0.1) == pytest.approx(0.1)
    assert lr_factor(9, 10, 100, 0.1) == pytest.approx(1.0)
    assert lr_factor(55, 10, 100, 0.1) == pytest.approx(0.55)
    assert lr_factor(100, 10, 100, 0.1) == pytest.approx(0.1)
    assert lr_factor(500, 10, 100, 0.1) == pytest.approx(0.1)


def test_export_writes_history_latest_and_sidecar(tmp_path):
    import hashlib

    make_buffer(tmp_path, "tictactoe", n=16)
    for iteration in range(1, 5):
        train(options(tmp_path, iteration=iteration, model_history=2), steps=2, log=quiet)
    models = tmp_path / "models"
    assert model_history(str(models)) == ["model_3_6.onnx", "model_4_8.onnx"]
    sidecar = json.load(open(models / "latest.json"))
    data = (models / "latest.onnx").read_bytes()
    assert sidecar["sha256"] == hashlib.sha256(data).hexdigest()
    assert (models / "model_4_8.onnx").read_bytes() == data
    assert sidecar["step"] == 8 and sidecar["iteration"] == 4 and sidecar["env_id"] == "tictactoe"
    assert sidecar["network"]["obs_size"] == 29 and sidecar["network"]["num_actions"] == 9
    assert not [f for f in os.listdir(models) if f.endswith(".tmp")]
    import onnx

    graph = onnx.load(str(models / "latest.onnx")).graph
    assert [i.name for i in graph.input] == ["observation"]
    assert [o.name for o in graph.output] == ["policy_logits", "value"]
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_checkpoint_of_another_game_is_refused(tmp_path):
    make_buffer(tmp_path, "tictactoe", n=16)
    train(options(tmp_path), steps=1, log=quiet)
    with pytest.raises(TrainerError, match="checkpoint .* is for 'tictactoe'"):
        train(options(tmp_path, hidden_size=32), steps=1, log=quiet)


def run_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": TRAINER_DIR}
    return subprocess.run([sys.executable, "-m", "cartridge_trainer", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_trains_from_a_config_json(tmp_path):
    make_buffer(tmp_path, "tictactoe", n=32)
    config = {"config": {"common": {"env_id": "tictactoe", "data_dir": str(tmp_path), "seed": 3},
                         "training": {"batch_size": 8, "steps_per_iteration": 3},
                         "trainer": {"threads": 1, "hidden_size": 32}}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    r = run_cli("train", "--config", str(tmp_path / "config.json"), "--iteration", "7", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["step"] == 3 and summary["iteration"] == 7 and summary["network"]["hidden_size"] == 32
    assert (tmp_path / "models" / "model_7_3.onnx").exists()


def test_cli_empty_buffer_exits_2_with_a_message(tmp_path):
    make_buffer(tmp_path, "connect4", n=4)
    r = run_cli("train", "--game", "tictactoe", "--data-dir", str(tmp_path), "--steps", "2", cwd=tmp_path)
    assert r.returncode == 2
    assert "no transitions for 'tictactoe'" in r.stderr and "Traceback" not in r.stderr


def test_cli_unknown_game_exits_2(tmp_path):
    r = run_cli("train", "--game", "chess", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 2 and "unknown game 'chess'" in r.stderr
