from types import SimpleNamespace

import numpy as np
import pytest


def make_split(task="classification", n=120, n_features=2, n_classes=3, k=1, seed=0):
    """A small, learnable data split built here, independent of tui_trainer.data."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    if task == "classification":
        y = (np.digitize(X[:, 0] + 0.5 * X[:, 1], np.linspace(-1, 1, n_classes - 1))).astype(np.int64)
    else:
        y = np.sin(X[:, :k].sum(axis=1, keepdims=True) + np.arange(k)) + 0.1 * rng.normal(size=(n, k))
        y = y[:, 0] if k == 1 else y
    cut = int(0.7 * n)
    return SimpleNamespace(task=task, X_train=X[:cut], y_train=y[:cut], X_test=X[cut:], y_test=y[cut:])


@pytest.fixture
def spiral_like():
    return make_split()


@pytest.fixture
def make_regression():
    return make_split("regression")
