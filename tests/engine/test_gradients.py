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
