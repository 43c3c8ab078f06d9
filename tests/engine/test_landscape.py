"""landscape.cost_along and weight_slice against the plain way: set the weights, forward, cost."""

import numpy as np
import pytest

from tui_trainer.engine import LOSSES, MLP, landscape

CLASS_LOSSES = ["cross_entropy", "hinge", "mse", "mae", "huber"]
REGRESSION_LOSSES = ["mse", "mae", "huber"]


def setup(loss_name="cross_entropy", sizes=(3, 7, 6, 5, 4), activation="tanh", dtype="float64",
          n=40, regression=False, seed=0, dropout=0.0):
    model = MLP(sizes, activation=activation, seed=seed, dtype=dtype, dropout=dropout)
    rng = np.random.default_rng(seed)
    model.flat_params[...] += rng.normal(scale=0.1, size=model.n_parameters)  # biases not all zero
    X = rng.normal(size=(n, sizes[0]))
    if regression:
        y = rng.normal(size=(n, sizes[-1])) if sizes[-1] > 1 else rng.normal(size=n)
    else:
        y = rng.integers(0, max(sizes[-1], 2), size=n)
    return model, LOSSES[loss_name], X, y


def plain(model, loss, X, y, new_params):
    """Each cost the plain way, then the parameters put back."""
    kept = model.flat_params.copy()
    costs = []
    for params in new_params:
        model.flat_params[...] = params
        costs.append(loss.cost(model.forward(X, train=False), y))
    model.flat_params[...] = kept
    return np.array(costs)


def plain_along(model, loss, X, y, d, ts):
    p0 = model.flat_params.copy()
    return plain(model, loss, X, y, [p0 + t * d for t in ts])


def plain_slice(model, loss, X, y, index, values):
    p0 = model.flat_params.copy()
    moved = []
    for v in values:
        p = p0.copy()
        p[index] = v
        moved.append(p)
    return plain(model, loss, X, y, moved)


