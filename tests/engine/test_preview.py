"""opt.preview: the step's delta without taking it; explain and effective_rates beside it."""

import math

import numpy as np
import pytest

from tui_trainer.engine import LOSSES, MLP, OPTIMIZERS, effective_rates, fused

CONFIGS = [
    ("sgd", {}), ("sgd", {"weight_decay": 0.01}), ("sgd", {"momentum": 0.9, "dampening": 0.1}),
    ("momentum", {}), ("momentum", {"nesterov": True, "weight_decay": 0.01}),
    ("rmsprop", {}), ("rmsprop", {"weight_decay": 0.01}),
    ("adagrad", {}), ("adagrad", {"lr_decay": 0.01, "weight_decay": 0.01}),
    ("adam", {}), ("adam", {"weight_decay": 0.01}), ("adamw", {}), ("adamw", {"weight_decay": 0.0}),
]


def test_every_optimizer_is_covered():
    assert {name for name, _ in CONFIGS} == set(OPTIMIZERS)


def model_and_grads(dtype, seed=0):
    model = MLP([6, 24, 3], activation="tanh", seed=seed, dtype=dtype)  # 243 parameters
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(20, 6)).astype(dtype), rng.integers(0, 3, 20)
    loss = LOSSES["cross_entropy"]

    def grads():
        out = model.forward(X, train=True, masks=[None])
        return model.backward(loss.grad(out, y))

    return model, grads


def snapshot(opt):
    return opt.t, {k: [a.tobytes() for a in v] for k, v in opt.state.items()}


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "numba"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,hyper", CONFIGS, ids=[f"{n}{h or ''}" for n, h in CONFIGS])
def test_step_adds_exactly_the_previewed_delta(name, hyper, dtype, compiled, monkeypatch):
    if compiled:
        pytest.importorskip("numba")
        monkeypatch.setattr(fused, "ENABLED", True)
        monkeypatch.setattr(fused, "FUSED_FROM", 1)
    else:
        monkeypatch.setattr(fused, "FUSED_FROM", 10**12)
    model, grads = model_and_grads(dtype)
    opt = OPTIMIZERS[name](model.params, lr=0.05, **hyper)
    uses_kernels = fused.usable(model.flat_params, model.flat_grads) is not None
    assert uses_kernels == compiled
    for t in range(1, 6):  # the first step (momentum's buffer, Adam's correction) and later ones
        g = grads()
        given = model.flat_grads.copy()
        before_state = snapshot(opt)
        before = model.flat_params.copy()
        delta = opt.preview(g)
        assert delta.shape == before.shape and delta.dtype == before.dtype
        assert model.flat_params.tobytes() == before.tobytes()
        assert model.flat_grads.tobytes() == given.tobytes()  # the grads passed in are untouched
        assert snapshot(opt) == before_state and opt.t == t - 1
        opt.step(g)
        assert (model.flat_params - before).tobytes() == delta.tobytes()
        assert np.any(delta != 0)


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=[f"{n}{h or ''}" for n, h in CONFIGS])
def test_preview_of_separate_arrays_is_their_concatenated_delta(name, hyper):
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(4, 3)), rng.normal(size=3)  # not views of one vector
    opt = OPTIMIZERS[name]([w, b], lr=0.1, **hyper)
    for _ in range(3):
        g = [rng.normal(size=(4, 3)), rng.normal(size=3)]
        g[0][1, 1] = 0.0
        kept = [a.copy() for a in g]
        for a in g:
            a.flags.writeable = False  # preview copies what it changes
        before = np.concatenate([w.ravel(), b])
        delta = opt.preview(g)
        assert all(np.array_equal(a, k) for a, k in zip(g, kept))
        opt.step(g)
        assert (np.concatenate([w.ravel(), b]) - before).tobytes() == delta.tobytes()


def test_preview_after_a_live_change_uses_the_new_rate():
    model, grads = model_and_grads("float64")
    opt = OPTIMIZERS["sgd"](model.params, lr=0.1)
    g = grads()
    first = opt.preview(g)
    opt.lr = 0.2
    # a delta is (w - lr g) - w: exact to the rounding of w, not of lr g
    np.testing.assert_allclose(opt.preview(g), 2 * first, rtol=1e-11)


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=[f"{n}{h or ''}" for n, h in CONFIGS])
def test_explain_gives_the_steps_own_number_and_changes_nothing(name, hyper):
    model, grads = model_and_grads("float64", seed=3)
    opt = OPTIMIZERS[name](model.params, lr=0.05, **hyper)
    for _ in range(3):
        opt.step(grads())
    g = grads()
    delta = opt.preview(g)
    state, params = snapshot(opt), model.flat_params.tobytes()
    for index in (0, 17, model.n_parameters - 1):
        numbers = opt.explain(index, g)
        assert numbers["step"] == delta[index]  # bit for bit, whatever the rule
        assert numbers["w"] == model.flat_params[index] and numbers["g"] == model.flat_grads[index]
        assert numbers["w_next"] == model.flat_params[index] + delta[index]
        assert numbers["t"] == 4 and numbers["lr"] == 0.05
        assert numbers["effective_lr"] == pytest.approx(abs(delta[index] / model.flat_grads[index]), rel=1e-15)
        assert ("g_l2" in numbers) == bool(opt.weight_decay and name != "adamw")
        assert "direction" in numbers
    assert snapshot(opt) == state and model.flat_params.tobytes() == params


