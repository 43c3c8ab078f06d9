"""The multilayer perceptron: dense layers, one hidden activation, a linear output layer."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .activations import ACTIVATIONS

MAX_DROPOUT = 0.9
DTYPES = ("float64", "float32")


def check_dropout(p: float) -> float:
    p = float(p)
    if not 0.0 <= p <= MAX_DROPOUT:
        raise ValueError(f"dropout {p} is out of range; it must be in [0, {MAX_DROPOUT}]")
    return p


class MLP:
    """A multilayer perceptron.

    Parameters
    ----------
    sizes : sequence of int
        Widths of every layer, input first, output last: ``[2, 16, 16, 3]``.
    activation : str
        The hidden activation, a key of ``ACTIVATIONS``. The output layer is linear.
    dropout : float
        Inverted-dropout ratio in [0, 0.9] after each hidden activation, in training only.
        A plain attribute: change it between any two steps.
    seed : int or numpy.random.SeedSequence
        Seeds the weights and the dropout masks.
    dtype : "float64" or "float32"

    Attributes
    ----------
    params : list of ndarray
        The live parameters ``[W1, b1, W2, b2, ...]``; ``W`` of shape (fan_in, fan_out),
        ``b`` of shape (fan_out,). Optimizers update these arrays in place. They are views
        of one flat vector, ``flat_params``, in that order (the gradients likewise), so an
        optimizer can update every parameter with a handful of vectorised operations.
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0,
                 seed: int | np.random.SeedSequence = 0, dtype: str | np.dtype = "float64"):
        self.sizes = [int(s) for s in sizes]
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"layer sizes {list(sizes)} must be at least two positive widths")
        self.activation = ACTIVATIONS[activation]
        self.dtype = np.dtype(dtype)
        if self.dtype.name not in DTYPES:
            raise ValueError(f"dtype {self.dtype.name!r} is not supported; choose one of: {', '.join(DTYPES)}")
        self.dropout = check_dropout(dropout)
        seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        init_seq, dropout_seq = seq.spawn(2)
        self.init_rng = np.random.default_rng(init_seq)
        self.dropout_rng = np.random.default_rng(dropout_seq)
        shapes = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            shapes += [(fan_in, fan_out), (fan_out,)]
        self.flat_params = np.zeros(sum(int(np.prod(s)) for s in shapes), dtype=self.dtype)
        self.flat_grads = np.zeros_like(self.flat_params)
        self.params = _views(self.flat_params, shapes)
        self._grads = _views(self.flat_grads, shapes)
        self.reset_parameters()
        # what backward needs of the last forward: per layer (its input, its activation, its
        # dropout mask), and the training workspace it used (None for an evaluation forward)
        self._tape: list[tuple[np.ndarray, np.ndarray | None, np.ndarray | None]] | None = None
        self._tape_work: _Workspace | None = None
        self._workspaces: dict[int, _Workspace] = {}
        self.masks: list[np.ndarray | None] = []

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def n_parameters(self) -> int:
        return sum(p.size for p in self.params)

    def reset_parameters(self) -> None:
        """New weights from the init generator: He for the ReLU family, Glorot for the
        others (both uniform, as torch.nn.init's *_uniform_); biases zero. The arrays
        already in ``params`` are overwritten in place, so optimizers keep pointing at them."""
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            if self.activation.init == "he":
                limit = np.sqrt(6.0 / fan_in)
            else:
                limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.params[2 * i][...] = self.init_rng.uniform(-limit, limit, size=(fan_in, fan_out))
            self.params[2 * i + 1][...] = 0

    def forward(self, X: np.ndarray, train: bool = False,
                masks: Sequence[np.ndarray | None] | None = None) -> np.ndarray:
        """Outputs (raw values or logits) of shape (n, n_outputs) for ``X`` of shape (n, n_features).

        ``train=True`` applies dropout (drawing fresh masks, or using ``masks`` if given:
        one per hidden layer, already scaled by 1/(1-p)); ``masks`` then holds the masks used,
        in buffers the next training forward reuses. ``train=False`` applies no dropout.

        Either way the forward keeps what ``backward`` needs, until the next forward: each
        layer's input (``X`` itself for the first: do not change it before ``backward``) and
        each hidden activation. A training forward keeps them in buffers kept per batch size;
        an evaluation forward keeps its own arrays, no copies, and lets the previous forward's
        go first.
        """
        self._tape = None  # the last forward's activations are freed before this one's are made
        a = np.asarray(X, dtype=self.dtype)
        # A training step writes into buffers kept per batch size: fresh temporaries of a
        # wide layer cost page faults at every step (measured: a third of a 784-256 step).
        work = self._workspace(len(a)) if train else None
        tape: list[tuple[np.ndarray, np.ndarray | None, np.ndarray | None]] = []
        used_masks: list[np.ndarray | None] = []
        last = self.n_layers - 1
        for i in range(self.n_layers):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            z = np.matmul(a, W, out=work.z[i]) if work is not None else a @ W
            z += b
            if i == last:
                tape.append((a, None, None))  # not the output: the caller's to keep or drop
                a = z.copy() if work is not None else z
                break
            h = self.activation.forward(z)
            mask = None
            if train:
                mask = masks[i] if masks is not None else self._draw_mask(work.mask[i])
            tape.append((a, h, mask))
            used_masks.append(mask)
            a = np.multiply(h, mask, out=work.dropped[i]) if mask is not None else h
        self._tape, self._tape_work = tape, work
        if train:
            self.masks = used_masks
        return a

    def _draw_mask(self, buffer: np.ndarray) -> np.ndarray | None:
        """Fill ``buffer`` with a fresh mask: 0 for a dropped unit, 1/(1-p) for a kept one."""
        p = self.dropout
        if p == 0.0:
            return None
        self.dropout_rng.random(buffer.shape, dtype=self.dtype, out=buffer)
        np.greater_equal(buffer, p, out=buffer, casting="unsafe")  # 1.0 where kept
        buffer *= 1.0 / (1.0 - p)  # inverted dropout: the expected activation is unchanged
        return buffer

    def _workspace(self, n: int) -> "_Workspace":
        work = self._workspaces.get(n)
        if work is None:
            if len(self._workspaces) >= 4:  # e.g. the batch size and the last short batch
                self._workspaces.clear()
            work = self._workspaces[n] = _Workspace(n, self.sizes, self.dtype)
        return work

    def backward(self, dout: np.ndarray) -> list[np.ndarray]:
        """Gradients dC/dparam, in the order and shapes of ``params``, from dC/dout of shape
        (n, n_outputs), through the last forward: with its dropout masks after
        ``forward(X, train=True)``, with dropout off after ``forward(X, train=False)`` (as
        PyTorch's gradients in eval mode).

        The returned arrays are reused by the next call: copy them to keep them. After an
        evaluation forward the temporaries are its own: the training buffers are not touched.
        """
        tape, work = self._tape, self._tape_work
        if tape is None:
            raise RuntimeError("backward needs a forward(X) first")
        delta = np.asarray(dout, dtype=self.dtype)
        if len(delta) != len(tape[0][0]):
            raise ValueError(f"dout has {len(delta)} rows; the last forward had {len(tape[0][0])}")
        grads = self._grads
        ones = work.ones if work is not None else np.ones(len(delta), self.dtype)
        for i in range(self.n_layers - 1, -1, -1):
            np.matmul(tape[i][0].T, delta, out=grads[2 * i])
            # the bias gradient, the column sums of delta, as a matrix-vector product: numpy's
            # sum over axis 0 goes a row at a time (measured: 9 us against 5 for 128 x 128)
            np.matmul(ones, delta, out=grads[2 * i + 1])
            if i == 0:
                break
            delta = np.matmul(delta, self.params[2 * i].T, out=work.delta[i] if work is not None else None)
            _, h, mask = tape[i - 1]
            if mask is not None:
                delta *= mask
            self.activation.backward(h, delta)
        return grads

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs with dropout off: the same as ``forward(X, train=False)``."""
        return self.forward(X, train=False)

    def __repr__(self) -> str:
        return (f"MLP({self.sizes}, activation={self.activation.name!r}, "
                f"dropout={self.dropout}, dtype={self.dtype.name!r})")


class _Workspace:
    """Buffers for a training step on ``n`` examples: each layer's pre-activation ``z``, the
    hidden layers' dropout ``mask`` and masked output ``dropped``, and the back-propagated
    ``delta`` into each layer but the first; a vector of ``ones`` to sum columns with."""

    def __init__(self, n: int, sizes: Sequence[int], dtype: np.dtype):
        self.z = [np.empty((n, width), dtype) for width in sizes[1:]]
        self.mask = [np.empty((n, width), dtype) for width in sizes[1:-1]]
        self.dropped = [np.empty((n, width), dtype) for width in sizes[1:-1]]
        self.delta = [None] + [np.empty((n, width), dtype) for width in sizes[1:-1]]
        self.ones = np.ones(n, dtype)


def _views(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Consecutive views of ``flat`` with the given shapes."""
    views, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(flat[start:start + size].reshape(shape))
        start += size
    return views
