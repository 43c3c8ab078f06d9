"""Optimizers with torch.optim's update rules and default hyperparameters.

Every optimizer updates the parameter arrays it was given *in place*. Its hyperparameters
(``lr``, ``momentum``, ``betas``, ...) are plain attributes read at every step, so a change
made between two steps applies from the next one; the optimizer never rewrites them.
Its state (``m``, ``v``, ``t``, ...) lives beside the parameters, one array per parameter.

All of them descend: ``w <- w - lr * (a step direction built from dC/dw)``.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from . import fused
from .registry import Registry


class Optimizer:
    """Base class. ``params``: the live arrays to update; ``state_names``: per-parameter
    state arrays, created as zeros; ``t``: steps taken."""

    name = ""
    formula = ""
    state_names: tuple[str, ...] = ()
    hyper_names: tuple[str, ...] = ("lr", "weight_decay")
    default_lr = 1e-3
    default_weight_decay = 0.0

    def __init__(self, params: Sequence[np.ndarray], lr: float | None = None, weight_decay: float = 0.0):
        self.params = list(params)
        # Parameters laid out as consecutive views of one vector (as MLP's are) are updated
        # as that one vector: a few numpy calls a step instead of a few per array.
        self._flat = flat_base(self.params)
        if self._flat is not None:
            self.params = [self._flat]
        self.lr = self.default_lr if lr is None else float(lr)
        self.weight_decay = float(weight_decay)
        self.t = 0
        self._known_grads: tuple[np.ndarray, ...] = ()  # the last grads found to tile one vector
        # one spare array per parameter: updates are written in place, with no temporaries
        # (a fresh temporary of a large layer costs page faults at every step)
        self._scratch = [np.empty_like(p) for p in self.params]
        self.state: dict[str, list[np.ndarray]] = {
            key: [np.zeros_like(p) for p in self.params] for key in self.state_names
        }

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """One update of every parameter from its gradient dC/dw (``grads`` may be modified)."""
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, self._grads_like_params(grads))):
            if self.weight_decay:  # L2: the gradient of (wd/2) * ||w||^2, added into g
                if not g.flags.writeable:
                    g = g.copy()
                g += np.multiply(p, self.weight_decay, out=self._scratch[i])
            self._update(i, p, g)

    def _grads_like_params(self, grads: Sequence[np.ndarray]) -> Sequence[np.ndarray]:
        if self._flat is None:
            return grads
        known = self._known_grads
        # an MLP hands over the same views at every step: check their layout once
        if len(grads) == len(known) - 1 and all(g is k for g, k in zip(grads, known)):
            return [known[-1]]
        flat = flat_base(grads)
        if flat is None:
            return [np.concatenate([np.ravel(g) for g in grads])]
        self._known_grads = (*grads, flat)
        return [flat]

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def hyperparameters(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.hyper_names}

    def state_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array map of the state, for saving (``load_state_arrays`` undoes it)."""
        arrays = {"t": np.array(self.t)}
        for key, values in self.state.items():
            for i, a in enumerate(values):
                arrays[f"{key}.{i}"] = a
        return arrays

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        self.t = int(arrays["t"])
        for key, values in self.state.items():
            for i, a in enumerate(values):
                a[...] = arrays[f"{key}.{i}"]

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({hp})"


def _descend(p, direction, square, lr, eps, s, correction=1.0):
    """p <- p - lr * direction / (sqrt(square) / correction + eps), in place, with ``s`` as
    the only scratch array (it must not be ``direction``). Computed as
    p - (lr * correction) * direction / (sqrt(square) + eps * correction), the same number
    with one pass fewer over the parameters (the square root dominates the pass count's cost)."""
    np.sqrt(square, out=s)
    s += eps * correction
    np.divide(direction, s, out=s)
    s *= lr * correction
    p -= s


