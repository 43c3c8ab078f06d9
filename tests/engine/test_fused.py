"""The compiled optimizer steps (numba, optional) give the NumPy steps' numbers to the bit."""

import numpy as np
import pytest

from tui_trainer.engine import MLP, OPTIMIZERS, fused

pytest.importorskip("numba")

CASES = [("sgd", {}), ("sgd", {"weight_decay": 0.01}), ("momentum", {}), ("momentum", {"dampening": 0.1}),
         ("momentum", {"nesterov": True}), ("adam", {}), ("adam", {"weight_decay": 0.01}), ("adamw", {}),
         ("rmsprop", {})]


def steps(name, hyper, dtype, monkeypatch, use_kernels):
    monkeypatch.setattr(fused, "ENABLED", use_kernels)
    monkeypatch.setattr(fused, "FUSED_FROM", 1 if use_kernels else 10**12)
    model = MLP([20, 64, 3], activation="relu", seed=2, dtype=dtype)  # 1,539 parameters
    opt = OPTIMIZERS[name](model.params, lr=0.05, **hyper)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 20)).astype(dtype), rng.integers(0, 3, 32)
    from tui_trainer.engine import LOSSES

    for _ in range(4):
        out = model.forward(X, train=True)
        opt.step(model.backward(LOSSES["cross_entropy"].grad(out, y)))
    return model.flat_params.copy(), {k: [a.copy() for a in v] for k, v in opt.state.items()}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,hyper", CASES)
def test_compiled_steps_match_numpy_to_the_bit(name, hyper, dtype, monkeypatch):
    plain, plain_state = steps(name, hyper, dtype, monkeypatch, use_kernels=False)
    compiled, compiled_state = steps(name, hyper, dtype, monkeypatch, use_kernels=True)
    assert fused.kernels() is not None
    assert compiled.dtype == np.dtype(dtype)
    assert compiled.tobytes() == plain.tobytes()
    for key in plain_state:
        for a, b in zip(plain_state[key], compiled_state[key]):
            assert a.tobytes() == b.tobytes()


def test_the_kernels_are_used_only_for_a_large_contiguous_vector(monkeypatch):
    monkeypatch.setattr(fused, "ENABLED", True)
    big = np.zeros(fused.FUSED_FROM)
    assert fused.usable(big, big) is not None
    assert fused.usable(big[:-1], big[:-1]) is None  # too few parameters
    assert fused.usable(big, big.astype(np.float32)) is None
    assert fused.usable(big[::2].repeat(2), big[::2]) is None  # shapes differ
    monkeypatch.setattr(fused, "ENABLED", False)
    assert fused.usable(big, big) is None