def test_explain_names_adams_terms_from_the_state_after_the_step():
    model, grads = model_and_grads("float64", seed=4)
    opt = OPTIMIZERS["adam"](model.params, lr=0.01)
    for _ in range(2):
        opt.step(grads())
    g = grads()
    index = 30
    numbers = opt.explain(index, g)
    w, gi = model.flat_params[index], model.flat_grads[index]
    m0, v0 = opt.state["exp_avg"][0][index], opt.state["exp_avg_sq"][0][index]
    m, v = 0.9 * m0 + 0.1 * gi, 0.999 * v0 + 0.001 * gi * gi  # written out by hand
    m_hat, v_hat = m / (1 - 0.9**3), v / (1 - 0.999**3)
    assert numbers["m"] == pytest.approx(m, rel=1e-14) and numbers["v"] == pytest.approx(v, rel=1e-14)
    assert numbers["m_hat"] == pytest.approx(m_hat, rel=1e-14)
    assert numbers["v_hat"] == pytest.approx(v_hat, rel=1e-14)
    direction = m_hat / (math.sqrt(v_hat) + 1e-8)
    assert numbers["direction"] == pytest.approx(direction, rel=1e-14)
    assert numbers["step"] == pytest.approx(-0.01 * direction, rel=1e-12)
    opt.step(g)
    assert opt.state["exp_avg"][0][index] == numbers["m"]
    assert model.flat_params[index] == numbers["w_next"] != w


def test_explain_adamw_shows_the_decay_apart():
    model, grads = model_and_grads("float64", seed=5)
    opt = OPTIMIZERS["adamw"](model.params, lr=0.01, weight_decay=0.1)
    numbers = opt.explain(7, grads())
    assert numbers["decay"] == pytest.approx(-0.01 * 0.1 * numbers["w"], rel=1e-15)
    assert numbers["step"] == pytest.approx(numbers["decay"] - 0.01 * numbers["direction"], rel=1e-9)


def test_explain_momentum_and_rmsprop_and_adagrad_terms():
    model, grads = model_and_grads("float64", seed=6)
    g = grads()
    gi, index = model.flat_grads[11], 11
    numbers = OPTIMIZERS["momentum"](model.params, lr=0.1, nesterov=True).explain(index, g)
    assert numbers["momentum_buffer"] == gi and numbers["direction"] == pytest.approx(1.9 * gi, rel=1e-15)
    numbers = OPTIMIZERS["rmsprop"](model.params).explain(index, g)
    assert numbers["square_avg"] == pytest.approx(0.01 * gi * gi, rel=1e-15)
    assert numbers["direction"] == pytest.approx(gi / (math.sqrt(0.01) * abs(gi) + 1e-8), rel=1e-14)
    numbers = OPTIMIZERS["adagrad"](model.params, lr_decay=0.5).explain(index, g)
    assert numbers["sum"] == gi * gi and numbers["lr_t"] == 0.01  # (t - 1) lr_decay = 0 at step 1
    assert numbers["direction"] == pytest.approx(gi / (abs(gi) + 1e-10), rel=1e-14)


def test_explain_refuses_an_index_out_of_range():
    model, grads = model_and_grads("float64")
    opt = OPTIMIZERS["adam"](model.params)
    for bad in (-1, model.n_parameters, 2.0, True):
        with pytest.raises(ValueError, match=r"parameter index .* out of range; .*\[0, 242\]"):
            opt.explain(bad, grads())


def test_effective_rates_are_lr_for_sgd_and_nan_without_a_gradient():
    model, grads = model_and_grads("float64")
    opt = OPTIMIZERS["sgd"](model.params, lr=0.05)
    g = grads()
    model.flat_grads[:5] = 0.0
    rates = effective_rates(opt.preview(g), g)
    assert np.isnan(rates[:5]).all()
    np.testing.assert_allclose(rates[5:], 0.05, rtol=1e-10)  # to the rounding of w - lr g
    with pytest.raises(ValueError, match="delta has 3 values and grads 243"):
        effective_rates(np.zeros(3), g)


def test_effective_rates_of_adam_differ_per_parameter_and_bound_the_step():
    model, grads = model_and_grads("float64")
    opt = OPTIMIZERS["adam"](model.params, lr=0.01)
    g = grads()
    rates = effective_rates(opt.preview(g), model.flat_grads)
    # Adam's first step: m_hat = g, v_hat = g^2, so |step| = lr |g| / (|g| + eps): ~lr whatever g
    g_abs = np.abs(model.flat_grads)
    np.testing.assert_allclose(rates, 0.01 / (g_abs + 1e-8), rtol=1e-9)
    assert rates.max() > 10 * rates.min()
