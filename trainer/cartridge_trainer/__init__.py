"""Cartridge trainer: samples the replay buffer, trains the policy/value network and
publishes ONNX models for the actors (see DESIGN.md for the contracts it honours).

Nothing here imports torch at package import time: the CLI must set the thread-count
environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS) before torch is loaded.
"""

__version__ = "0.1.0"
