"""Inverted dropout: unchanged expectation, off at evaluation, about p of the units dropped."""

import numpy as np
import pytest

from tui_trainer.engine import MLP


def hidden_activation(model, X, train):
    """The first hidden layer's output as the next layer sees it."""
    model.forward(X, train=train)
    return model._tape[1][0] if train else None  # the second layer's input


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_about_p_of_the_units_are_dropped_in_training(p):
    model = MLP([4, 200, 3], activation="relu", dropout=p, seed=0)
    X = np.random.default_rng(0).normal(size=(500, 4))
    model.forward(X, train=True)
    mask = model.masks[0]
    assert abs((mask == 0).mean() - p) < 0.01
    np.testing.assert_allclose(mask[mask != 0], 1 / (1 - p))


def test_expected_activation_is_unchanged():
    model = MLP([4, 50, 3], activation="sigmoid", dropout=0.5, seed=1)
    x = np.random.default_rng(1).normal(size=(1, 4))
    X = np.repeat(x, 20000, axis=0)
    clean = model.forward(x, train=False)  # sigmoid > 0, so the mean is informative
    trained = hidden_activation(model, X, train=True)
    model.dropout = 0.0
    reference = hidden_activation(model, x, train=True)
    assert np.allclose(trained.mean(axis=0), reference[0], rtol=0.05)
    assert clean.shape == (1, 3)


def test_nothing_is_dropped_at_evaluation():
    model = MLP([4, 30, 30, 3], activation="tanh", dropout=0.9, seed=2)
    X = np.random.default_rng(2).normal(size=(10, 4))
    a = model.forward(X, train=False)
    b = model.forward(X, train=False)
    np.testing.assert_array_equal(a, b)
    model.dropout = 0.0
    np.testing.assert_array_equal(model.forward(X, train=True), a)


def test_dropout_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"\[0, 0.9\]"):
        MLP([2, 3, 2], dropout=0.95)
