"""Backprop against central finite differences, for every loss x activation."""

import numpy as np
import pytest

from tui_trainer.engine import ACTIVATIONS, LOSSES, MLP, gradient_check, numerical_gradients

CLASS_LOSSES = ["cross_entropy", "hinge", "mse", "mae", "huber"]
REGRESSION_LOSSES = ["mse", "mae", "huber"]


def _data(n_outputs, regression, seed=1, n=7, n_features=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    if regression:
        y = rng.normal(scale=2.0, size=(n, n_outputs)) if n_outputs > 1 else rng.normal(scale=2.0, size=n)
    else:
        y = rng.integers(0, max(n_outputs, 2), size=n)
    return X, y


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", CLASS_LOSSES)
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_classification_gradients(activation, loss_name, dropout):
    # Wide enough that no example has every unit dropped: all-zero logits tie, and a tie is
    # a kink of the hinge, where a finite difference is no gradient.
    model = MLP([3, 8, 8, 3], activation=activation, dropout=dropout, seed=3)
    X, y = _data(3, regression=False)
    assert gradient_check(model, LOSSES[loss_name], X, y) < 1e-6


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", REGRESSION_LOSSES)
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_regression_gradients(activation, loss_name, n_outputs, dropout):
    model = MLP([3, 6, n_outputs], activation=activation, dropout=dropout, seed=4)
    X, y = _data(n_outputs, regression=True)
    assert gradient_check(model, LOSSES[loss_name], X, y) < 1e-6


@pytest.mark.parametrize("loss_name", ["cross_entropy", "hinge"])
def test_single_logit_binary_gradients(loss_name):
    model = MLP([3, 5, 1], activation="tanh", seed=5)
    X, y = _data(1, regression=False)
    assert set(np.unique(y)) <= {0, 1}
    assert gradient_check(model, LOSSES[loss_name], X, y) < 1e-6


def test_gradient_check_catches_a_wrong_gradient():
    """The check itself must be able to fail: break tanh's derivative and it must notice."""
    model = MLP([3, 5, 3], activation="tanh", seed=6)
    X, y = _data(3, regression=False)
    loss = LOSSES["cross_entropy"]
    out = model.forward(X, train=True)
    analytic = [g.copy() for g in model.backward(loss.grad(out, y))]
    analytic[0] *= 1.01
    numeric = numerical_gradients(model, loss, X, y)
    err = np.linalg.norm(analytic[0] - numeric[0]) / (np.linalg.norm(analytic[0]) + np.linalg.norm(numeric[0]))
    assert err > 1e-3


def test_dropout_mask_is_held_fixed_in_the_check():
    model = MLP([3, 8, 3], activation="relu", dropout=0.5, seed=7)
    X, y = _data(3, regression=False)
    model.forward(X, train=True)
    masks = list(model.masks)
    assert masks[0] is not None and (masks[0] == 0).any()
    out1 = model.forward(X, train=True, masks=masks)
    out2 = model.forward(X, train=True, masks=masks)
    np.testing.assert_array_equal(out1, out2)


# -- backward after an evaluation forward ---------------------------------------------------------
def relative_error(analytic, numeric):
    """As gradient_check: the largest ||a - n|| / (||a|| + ||n||) over the arrays."""
    worst = 0.0
    for a, n in zip(analytic, numeric):
        diff = np.linalg.norm(a - n)
        if diff > 1e-9:
            worst = max(worst, float(diff / (np.linalg.norm(a) + np.linalg.norm(n))))
    return worst


def eval_gradients(model, loss, X, y):
    out = model.forward(X, train=False)
    return [g.copy() for g in model.backward(loss.grad(out, y))]


EVAL_CASES = ([("classification", name, 3) for name in CLASS_LOSSES]
              + [("regression", name, k) for name in REGRESSION_LOSSES for k in (1, 2)])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("task,loss_name,n_outputs", EVAL_CASES)
def test_gradients_after_an_evaluation_forward(activation, task, loss_name, n_outputs):
    # a dropout ratio is set: after forward(X, train=False) it must play no part
    sizes = [3, 8, 8, n_outputs]
    model = MLP(sizes, activation=activation, dropout=0.5, seed=3)
    X, y = _data(n_outputs, regression=task == "regression")
    loss = LOSSES[loss_name]
    rng_before = model.dropout_rng.bit_generator.state
    analytic = eval_gradients(model, loss, X, y)
    assert model.dropout_rng.bit_generator.state == rng_before  # no mask was drawn
    numeric = numerical_gradients(model, loss, X, y)  # evaluation forwards: no dropout
    assert relative_error(analytic, numeric) < 1e-6
    undropped = MLP(sizes, activation=activation, dropout=0.0, seed=3)
    for a, b in zip(analytic, eval_gradients(undropped, loss, X, y)):
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_an_evaluation_backward_is_the_training_one_without_dropout(activation):
    model = MLP([3, 16, 16, 3], activation=activation, seed=8)
    X, y = _data(3, regression=False, n=40)
    loss = LOSSES["cross_entropy"]
    out = model.forward(X, train=True)
    trained = [g.copy() for g in model.backward(loss.grad(out, y))]
    for a, b in zip(eval_gradients(model, loss, X, y), trained):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-16)


def test_backward_follows_the_last_forward():
    model = MLP([3, 8, 3], activation="tanh", dropout=0.5, seed=9)
    loss = LOSSES["mse"]
    X1, y1 = _data(3, regression=False, seed=1, n=7)
    X2, y2 = _data(3, regression=False, seed=2, n=5)
    model.forward(X1, train=True)
    second = eval_gradients(model, loss, X2, y2)  # replaces the training forward's record
    numeric = numerical_gradients(model, loss, X2, y2)
    assert relative_error(second, numeric) < 1e-6
    with pytest.raises(ValueError, match="dout has 7 rows; the last forward had 5"):
        model.backward(np.zeros((7, 3)))


def test_backward_before_any_forward_says_so():
    with pytest.raises(RuntimeError, match="forward"):
        MLP([3, 4, 2]).backward(np.zeros((1, 2)))


def test_an_evaluation_backward_leaves_the_training_buffers_alone():
    model = MLP([3, 8, 8, 3], activation="relu", dropout=0.2, seed=10)
    loss = LOSSES["cross_entropy"]
    X, y = _data(3, regression=False, n=60)
    out = model.forward(X[:32], train=True)
    model.backward(loss.grad(out, y[:32]))
    buffers = {n: [id(a) for a in (*w.z, *w.mask, *w.dropped, *w.delta[1:], w.ones)]
               for n, w in model._workspaces.items()}
    for n in range(1, 9):  # more sizes than the workspaces hold (4) before they are cleared
        eval_gradients(model, loss, X[:n], y[:n])
    assert {n: [id(a) for a in (*w.z, *w.mask, *w.dropped, *w.delta[1:], w.ones)]
            for n, w in model._workspaces.items()} == buffers


def test_an_evaluation_forward_keeps_only_its_own_activations():
    import tracemalloc

    model = MLP([4, 400, 400, 2], activation="tanh", seed=11)
    X = np.random.default_rng(0).normal(size=(1000, 4))
    one_forward = 2 * 1000 * 400 * 8  # the two hidden activations, float64
    tracemalloc.start()
    try:
        outs = [model.forward(X, train=False) for _ in range(5)]
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    outputs = sum(out.nbytes for out in outs)
    # five forwards keep one set of activations (the last's), and each freed the set before
    # it made its own: two sets alive at once would be a peak of 2 x one_forward
    assert one_forward <= kept - outputs < 1.05 * one_forward
    assert peak - outputs < 1.3 * one_forward
