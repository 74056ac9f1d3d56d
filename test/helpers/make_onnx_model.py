"""Writes a small policy/value ONNX model for tests, with onnx.helper only (no torch).

policy_logits = obs @ Wp + bp ; value = tanh(obs @ Wv + bv). Weights are seeded.
--variant lets tests produce contract violations: wrong-input-name, wrong-policy-shape, missing-value.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(obs_size, num_actions, seed, variant, scale):
    rng = np.random.default_rng(seed)
    policy_width = num_actions + 1 if variant == "wrong-policy-shape" else num_actions
    wp = (rng.standard_normal((obs_size, policy_width)) * scale).astype(np.float32)
    bp = (rng.standard_normal(policy_width) * scale).astype(np.float32)
    wv = (rng.standard_normal((obs_size, 1)) * scale).astype(np.float32)
    bv = np.zeros(1, dtype=np.float32)
    input_name = "obs" if variant == "wrong-input-name" else "observation"
    nodes = [helper.make_node("Gemm", [input_name, "Wp", "bp"], ["policy_logits"])]
    outputs = [helper.make_tensor_value_info("policy_logits", TensorProto.FLOAT, ["batch", policy_width])]
    if variant != "missing-value":
        nodes += [
            helper.make_node("Gemm", [input_name, "Wv", "bv"], ["value_raw"]),
            helper.make_node("Tanh", ["value_raw"], ["value"]),
        ]
        outputs.append(helper.make_tensor_value_info("value", TensorProto.FLOAT, ["batch", 1]))
    graph = helper.make_graph(
        nodes,
        "cartridge_test_model",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", obs_size])],
        outputs,
        [numpy_helper.from_array(a, n) for a, n in ((wp, "Wp"), (bp, "bp"), (wv, "Wv"), (bv, "bv"))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--obs-size", type=int, required=True)
    parser.add_argument("--num-actions", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--variant", default="valid",
                        choices=["valid", "wrong-input-name", "wrong-policy-shape", "missing-value"])
    args = parser.parse_args()
    onnx.save(build(args.obs_size, args.num_actions, args.seed, args.variant, args.scale), args.out)


if __name__ == "__main__":
    main()
