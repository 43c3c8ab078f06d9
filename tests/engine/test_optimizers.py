"""Each optimizer's first three steps against its update equations written out by hand."""

import math

import numpy as np
import pytest

from tui_trainer.engine import OPTIMIZERS, UnknownNameError

W0 = [0.5, -1.5, 2.0]
GRADS = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.2, -0.7]]


def run(name, **hyper):
    w = np.array(W0)
    opt = OPTIMIZERS[name]([w], **hyper)
    seen = []
    for g in GRADS:
        opt.step([np.array(g)])
        seen.append(w.copy())
    return seen


def by_hand(update):
    """Apply ``update(t, i, w, g, state) -> new w`` element by element for three steps."""
    w = list(W0)
    state = [dict() for _ in w]
    seen = []
    for t, g in enumerate(GRADS, start=1):
        w = [update(t, i, w[i], g[i], state[i]) for i in range(len(w))]
        seen.append(np.array(w))
    return seen


def assert_same(ours, hand):
    for a, b in zip(ours, hand):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


def test_sgd():
    lr = 0.1
    assert_same(run("sgd", lr=lr), by_hand(lambda t, i, w, g, s: w - lr * g))


def test_sgd_weight_decay_is_l2_in_the_gradient():
    lr, wd = 0.1, 0.01
    assert_same(run("sgd", lr=lr, weight_decay=wd), by_hand(lambda t, i, w, g, s: w - lr * (g + wd * w)))


def _momentum(lr, mu, nesterov=False):
    def update(t, i, w, g, s):
        s["buf"] = g if t == 1 else mu * s["buf"] + g
        step = g + mu * s["buf"] if nesterov else s["buf"]
        return w - lr * step
    return update


def test_momentum():
    assert_same(run("momentum", lr=0.1), by_hand(_momentum(0.1, 0.9)))


def test_nesterov():
    assert_same(run("momentum", lr=0.1, nesterov=True), by_hand(_momentum(0.1, 0.9, nesterov=True)))


def test_rmsprop():
    lr, alpha, eps = 0.01, 0.99, 1e-8

    def update(t, i, w, g, s):
        s["sq"] = alpha * s.get("sq", 0.0) + (1 - alpha) * g * g
        return w - lr * g / (math.sqrt(s["sq"]) + eps)

    assert_same(run("rmsprop"), by_hand(update))


def test_adagrad():
    lr, eps = 0.01, 1e-10

    def update(t, i, w, g, s):
        s["sum"] = s.get("sum", 0.0) + g * g
        return w - lr * g / (math.sqrt(s["sum"]) + eps)

    assert_same(run("adagrad"), by_hand(update))


def _adam(lr, b1, b2, eps, wd=0.0, decoupled=False):
    def update(t, i, w, g, s):
        if decoupled:
            w = w * (1 - lr * wd)
        elif wd:
            g = g + wd * w
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1**t)
        v_hat = s["v"] / (1 - b2**t)
        return w - lr * m_hat / (math.sqrt(v_hat) + eps)
    return update


def test_adam():
    assert_same(run("adam"), by_hand(_adam(1e-3, 0.9, 0.999, 1e-8)))


def test_adam_with_l2_weight_decay():
    assert_same(run("adam", lr=0.01, weight_decay=0.1), by_hand(_adam(0.01, 0.9, 0.999, 1e-8, wd=0.1)))


def test_adamw_decouples_weight_decay_default_0_01():
    assert_same(run("adamw", lr=0.01), by_hand(_adam(0.01, 0.9, 0.999, 1e-8, wd=0.01, decoupled=True)))


def test_torch_default_learning_rates():
    expected = {"sgd": 1e-3, "momentum": 1e-3, "rmsprop": 1e-2, "adagrad": 1e-2, "adam": 1e-3, "adamw": 1e-3}
    for name, lr in expected.items():
        assert OPTIMIZERS[name]([np.zeros(2)]).lr == lr


def test_learning_rate_change_applies_at_the_next_step():
    w = np.array([1.0])
    opt = OPTIMIZERS["sgd"]([w], lr=0.1)
    opt.step([np.array([1.0])])
    opt.lr = 0.5
    opt.step([np.array([1.0])])
    assert w[0] == pytest.approx(1.0 - 0.1 - 0.5)
    assert opt.lr == 0.5  # never overwritten by the optimizer


def test_adam_reads_betas_every_step():
    w = np.array([1.0])
    opt = OPTIMIZERS["adam"]([w], lr=0.1)
    opt.step([np.array([1.0])])
    opt.betas = (0.5, 0.999)
    opt.step([np.array([2.0])])
    assert opt.state["exp_avg"][0][0] == pytest.approx(0.5 * 0.1 + 0.5 * 2.0)


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(UnknownNameError) as err:
        OPTIMIZERS["adamm"]
    assert all(name in str(err.value) for name in OPTIMIZERS)


@pytest.mark.parametrize("name,torch_name,hyper", [
    ("sgd", "SGD", {"lr": 0.1}),
    ("momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", "RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("adagrad", "Adagrad", {"lr": 0.05}),
    ("adam", "Adam", {"lr": 0.01, "weight_decay": 0.05}),
    ("adamw", "AdamW", {"lr": 0.01}),
])
def test_against_pytorch(name, torch_name, hyper):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w = rng.normal(size=(4, 3))
    tw = torch.tensor(w.copy(), requires_grad=True)
    topt = getattr(torch.optim, torch_name)([tw], **hyper)
    opt = OPTIMIZERS[name]([w], **hyper)
    for _ in range(5):
        g = rng.normal(size=w.shape)
        tw.grad = torch.tensor(g.copy())
        topt.step()
        opt.step([g])
        np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adagrad", "adam", "adamw"])
def test_read_only_gradients_give_the_same_step_and_stay_unchanged(name):
    rng = np.random.default_rng(3)
    start = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    grads = [[rng.normal(size=(4, 3)), rng.normal(size=3)] for _ in range(3)]
    results = []
    for read_only in (False, True):
        params = [p.copy() for p in start]
        opt = OPTIMIZERS[name](params, lr=0.1, weight_decay=0.01)
        for step in grads:
            given = [g.copy() for g in step]
            for g in given:
                g.flags.writeable = not read_only
            opt.step(given)
            if read_only:
                assert all(np.array_equal(g, h) for g, h in zip(given, step))
        results.append(np.concatenate([p.ravel() for p in params]))
    assert results[0].tobytes() == results[1].tobytes()
