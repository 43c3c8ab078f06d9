"""Losses: the error on one example; the cost is their mean over the examples.

Each loss gives ``per_example(out, y) -> (n,)``, ``cost(out, y) -> float`` (the mean of
``per_example``) and ``grad(out, y)`` (dCost/dout, the shape of ``out``), with the
definitions of PyTorch's loss modules at ``reduction="mean"``.

``out`` is the network's output of shape (n, n_outputs): raw values or logits. ``y`` is an
integer class vector of shape (n,) for classification, or a float array of shape (n,) or
(n, k) for regression. MSE, MAE and Huber train a classifier on one-hot targets.
"""

from __future__ import annotations

import functools

import numpy as np

from .registry import Registry

CLASSIFICATION = "classification"
REGRESSION = "regression"


def targets_like(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The target array with the shape of ``out``: one-hot for class labels."""
    if y.ndim == 1 and y.dtype.kind in "iu" and out.shape[1] > 1:
        onehot = np.zeros_like(out)
        onehot[np.arange(len(y)), y] = 1
        return onehot
    return y.reshape(out.shape).astype(out.dtype, copy=False)


def _labels(y: np.ndarray) -> np.ndarray:
    if y.dtype.kind not in "iu":
        raise ValueError("this loss needs integer class labels y of shape (n,)")
    return y.reshape(-1)


class Loss:
    """A loss with its gradient. Subclasses define ``_elementwise``/``_elementwise_grad``
    on ``d = out - target`` or override the three public methods."""

    name: str = ""
    formula: str = ""
    tasks: tuple[str, ...] = (CLASSIFICATION, REGRESSION)
    why_not: str = ""  # said when the loss is refused for a task

    def per_example(self, out: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Loss of each example, shape (n,)."""
        d = out - targets_like(out, y)
        return _row_reduce(np.add, self._elementwise(d))[:, 0] / d.shape[1]

    def cost(self, out: np.ndarray, y: np.ndarray) -> float:
        """The mean loss over the examples."""
        return float(self.per_example(out, y).mean())

    def grad(self, out: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dCost/dout, the shape of ``out``."""
        d = out - targets_like(out, y)
        g = self._elementwise_grad(d)
        g *= 1.0 / d.size
        return g

    def check_task(self, task: str) -> None:
        """Raise ValueError (one line, saying why) if this loss cannot train ``task``."""
        if task not in self.tasks:
            raise ValueError(f"{self.name} cannot train a {task} task: {self.why_not}")

    def _elementwise(self, d: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _elementwise_grad(self, d: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


class MSE(Loss):
    """torch.nn.MSELoss: mean of (out - t)^2 over all output elements (no 1/2)."""

    name = "mse"
    formula = "mean (y_hat - y)^2"

    def _elementwise(self, d):
        return d * d

    def _elementwise_grad(self, d):
        d *= 2
        return d


class MAE(Loss):
    """torch.nn.L1Loss: mean |out - t|; gradient 0 where the error is 0."""

    name = "mae"
    formula = "mean |y_hat - y|"

    def _elementwise(self, d):
        return np.abs(d)

    def _elementwise_grad(self, d):
        return np.sign(d)


class Huber(Loss):
    """torch.nn.HuberLoss(delta=1): 0.5 d^2 where |d| < 1, else |d| - 0.5."""

    name = "huber"
    formula = "mean 0.5 d^2 if |d| < 1 else |d| - 0.5   (d = y_hat - y)"
    delta = 1.0

    def _elementwise(self, d):
        a = np.abs(d)
        return np.where(a < self.delta, 0.5 * d * d, self.delta * (a - 0.5 * self.delta))

    def _elementwise_grad(self, d):
        return np.clip(d, -self.delta, self.delta, out=d)


def _row_reduce(ufunc: np.ufunc, a: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(a, axis=1, keepdims=True)``, column by column for many rows of a few
    columns: numpy reduces short rows one row at a time (measured: a (2000, 3) max takes 77 us
    so and 8 us by columns; a (128, 10) one 7 us so and 11 us by columns)."""
    if a.shape[1] > 16 or a.shape[0] < 40 * a.shape[1]:
        return ufunc.reduce(a, axis=1, keepdims=True)
    acc = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        ufunc(acc, a[:, j], out=acc)
    return acc[:, None]


@functools.lru_cache(maxsize=8)
def _row_starts(n: int, k: int) -> np.ndarray:
    """The flat index of the first element of each row of an (n, k) array (read-only)."""
    starts = np.arange(0, n * k, k)
    starts.flags.writeable = False
    return starts


def _log_softmax(out: np.ndarray) -> np.ndarray:
    shifted = out - _row_reduce(np.maximum, out)
    shifted -= np.log(_row_reduce(np.add, np.exp(shifted)))
    return shifted


class CrossEntropy(Loss):
    """Softmax cross-entropy on K >= 2 logits (torch.nn.CrossEntropyLoss), or binary
    cross-entropy on one logit (torch.nn.BCEWithLogitsLoss); finite for any finite logits."""

    name = "cross_entropy"
    formula = "-log softmax(z)_y   (one logit: -[y log s(z) + (1-y) log(1-s(z))])"
    tasks = (CLASSIFICATION,)
    why_not = (
        "it compares predicted class probabilities with class labels, and a regression "
        "target is a real number; use mse, mae or huber"
    )

    def per_example(self, out, y):
        labels = _labels(y)
        if out.shape[1] == 1:
            z = out[:, 0]
            t = labels.astype(out.dtype)
            # max(z, 0) - z t + log(1 + e^-|z|): no overflow for |z| large
            return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
        return -_log_softmax(out)[np.arange(len(labels)), labels]

    def grad(self, out, y):
        labels = _labels(y)
        n = len(labels)
        if out.shape[1] == 1:
            z = out[:, 0]
            with np.errstate(over="ignore"):
                s = 1 / (1 + np.exp(-z))
            return ((s - labels) / n).reshape(out.shape).astype(out.dtype, copy=False)
        g = out - _row_reduce(np.maximum, out)
        np.exp(g, out=g)
        g *= (1.0 / n) / _row_reduce(np.add, g)  # softmax / n
        # minus 1/n at each example's class, through flat indices (a third of the time of
        # g[arange(n), labels] -= 1/n on 2,000 examples)
        flat = g.reshape(-1)
        flat[_row_starts(n, g.shape[1]) + labels] -= 1.0 / n
        return g


class Hinge(Loss):
    """Binary hinge on one output, targets mapped to -1/+1: max(0, 1 - t f);
    multi-class Crammer-Singer: max(0, 1 + max_{j != y} f_j - f_y)."""

    name = "hinge"
    formula = "max(0, 1 + max_{j != y} z_j - z_y)   (one output: max(0, 1 - t z), t = +-1)"
    tasks = (CLASSIFICATION,)
    why_not = (
        "it asks the true class's score to beat the others by a margin, and a regression "
        "target has no classes; use mse, mae or huber"
    )

    @staticmethod
    def _margins(out, labels):
        n = len(labels)
        rows = np.arange(n)
        true_score = out[rows, labels]
        others = out.copy()
        others[rows, labels] = -np.inf
        rival = others.argmax(axis=1)
        return rows, rival, 1 + out[rows, rival] - true_score

    def per_example(self, out, y):
        labels = _labels(y)
        if out.shape[1] == 1:
            t = 2.0 * labels - 1
            return np.maximum(0, 1 - t * out[:, 0])
        _, _, margin = self._margins(out, labels)
        return np.maximum(margin, 0)

    def grad(self, out, y):
        labels = _labels(y)
        n = len(labels)
        g = np.zeros_like(out)
        if out.shape[1] == 1:
            t = 2.0 * labels - 1
            g[:, 0] = np.where(1 - t * out[:, 0] > 0, -t / n, 0)
            return g
        rows, rival, margin = self._margins(out, labels)
        active = margin > 0
        g[rows[active], rival[active]] += 1.0 / n
        g[rows[active], labels[active]] -= 1.0 / n
        return g


LOSSES: Registry[Loss] = Registry(
    "loss",
    {loss.name: loss for loss in (MSE(), MAE(), CrossEntropy(), Hinge(), Huber())},
)
