"""Scores shown beside the cost: accuracy for classification, R^2 for regression."""

from __future__ import annotations

import numpy as np


def accuracy(out: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose highest output is the true class."""
    if out.shape[1] == 1:
        predicted = (out[:, 0] > 0).astype(y.dtype)
    elif out.shape[1] <= 16:  # column by column: numpy's argmax over short rows is slow
        predicted = np.zeros(len(out), dtype=np.intp)
        best = out[:, 0].copy()
        for j in range(1, out.shape[1]):
            better = out[:, j] > best  # strict: the first of equal scores wins, as argmax
            predicted[better] = j
            best[better] = out[better, j]
    else:
        predicted = out.argmax(axis=1)
    return float(np.mean(predicted == y))


def r2(out: np.ndarray, y: np.ndarray) -> float:
    """Coefficient of determination, averaged over outputs (sklearn's r2_score)."""
    y = y.reshape(out.shape)
    ss_res = ((y - out) ** 2).sum(axis=0)
    ss_tot = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(ss_tot > 0, 1 - ss_res / ss_tot, 0.0)
    return float(score.mean())


METRICS = {"classification": ("accuracy", accuracy), "regression": ("r2", r2)}