def layer_indices(model):
    """One weight and one bias of every layer, as flat indices (first, middle, last layers)."""
    out, start = [], 0
    for p in model.params:
        out.append(start + p.size // 2)
        start += p.size
    return out


def gradient(model, loss, X, y):
    out = model.forward(X, train=True, masks=[None] * (model.n_layers - 1))
    model.backward(loss.grad(out, y))
    return model.flat_grads.copy()


@pytest.mark.parametrize("regression,loss_name", [(False, n) for n in CLASS_LOSSES] +
                         [(True, n) for n in REGRESSION_LOSSES])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_weight_slice_gives_the_plain_costs_for_a_weight_of_every_layer(regression, loss_name, activation):
    model, loss, X, y = setup(loss_name, activation=activation, regression=regression)
    before = model.flat_params.tobytes()
    for index in layer_indices(model):
        w = model.flat_params[index]
        values = w + np.linspace(-3, 3, 41)
        ours = landscape.weight_slice(model, loss, X, y, index, values)
        assert model.flat_params.tobytes() == before
        np.testing.assert_allclose(ours, plain_slice(model, loss, X, y, index, values), rtol=1e-12, atol=0)
        assert ours.dtype == np.float64 and ours.shape == (41,)


@pytest.mark.parametrize("regression,loss_name", [(False, n) for n in CLASS_LOSSES] +
                         [(True, n) for n in REGRESSION_LOSSES])
def test_cost_along_gives_the_plain_costs(regression, loss_name):
    model, loss, X, y = setup(loss_name, activation="sigmoid", regression=regression)
    before = model.flat_params.tobytes()
    d = np.random.default_rng(1).normal(size=model.n_parameters)
    ts = np.linspace(-2, 2, 33)
    ours = landscape.cost_along(model, loss, X, y, d, ts)
    assert model.flat_params.tobytes() == before
    np.testing.assert_allclose(ours, plain_along(model, loss, X, y, d, ts), rtol=1e-12, atol=0)
    assert ours[16] == pytest.approx(loss.cost(model.forward(X), y), rel=1e-14)  # t = 0: the weights now


@pytest.mark.parametrize("sizes", [(3, 4), (3, 5, 2), (2, 64, 64, 3)], ids=["no hidden", "one hidden", "spiral"])
def test_shapes_from_no_hidden_layer_up(sizes):
    model, loss, X, y = setup(sizes=sizes, activation="relu", n=30)
    d = np.random.default_rng(2).normal(size=model.n_parameters)
    ts = [-1.0, 0.0, 0.5]
    np.testing.assert_allclose(landscape.cost_along(model, loss, X, y, d, ts), plain_along(model, loss, X, y, d, ts),
                               rtol=1e-12, atol=0)
    for index in layer_indices(model):
        values = [-1.0, 0.25, 2.0]
        np.testing.assert_allclose(landscape.weight_slice(model, loss, X, y, index, values),
                                   plain_slice(model, loss, X, y, index, values), rtol=1e-12, atol=0)


def test_small_chunks_give_the_same_costs(monkeypatch):
    model, loss, X, y = setup()
    d = np.random.default_rng(3).normal(size=model.n_parameters)
    values = np.linspace(-1, 1, 9)
    whole = [landscape.cost_along(model, loss, X, y, d, values),
             *(landscape.weight_slice(model, loss, X, y, i, values) for i in layer_indices(model))]
    for chunk_elements in (1, 500):  # a value a chunk; a few values a chunk, the last one short
        monkeypatch.setattr(landscape, "CHUNK_ELEMENTS", chunk_elements)
        chunked = [landscape.cost_along(model, loss, X, y, d, values),
                   *(landscape.weight_slice(model, loss, X, y, i, values) for i in layer_indices(model))]
        for a, b in zip(whole, chunked):
            np.testing.assert_allclose(a, b, rtol=1e-14, atol=0)


@pytest.mark.parametrize("regression,loss_name", [(False, n) for n in CLASS_LOSSES] +
                         [(True, n) for n in REGRESSION_LOSSES])
def test_the_slope_of_each_curve_is_the_gradient(regression, loss_name):
    model, loss, X, y = setup(loss_name, regression=regression, seed=4)
    g = gradient(model, loss, X, y)
    h = 1e-5
    for index in (int(np.argmax(np.abs(g))), *layer_indices(model)):
        if abs(g[index]) < 1e-3:  # a tiny gradient's relative error is rounding noise
            continue
        w = model.flat_params[index]
        minus, plus = landscape.weight_slice(model, loss, X, y, index, [w - h, w + h])
        assert (plus - minus) / (2 * h) == pytest.approx(g[index], rel=1e-6)
    d = np.random.default_rng(5).normal(size=model.n_parameters)
    minus, plus = landscape.cost_along(model, loss, X, y, d, [-h, h])
    assert (plus - minus) / (2 * h) == pytest.approx(g @ d, rel=1e-6)


def test_dropout_is_off_and_its_generator_untouched():
    model, loss, X, y = setup(dropout=0.5)
    state = model.dropout_rng.bit_generator.state
    index = layer_indices(model)[0]
    values = [0.0, 1.0]
    np.testing.assert_allclose(landscape.weight_slice(model, loss, X, y, index, values),
                               plain_slice(model, loss, X, y, index, values), rtol=1e-12)
    d = np.ones(model.n_parameters)
    np.testing.assert_allclose(landscape.cost_along(model, loss, X, y, d, values),
                               plain_along(model, loss, X, y, d, values), rtol=1e-12)
    assert model.dropout_rng.bit_generator.state == state


def test_float32_stays_float32_arithmetic():
    model, loss, X, y = setup(dtype="float32")
    index = layer_indices(model)[2]
    values = np.linspace(-1, 1, 5).astype(np.float32)
    np.testing.assert_allclose(landscape.weight_slice(model, loss, X, y, index, values),
                               plain_slice(model, loss, X, y, index, values), rtol=1e-5)
    d = np.random.default_rng(6).normal(size=model.n_parameters).astype(np.float32)
    np.testing.assert_allclose(landscape.cost_along(model, loss, X, y, d, values),
                               plain_along(model, loss, X, y, d, values), rtol=1e-5)


def test_far_values_give_inf_not_a_warning():
    model, loss, X, y = setup("mse", sizes=(3, 5, 4), activation="relu")
    with np.errstate(all="raise"):
        costs = landscape.weight_slice(model, loss, X, y, 0, [0.0, 1e200])
    assert np.isfinite(costs[0]) and not np.isfinite(costs[1])


def test_bad_arguments_say_which():
    model, loss, X, y = setup()
    n = model.n_parameters
    with pytest.raises(ValueError, match=rf"direction has shape \(3,\); .* \({n},\)"):
        landscape.cost_along(model, loss, X, y, np.zeros(3), [0.0])
    with pytest.raises(ValueError, match=r"direction\[2\] is nan"):
        landscape.cost_along(model, loss, X, y, np.r_[0, 0, np.nan, np.zeros(n - 3)], [0.0])
    with pytest.raises(ValueError, match=r"ts\[1\] is inf: every value of ts must be finite"):
        landscape.cost_along(model, loss, X, y, np.zeros(n), [0.0, np.inf])
    for bad in (-1, n, 1.5, True):
        with pytest.raises(ValueError, match=rf"weight index .* out of range; .*\[0, {n - 1}\]"):
            landscape.weight_slice(model, loss, X, y, bad, [0.0])
    with pytest.raises(ValueError, match=r"values\[0\] is nan"):
        landscape.weight_slice(model, loss, X, y, 0, [np.nan])
    with pytest.raises(ValueError, match=r"X has shape \(40, 2\); the model takes \(n, 3\)"):
        landscape.weight_slice(model, loss, X[:, :2], y, 0, [0.0])
    with pytest.raises(ValueError, match="X has 40 rows and y 39"):
        landscape.cost_along(model, loss, X, y[:-1], np.zeros(n), [0.0])


def test_no_values_give_no_costs():
    model, loss, X, y = setup()
    assert landscape.weight_slice(model, loss, X, y, 0, []).shape == (0,)
    assert landscape.cost_along(model, loss, X, y, np.zeros(model.n_parameters), []).shape == (0,)
