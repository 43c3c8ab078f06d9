"""Optimizers with torch.optim's update rules and default hyperparameters.

Every optimizer updates the parameter arrays it was given *in place*. Its hyperparameters
(``lr``, ``momentum``, ``betas``, ...) are plain attributes read at every step, so a change
made between two steps applies from the next one; the optimizer never rewrites them.
Its state (``m``, ``v``, ``t``, ...) lives beside the parameters, one array per parameter.

All of them descend: ``w <- w - lr * (a step direction built from dC/dw)``.

``preview(grads)`` is the change ``step(grads)`` would make, without making it (the same code
on copies, so the step then adds exactly that delta); ``explain(index, grads)`` names the terms
of one parameter's next step; ``effective_rates(delta, grads)`` is |delta| / |dC/dw|.
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
        self._apply(self.params, self.state, self.t, self._scratch, self._grads_like_params(grads))

    def preview(self, grads: Sequence[np.ndarray]) -> np.ndarray:
        """The change ``step(grads)`` would make now, as one flat vector in the order of the
        parameters (``model.flat_params``' for an MLP); nothing is changed: not the
        parameters, the state, ``t``, nor ``grads``.

        The same update code runs on copies of the parameters and state at step ``t + 1``, so
        a ``step`` with the same grads and hyperparameters right after changes each parameter
        by exactly this delta, to the bit: ``after - before == delta``.
        """
        grads = [np.array(g, copy=True) for g in self._grads_like_params(grads)]
        trial = [p.copy() for p in self.params]
        state = {key: [a.copy() for a in values] for key, values in self.state.items()}
        self._apply(trial, state, self.t + 1, [np.empty_like(p) for p in trial], grads)
        return _flat([np.subtract(q, p) for q, p in zip(trial, self.params)])

    def explain(self, index: int, grads: Sequence[np.ndarray]) -> dict[str, float]:
        """The next step of one parameter, ``index`` into the flat parameters, in named numbers.

        Always: ``w`` (the weight now), ``g`` (dC/dw as given), ``t`` (the step's number),
        ``lr``, ``step`` (the exact change ``step(grads)`` would make, ``preview(grads)[index]``),
        ``w_next`` (w + step) and ``effective_lr`` (|step| / |g|, nan where g == 0; see
        ``effective_rates``); ``g_l2`` (g + weight_decay * w, the gradient the rule uses)
        when an L2 weight decay is on. Then the optimizer's own terms after this step
        (``_terms``): e.g. Adam's ``m``, ``v``, ``m_hat``, ``v_hat`` and
        ``direction`` = m_hat / (sqrt(v_hat) + eps), so that step = -lr * direction
        (AdamW: minus lr * wd * w as ``decay`` too). Those terms are computed in float64 from
        the updated state, for showing; ``step`` is the optimizer's own number.
        Nothing is changed.
        """
        i, j = self._locate(index)
        g_all = self._grads_like_params(grads)
        if len(g_all) != len(self.params) or any(g.size != p.size for g, p in zip(g_all, self.params)):
            raise ValueError("grads do not match the parameters: give one gradient per parameter, "
                             "of its shape (model.backward's)")
        # the update on one-element copies: each step is elementwise, so these are the step's
        # very numbers for this parameter (the fused path's too: it computes the same ones)
        w = self.params[i].reshape(-1)[j:j + 1].copy()
        g = np.ravel(g_all[i])[j:j + 1].copy()
        state = {key: [values[i].reshape(-1)[j:j + 1].copy()] for key, values in self.state.items()}
        trial, t = w.copy(), self.t + 1
        given = float(g[0])
        self._apply([trial], state, t, [np.empty_like(w)], [g])
        step = trial - w
        numbers = {"w": float(w[0]), "g": given, "t": t, "lr": self.lr, "step": float(step[0]),
                   "w_next": float(trial[0])}
        numbers["effective_lr"] = abs(numbers["step"]) / abs(given) if given else math.nan
        g_used = given
        if self.weight_decay and not getattr(self, "decoupled", False):
            g_used = given + self.weight_decay * float(w[0])
            numbers["g_l2"] = g_used
        numbers.update(self._terms(float(w[0]), g_used, {k: float(v[0][0]) for k, v in state.items()}, t))
        return numbers

    def _terms(self, w: float, g: float, state: dict[str, float], t: int) -> dict[str, float]:
        """The named terms of this optimizer's rule for one parameter after step ``t``
        (``g``: the gradient the rule used; ``state``: the updated state)."""
        return {}

    def _locate(self, index: int) -> tuple[int, int]:
        """(parameter array, flat position in it) of a flat parameter index."""
        total = sum(p.size for p in self.params)
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < total:
            raise ValueError(f"parameter index {index!r} is out of range; it must be a whole number "
                             f"in [0, {total - 1}]")
        for i, p in enumerate(self.params):
            if index < p.size:
                return i, int(index)
            index -= p.size
        raise AssertionError("unreachable")

    def _apply(self, params: list[np.ndarray], state: dict[str, list[np.ndarray]], t: int,
               scratch: list[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Step ``t`` on ``params`` and ``state`` in place: ``step`` hands over the live ones,
        ``preview`` and ``explain`` copies."""
        for i, (p, g) in enumerate(zip(params, grads)):
            if self.weight_decay:  # L2: the gradient of (wd/2) * ||w||^2, added into g
                if not g.flags.writeable:
                    g = g.copy()
                g += np.multiply(p, self.weight_decay, out=scratch[i])
            self._update(i, p, g, state, t, scratch[i])

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

    def _update(self, i: int, p: np.ndarray, g: np.ndarray, state: dict[str, list[np.ndarray]], t: int,
                s: np.ndarray) -> None:
        """Update parameter ``p`` (number ``i``) from ``g`` at step ``t``, with its state
        ``state[name][i]`` and ``s`` as scratch, in place."""
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

    def _update(self, i, p, g, state, t, s):
        fast = fused.usable(p, g) if not self.nesterov and (not self.momentum or t > 1) else None
        if fast is not None:  # the same numbers in one compiled pass
            as_dtype = p.dtype.type
            if self.momentum:
                fast.momentum(p, g, state["momentum_buffer"][i], as_dtype(self.momentum),
                              as_dtype(1 - self.dampening), as_dtype(-self.lr))
            else:
                fast.sgd(p, g, as_dtype(-self.lr))
            return
        buf = None
        if self.momentum:
            buf = state["momentum_buffer"][i]
            if t == 1:
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

    def _terms(self, w, g, state, t):
        if not self.momentum:
            return {"direction": g}
        buf = state["momentum_buffer"]
        return {"momentum_buffer": buf, "direction": g + self.momentum * buf if self.nesterov else buf}


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

    def _update(self, i, p, g, state, t, s):
        sq = state["square_avg"][i]
        sq *= self.alpha
        np.multiply(g, g, out=s)
        s *= 1 - self.alpha
        sq += s
        _descend(p, g, sq, self.lr, self.eps, s)

    def _terms(self, w, g, state, t):
        sq = state["square_avg"]
        return {"square_avg": sq, "direction": g / (math.sqrt(sq) + self.eps)}


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

    def _update(self, i, p, g, state, t, s):
        total = state["sum"][i]
        total += np.multiply(g, g, out=s)
        _descend(p, g, total, self._decayed_lr(t), self.eps, s)

    def _decayed_lr(self, t):
        return self.lr / (1 + (t - 1) * self.lr_decay)

    def _terms(self, w, g, state, t):
        total = state["sum"]
        return {"sum": total, "lr_t": self._decayed_lr(t), "direction": g / (math.sqrt(total) + self.eps)}


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

    def _apply(self, params, state, t, scratch, grads):
        if not self.decoupled:
            return super()._apply(params, state, t, scratch, grads)
        for i, (p, g) in enumerate(zip(params, grads)):  # AdamW: w <- w (1 - lr wd), then Adam
            p *= 1 - self.lr * self.weight_decay
            self._update(i, p, g, state, t, scratch[i])

    def _update(self, i, p, g, state, t, s):
        b1, b2 = self.betas
        m = state["exp_avg"][i]
        v = state["exp_avg_sq"][i]
        step_size, correction = self.lr / (1 - b1**t), math.sqrt(1 - b2**t)
        fast = fused.usable(p, g)
        if fast is not None:  # the same numbers in one compiled pass
            as_dtype = p.dtype.type
            fast.adam(p, g, m, v, as_dtype(b1), as_dtype(1 - b1), as_dtype(b2), as_dtype(1 - b2),
                      as_dtype(self.eps * correction), as_dtype(step_size * correction))
            return
        m *= b1
        m += np.multiply(g, 1 - b1, out=s)
        v *= b2
        np.multiply(g, g, out=s)
        s *= 1 - b2
        v += s
        _descend(p, m, v, step_size, self.eps, s, correction)

    def _terms(self, w, g, state, t):
        b1, b2 = self.betas
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        terms = {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "direction": m_hat / (math.sqrt(v_hat) + self.eps)}
        if self.decoupled:
            terms["decay"] = -self.lr * self.weight_decay * w
        return terms


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


def effective_rates(delta: np.ndarray, grads: Sequence[np.ndarray]) -> np.ndarray:
    """The learning rate each parameter effectively has in the step ``delta``:
    |delta| / |dC/dw|, flat, in the order of ``delta`` (``preview``'s).

    ``grads`` are the gradients the step was given (as ``model.backward`` returns them, or
    flat). For plain SGD it is ``lr`` everywhere; Adam's differs per parameter, momentum's
    from step to step. Where a gradient is 0 the rate is nan: no rate can be read off a step
    the gradient did not ask for (momentum or a weight decay may still move that parameter;
    ``delta`` shows it).
    """
    g = _flat(grads) if not isinstance(grads, np.ndarray) else grads.reshape(-1)
    delta = np.asarray(delta).reshape(-1)
    if g.shape != delta.shape:
        raise ValueError(f"delta has {delta.size} values and grads {g.size}: give the gradients the step was given")
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.abs(delta) / np.abs(g)
    rates[g == 0] = np.nan
    return rates


def _flat(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """The arrays as one flat vector: their flat base itself, else a concatenation."""
    base = flat_base(arrays)
    if base is not None:
        return base
    if len(arrays) == 1:
        return np.ravel(arrays[0])
    return np.concatenate([np.ravel(a) for a in arrays])
