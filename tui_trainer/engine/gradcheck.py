"""Backprop's gradients against central finite differences."""

from __future__ import annotations

import numpy as np

from .losses import Loss
from .mlp import MLP

# Central differences with eps = 1e-5 carry ~1e-11 of rounding and truncation error: a
# difference below this is the method's noise (e.g. a gradient that is exactly zero).
NOISE_FLOOR = 1e-9


def numerical_gradients(model: MLP, loss: Loss, X: np.ndarray, y: np.ndarray, eps: float = 1e-5,
                        masks=None) -> list[np.ndarray]:
    """dCost/dparam by central differences, (C(w + eps) - C(w - eps)) / (2 eps), per element.
    With ``masks`` the same dropout masks are used in every evaluation."""
    train = masks is not None
    grads = []
    for p in model.params:
        g = np.zeros_like(p, dtype=np.float64)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            saved = flat[j]
            flat[j] = saved + eps
            plus = loss.cost(model.forward(X, train=train, masks=masks), y)
            flat[j] = saved - eps
            minus = loss.cost(model.forward(X, train=train, masks=masks), y)
            flat[j] = saved
            gflat[j] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def gradient_check(model: MLP, loss: Loss, X: np.ndarray, y: np.ndarray, eps: float = 1e-5,
                   with_dropout: bool = True) -> float:
    """The largest relative error ||a - n|| / (||a|| + ||n||) over the parameter arrays, where
    a is backprop's gradient and n the central difference (a norm per array, so that a tiny
    gradient element's rounding does not dominate; differences under ``NOISE_FLOOR`` count as 0). Dropout masks (if the model has
    dropout and ``with_dropout``) are drawn once and held fixed."""
    out = model.forward(X, train=True) if with_dropout else None
    masks = list(model.masks) if with_dropout and model.dropout > 0 else None
    if masks is None:
        out = model.forward(X, train=True, masks=[None] * (model.n_layers - 1))
    analytic = [g.copy() for g in model.backward(loss.grad(out, y))]
    numeric = numerical_gradients(model, loss, X, y, eps, masks if masks is not None else None)
    worst = 0.0
    for a, n in zip(analytic, numeric):
        diff = np.linalg.norm(a - n)
        if diff > NOISE_FLOOR:
            worst = max(worst, float(diff / (np.linalg.norm(a) + np.linalg.norm(n))))
    return worst
