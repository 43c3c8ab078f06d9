"""The cost around the current weights: along a direction, and as one weight moves.

    costs = cost_along(model, loss, X, y, direction, ts)    # C(params + t * direction), each t
    costs = weight_slice(model, loss, X, y, index, values)  # C with flat_params[index] = each value

``direction`` and ``index`` refer to ``model.flat_params``. Both evaluate with dropout off, on
the rows given: to bound the time on a large set, pass a subsample (``X[rows], y[rows]``).
Neither writes to the model (nor draws from its dropout generator): its parameters stay as
they were, bit for bit.

The plain way, set the parameters, run the forward and take ``loss.cost``, once a value, gives
the same costs to rounding (measured: a few 1e-16 relative); these are cheaper
(benchmarks/bench_landscape.py):

- ``weight_slice``: moving weight (r, c) of layer k by (v - w) moves column c of z_k by
  (v - w) * a_{k-1}[:, r] and nothing else, so the layers before k run once, layer k+1's
  pre-activation changes by a rank-one term, (h_v - h)[:, c] x W_{k+1}[c, :], and only the
  layers after k+1 run in full, for all the values at once as one tall product.
- ``cost_along``: every weight moves, so each value needs a whole forward; they run as
  stacked products, several values a call, in about the plain loop's time (measured 1.0-1.1x:
  the products are the cost, and there is no fewer of them to do).

Measured, 60 values, one thread: weight_slice 2.7-10x the plain loop on the spiral's 75 rows,
6-33x on the digits overfit preset's 180 rows, 2-8x on 100,000 rows (0.5-1.7 s a call there:
pass a few thousand rows for a live view). The earlier the weight's layer, the less it saves.

Values go in chunks that hold about ``CHUNK_ELEMENTS`` numbers of activations at once, so a
100,000-row set costs memory for one value at a time, not for all of them. The products run on
one BLAS thread: these calls come from the dashboard while the trainer's process keeps a core
busy, and two threads beside a busy core run several times slower (engine/threads.py).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .losses import Loss
from .mlp import MLP
from .threads import blas_threads

# numbers of activations (and of weights, along a direction) held at once: 2 MB of float64,
# about a core's L2 (measured on the spiral and digits sets: 1 << 21 was 1.3-1.8x slower)
CHUNK_ELEMENTS = 1 << 18


def cost_along(model: MLP, loss: Loss, X: np.ndarray, y: np.ndarray, direction: np.ndarray,
               ts: Sequence[float]) -> np.ndarray:
    """The cost C(params + t * direction) for each t, dropout off.

    Parameters
    ----------
    model : MLP
    loss : Loss
    X : ndarray of shape (n, n_features)
    y : ndarray of shape (n,) or (n, k)
        Class labels or regression targets, as the loss takes them.
    direction : ndarray of shape (model.n_parameters,)
        A direction in ``model.flat_params``' order, e.g. minus the gradient, or a step's delta.
    ts : sequence of float
        Finite multiples of ``direction``; 0 is the current weights.

    Returns
    -------
    costs : ndarray of shape (len(ts),), float64
        Inf or nan where the cost overflows far from the weights.
    """
    X, y = _check_data(model, X, y)
    d = np.asarray(direction)
    if d.shape != (model.n_parameters,):
        raise ValueError(f"direction has shape {d.shape}; it must have one value per parameter: "
                         f"({model.n_parameters},), in model.flat_params' order")
    _check_finite(d, "direction")
    ts = _check_finite(ts, "ts")
    # each t's weights as the plain way computes them, p + t * d in the model's dtype
    d = d.astype(model.dtype, copy=False)
    steps = ts.astype(model.dtype)
    parts = [d[start:start + p.size].reshape(p.shape) for start, p in zip(_starts(model), model.params)]
    costs = np.empty(len(ts))
    chunk = _chunk(len(ts), model.n_parameters + len(X) * sum(model.sizes[1:]))
    # buffers for a chunk, reused by the next: a fresh large temporary costs page faults
    # (measured: 2.2 ms against 0.2 for a (51, 75, 64) product written into a kept buffer)
    moved = [np.empty((chunk, *p.shape), model.dtype) for p in model.params]
    zs = [np.empty((chunk, len(X), width), model.dtype) for width in model.sizes[1:]]
    last = model.n_layers - 1
    with _quiet(), blas_threads(1):
        for lo in range(0, len(ts), chunk):
            t = steps[lo:lo + chunk]
            a = X
            for i in range(model.n_layers):
                W, b = (_moved(model.params[j], parts[j], t, moved[j]) for j in (2 * i, 2 * i + 1))
                z = np.matmul(a, W, out=zs[i][:len(t)])  # (T, n, fan_out): a stack of products
                z += b[:, None, :]
                a = z if i == last else model.activation.forward(z)
            costs[lo:lo + chunk] = _costs(loss, a, y)
    return costs


def weight_slice(model: MLP, loss: Loss, X: np.ndarray, y: np.ndarray, index: int,
                 values: Sequence[float]) -> np.ndarray:
    """The cost with weight ``index`` of ``model.flat_params`` set to each of ``values``, every
    other parameter as it is, dropout off.

    Parameters
    ----------
    model : MLP
    loss : Loss
    X : ndarray of shape (n, n_features)
    y : ndarray of shape (n,) or (n, k)
    index : int
        In [0, model.n_parameters): a weight or a bias, in ``flat_params``' order.
    values : sequence of float
        Finite values for that parameter (its current value gives the current cost).

    Returns
    -------
    costs : ndarray of shape (len(values),), float64
    """
    X, y = _check_data(model, X, y)
    n_params = model.n_parameters
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n_params:
        raise ValueError(f"weight index {index!r} is out of range; it must be a whole number in "
                         f"[0, {n_params - 1}] (the model has {n_params} parameters)")
    values = _check_finite(values, "values")
    p, offset = _locate(model, int(index))
    k, is_bias = p // 2, p % 2 == 1
    fan_out = model.sizes[k + 1]
    row, col = (None, offset) if is_bias else divmod(offset, fan_out)
    last = model.n_layers - 1
    act = model.activation.forward
    costs = np.empty(len(values))
    with _quiet(), blas_threads(1):
        a = X
        for i in range(k):  # the layers before k, once
            a = act(a @ model.params[2 * i] + model.params[2 * i + 1])
        z = a @ model.params[2 * k] + model.params[2 * k + 1]
        w = model.params[p].reshape(-1)[offset]
        # the column a value moves, and by how much per unit of (v - w)
        along = np.ones(len(X), model.dtype) if is_bias else np.ascontiguousarray(a[:, row])
        shifts = values.astype(model.dtype) - w
        if k < last:
            h = act(z.copy())
            z_next = h @ model.params[2 * k + 2] + model.params[2 * k + 3]
            w_next = model.params[2 * k + 2][col]
        chunk = _chunk(len(values), len(X) * (1 + sum(model.sizes[k + 1:])))
        columns = np.empty((chunk, len(X)), model.dtype)
        # the outputs of layer k + 1 and after (of layer k itself if it is the last)
        widths = model.sizes[k + 2:] if k < last else model.sizes[-1:]
        outs = [np.empty((chunk, len(X), width), model.dtype) for width in widths]
        for lo in range(0, len(values), chunk):
            s = shifts[lo:lo + chunk]
            T = len(s)
            column = np.multiply(s[:, None], along, out=columns[:T])
            column += z[None, :, col]  # (T, n): z_k[:, col] at each value
            out = outs[0][:T]
            if k == last:
                out[...] = z
                out[:, :, col] = column
            else:
                act(column)
                column -= h[None, :, col]  # how the one hidden unit's output moves
                np.multiply(column[:, :, None], w_next, out=out)
                out += z_next  # (T, n, width of layer k+1)
                for i in range(k + 1, model.n_layers):
                    if i > k + 1:  # the layers after k+1 run in full, all values as one tall product
                        tall = outs[i - k - 1][:T].reshape(T * len(X), -1)
                        np.matmul(out.reshape(T * len(X), -1), model.params[2 * i], out=tall)
                        tall += model.params[2 * i + 1]
                        out = outs[i - k - 1][:T]
                    if i < last:
                        act(out)
            costs[lo:lo + chunk] = _costs(loss, out, y)
    return costs


def _costs(loss: Loss, out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """loss.cost of each of a stack of outputs (T, n, n_outputs), as one call of per_example
    (each example's loss depends on its own row only)."""
    T, n = out.shape[:2]
    flat = out.reshape(T * n, out.shape[2])
    tiled = np.broadcast_to(y, (T, *y.shape)).reshape(T * n, *y.shape[1:])
    return loss.per_example(flat, tiled).reshape(T, n).mean(axis=1)


def _chunk(n_values: int, per_value: int) -> int:
    """Values a chunk: as many as fit in CHUNK_ELEMENTS, at least 1, at most all."""
    return max(1, min(n_values, CHUNK_ELEMENTS // per_value))


def _moved(p: np.ndarray, d: np.ndarray, t: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """p + t * d for each t, stacked in ``buffer``: shape (T, *p.shape)."""
    moved = np.multiply(t.reshape(-1, *([1] * p.ndim)), d, out=buffer[:len(t)])
    moved += p
    return moved


def _starts(model: MLP) -> list[int]:
    return list(np.cumsum([0] + [p.size for p in model.params[:-1]]))


def _locate(model: MLP, index: int) -> tuple[int, int]:
    """(parameter array, flat offset in it) of a flat parameter index."""
    for p, start in enumerate(_starts(model)):
        if index < start + model.params[p].size:
            return p, index - start
    raise AssertionError("index checked before")


def _check_data(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=model.dtype), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != model.sizes[0]:
        raise ValueError(f"X has shape {X.shape}; the model takes (n, {model.sizes[0]})")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows and y {len(y)}: give one target per row")
    return X, y


def _check_finite(values, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim > 1:
        raise ValueError(f"{what} must be a flat sequence of numbers, not of shape {array.shape}")
    array = array.reshape(-1)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{what}[{bad[0]}] is {array[bad[0]]}: every value of {what} must be finite")
    return array


def _quiet():
    # far from the weights a cost may overflow: it comes back inf, a value to plot, not a warning
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