def flat_base(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """The 1-D array that ``arrays`` are consecutive, contiguous views of (covering all of
    it, in order), or None."""
    if not arrays:
        return None
    base = arrays[0].base
    if base is None or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    start = base.__array_interface__["data"][0]
    offset = 0
    for a in arrays:
        if a.base is not base or not a.flags.c_contiguous:
            return None
        if a.__array_interface__["data"][0] != start + offset * base.itemsize:
            return None
        offset += a.size
    return base if offset == base.size else None


class SGD(Optimizer):
    """torch.optim.SGD: buf <- momentum * buf + (1 - dampening) * g (buf <- g at the first
    step); nesterov: g <- g + momentum * buf, else g <- buf; w <- w - lr * g."""

    name = "sgd"
    formula = "w <- w - lr * dC/dw"
    hyper_names = ("lr", "momentum", "dampening", "nesterov", "weight_decay")
    default_lr = 1e-3

    def __init__(self, params, lr=None, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        self.momentum = float(momentum)
        self.dampening = float(dampening)
        self.nesterov = bool(nesterov)
        self.state["momentum_buffer"] = [np.zeros_like(p) for p in self.params]

    def _update(self, i, p, g):
        fast = fused.usable(p, g) if not self.nesterov and (not self.momentum or self.t > 1) else None
        if fast is not None:  # the same numbers in one compiled pass
            as_dtype = p.dtype.type
            if self.momentum:
                fast.momentum(p, g, self.state["momentum_buffer"][i], as_dtype(self.momentum),
                              as_dtype(1 - self.dampening), as_dtype(-self.lr))
            else:
                fast.sgd(p, g, as_dtype(-self.lr))
            return
        s, buf = self._scratch[i], None
        if self.momentum:
            buf = self.state["momentum_buffer"][i]
            if self.t == 1:
                buf[...] = g
            else:
                buf *= self.momentum
                buf += np.multiply(g, 1 - self.dampening, out=s)
            if self.nesterov:
                np.multiply(buf, self.momentum, out=s)
                g = np.add(g, s, out=s)
            else:
                g = buf
        # w + (-lr) g is w - lr g to the bit. The product goes into g itself where g may be
        # overwritten (the caller's gradient, just written, still in cache: measured 3-4% of
        # a 784-256 epoch against a scratch array), never into the momentum buffer.
        out = g if g is not buf and g.flags.writeable else s
        np.multiply(g, -self.lr, out=out)
        p += out


class Momentum(SGD):
    """SGD with momentum 0.9: v <- 0.9 v + dC/dw; w <- w - lr * v."""

    name = "momentum"
    formula = "v <- mu v + dC/dw;  w <- w - lr * v"
    nesterov_formula = "v <- mu v + dC/dw;  w <- w - lr * (dC/dw + mu v)"

    def __init__(self, params, lr=None, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr, momentum, dampening, nesterov, weight_decay)


class RMSprop(Optimizer):
    """torch.optim.RMSprop (centered=False, momentum=0): s <- alpha s + (1 - alpha) g^2;
    w <- w - lr * g / (sqrt(s) + eps)."""

    name = "rmsprop"
    formula = "s <- a s + (1-a) g^2;  w <- w - lr * g / (sqrt(s) + eps)"
    state_names = ("square_avg",)
    hyper_names = ("lr", "alpha", "eps", "weight_decay")
    default_lr = 1e-2

    def __init__(self, params, lr=None, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        self.alpha = float(alpha)
        self.eps = float(eps)

    def _update(self, i, p, g):
        sq = self.state["square_avg"][i]
        s = self._scratch[i]
        sq *= self.alpha
        np.multiply(g, g, out=s)
        s *= 1 - self.alpha
        sq += s
        _descend(p, g, sq, self.lr, self.eps, s)


class Adagrad(Optimizer):
    """torch.optim.Adagrad: s <- s + g^2; w <- w - lr / (1 + (t-1) lr_decay) * g / (sqrt(s) + eps)."""

    name = "adagrad"
    formula = "s <- s + g^2;  w <- w - lr * g / (sqrt(s) + eps)"
    state_names = ("sum",)
    hyper_names = ("lr", "lr_decay", "eps", "initial_accumulator_value", "weight_decay")
    default_lr = 1e-2

    def __init__(self, params, lr=None, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr, weight_decay)
        self.lr_decay = float(lr_decay)
        self.eps = float(eps)
        self.initial_accumulator_value = float(initial_accumulator_value)
        for s in self.state["sum"]:
            s.fill(self.initial_accumulator_value)

    def _update(self, i, p, g):
        total = self.state["sum"][i]
        s = self._scratch[i]
        total += np.multiply(g, g, out=s)
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        _descend(p, g, total, clr, self.eps, s)


class Adam(Optimizer):
    """torch.optim.Adam: m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
    w <- w - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps): a step size per parameter."""

    name = "adam"
    formula = "m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  w <- w - lr * m^ / (sqrt(v^) + eps)"
    state_names = ("exp_avg", "exp_avg_sq")
    hyper_names = ("lr", "betas", "eps", "weight_decay")
    default_lr = 1e-3
    decoupled = False

    def __init__(self, params, lr=None, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = float(eps)

    def step(self, grads):
        if self.decoupled:  # AdamW: w <- w (1 - lr wd), then Adam without L2 in the gradient
            self.t += 1
            for i, (p, g) in enumerate(zip(self.params, self._grads_like_params(grads))):
                p *= 1 - self.lr * self.weight_decay
                self._update(i, p, g)
        else:
            super().step(grads)

    def _update(self, i, p, g):
        b1, b2 = self.betas
        m = self.state["exp_avg"][i]
        v = self.state["exp_avg_sq"][i]
        step_size, correction = self.lr / (1 - b1**self.t), math.sqrt(1 - b2**self.t)
        fast = fused.usable(p, g)
        if fast is not None:  # the same numbers in one compiled pass
            as_dtype = p.dtype.type
            fast.adam(p, g, m, v, as_dtype(b1), as_dtype(1 - b1), as_dtype(b2), as_dtype(1 - b2),
                      as_dtype(self.eps * correction), as_dtype(step_size * correction))
            return
        s = self._scratch[i]
        m *= b1
        m += np.multiply(g, 1 - b1, out=s)
        v *= b2
        np.multiply(g, g, out=s)
        s *= 1 - b2
        v += s
        _descend(p, m, v, step_size, self.eps, s, correction)


class AdamW(Adam):
    """torch.optim.AdamW: decoupled weight decay (default 0.01), w <- w (1 - lr wd), then Adam."""

    name = "adamw"
    formula = "w <- w (1 - lr wd);  then Adam's step"
    decoupled = True
    default_weight_decay = 1e-2

    def __init__(self, params, lr=None, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)


OPTIMIZERS: Registry[type[Optimizer]] = Registry(
    "optimizer",
    {cls.name: cls for cls in (SGD, Momentum, RMSprop, Adagrad, Adam, AdamW)},
)
