"""Smith's learning-rate range test ("Cyclical Learning Rates for Training Neural Networks",
2015), as fastai's ``lr_find`` runs it.

    result = find_learning_rate(trainer)            # 1e-7 -> 10 over 100 steps
    result.lrs, result.losses, result.suggestion
    print(result.text_plot(60, 12))

From a private copy of the trainer's network and optimizer state, train ``steps`` steps with
the learning rate growing exponentially from ``start`` to ``end``, on batches drawn as the
trainer would draw them (its batch size, reshuffled each pass, dropout as in training, its
optimizer and hyperparameters). Record the training loss of each batch, smoothed
exponentially (beta 0.98, bias-corrected as Adam's moments are); stop early once it passes
4 times its lowest, or is not finite. The trainer is not touched: not its weights, optimizer
state, history, nor its random generators (copies of them drive the test).

The suggestion is fastai's "valley" (the default of its Learner.lr_find): the longest stretch
over which the smoothed loss keeps falling, and the rate about half way down it, after leaving
out the first tenth of the steps and the last five, as fastai does. Chosen by measuring
(benchmarks/lr_finder_rules.py: every built-in data set at its defaults, with Adam and with
SGD, 50 epochs at the suggestion against a tenth of it): the valley's rate beat a tenth of it
on all 13 sets with both, and never diverged; the steepest descent did on 10 of 13 with each
(on a nearly flat start the steepest point is noise: it suggested 1e-6 on circles and sine),
the minimum / 10 on 9 of 13 with Adam (its rate was too high for moons, plane, iris and
breast cancer). The valley errs low: ten times its rate was often better still.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .mlp import MLP
from .settings import MAX_LEARNING_RATE, MIN_LEARNING_RATE
from .threads import blas_threads, largest_product, threads_for

BETA = 0.98  # fastai's smoothing of the recorded loss
STOP_FACTOR = 4.0  # stop once the smoothed loss passes this many times its lowest


@dataclass(frozen=True)
class LRFinderResult:
    """What the range test saw.

    ``lrs`` and ``losses`` (ndarrays of equal length): the rate of each step taken and the
    smoothed training loss recorded at it (the batch's loss before that step's update, as
    fastai records it). ``raw_losses``: the batch losses unsmoothed. ``suggestion``: a
    rate in [MIN_LEARNING_RATE, MAX_LEARNING_RATE], by ``rule``. ``stopped``: "end" (all
    the steps ran), "rising" (the smoothed loss passed 4 times its lowest) or "not finite".
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggestion: float
    rule: str
    stopped: str

    def text_plot(self, width: int = 60, height: int = 12) -> str:
        """The curve as plain text: log10 of the rate across, the smoothed loss up, the
        suggestion marked."""
        return text_plot(self.lrs, self.losses, self.suggestion, width, height)


def find_learning_rate(trainer, start: float = 1e-7, end: float = 10.0, steps: int = 100,
                       rule: str = "valley") -> LRFinderResult:
    """Run the range test on a copy of ``trainer``'s current state; the trainer is left as it was.

    Parameters
    ----------
    trainer : Trainer
    start, end : float
        The first and the last rate, 0 < start < end; the rates beyond the trainer's own
        range are allowed here.
    steps : int
        Steps at most (>= 2): the rates are ``np.geomspace(start, end, steps)``.
    rule : str
        A key of ``SUGGESTION_RULES``: "valley" (the default), "steep" or "minimum".
    """
    if not (isinstance(steps, int) and not isinstance(steps, bool) and steps >= 2):
        raise ValueError(f"steps {steps!r} must be a whole number >= 2")
    if not (math.isfinite(start) and math.isfinite(end) and 0 < start < end):
        raise ValueError(f"the rates must grow from start to end, 0 < start < end; "
                         f"got start {start:g}, end {end:g}")
    if rule not in SUGGESTION_RULES:
        raise ValueError(f"unknown suggestion rule {rule!r}; choose one of: {', '.join(SUGGESTION_RULES)}")
    source = trainer.model
    model = MLP(source.sizes, source.activation.name, source.dropout, 0, source.dtype)
    model.flat_params[...] = source.flat_params
    model.dropout_rng = copy.deepcopy(source.dropout_rng)
    live = trainer.optimizer
    optimizer = type(live)(model.params, **live.hyperparameters())
    optimizer.load_state_arrays(live.state_arrays())  # copied in: load writes into its own arrays
    shuffle_rng = copy.deepcopy(trainer.shuffle_rng)
    loss = trainer.loss
    X, y, n = trainer.X_train, trainer.y_train, trainer.n_train
    batch = trainer.settings.batch_size_for(n)
    rates = np.geomspace(start, end, steps)
    raw, smoothed = [], []
    average, best, stopped = 0.0, math.inf, "end"
    order, pos = None, n
    with np.errstate(all="ignore"), \
            blas_threads(threads_for(trainer.threads, largest_product(model.sizes, batch))):
        for i, lr in enumerate(rates):
            if pos >= n:  # a new pass over the training set, reshuffled as the trainer does
                order, pos = shuffle_rng.permutation(n), 0
            rows = order[pos:pos + batch]
            pos += batch
            Xb, yb = np.take(X, rows, axis=0), np.take(y, rows, axis=0)
            out = model.forward(Xb, train=True)
            cost = loss.cost(out, yb)
            if not math.isfinite(cost):
                stopped = "not finite"
                break
            average = BETA * average + (1 - BETA) * cost
            value = average / (1 - BETA ** (i + 1))
            raw.append(cost)
            smoothed.append(value)
            best = min(best, value)
            if value > STOP_FACTOR * best:
                stopped = "rising"
                break
            optimizer.lr = float(lr)
            optimizer.step(model.backward(loss.grad(out, yb)))
    lrs, losses = rates[:len(smoothed)], np.array(smoothed)
    suggestion = suggest(lrs, losses, rule, steps)
    return LRFinderResult(lrs, losses, np.array(raw), suggestion, rule, stopped)


def suggest(lrs: np.ndarray, losses: np.ndarray, rule: str = "valley", steps: int | None = None) -> float:
    """The suggested rate from a recorded curve, by ``rule``, within the trainer's range.

    As fastai, the first tenth of the planned ``steps`` and the last five points are left out
    (the start is noise around the initial loss, the end the blow-up), while enough remain.
    """
    steps = len(lrs) if steps is None else steps
    lo, hi = steps // 10, len(lrs) - 5
    if hi - lo < 3:  # stopped early: use what there is
        lo, hi = 0, len(lrs)
    if hi - lo < 2:
        lr = lrs[0] if len(lrs) else MIN_LEARNING_RATE
    else:
        lr = SUGGESTION_RULES[rule](lrs[lo:hi], losses[lo:hi])
    return float(min(max(lr, MIN_LEARNING_RATE), MAX_LEARNING_RATE))


def _valley(lrs: np.ndarray, losses: np.ndarray) -> float:
    """fastai's valley: the longest run of points each below all of the run before it (a
    longest decreasing subsequence), and the rate about half way down it: fastai's index,
    start + int(length / 3) + int(length / 6) with its start one before the run's first point,
    kept from falling before the curve's first point."""
    n = len(losses)
    longest = [1] * n
    max_start = max_end = 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and longest[i] < longest[j] + 1:
                longest[i] = longest[j] + 1
            if longest[max_end] < longest[i]:
                max_end = i
                max_start = max_end - longest[max_end]
    sections = (max_end - max_start) / 3
    return float(lrs[max(0, max_start + int(sections) + int(sections / 2))])


def _steep(lrs: np.ndarray, losses: np.ndarray) -> float:
    """The rate where the loss falls fastest against log(lr) (fastai's "steep")."""
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    return float(lrs[int(np.argmin(slopes))])


def _minimum(lrs: np.ndarray, losses: np.ndarray) -> float:
    """A tenth of the rate at the lowest loss (fastai's "minimum")."""
    return float(lrs[int(np.argmin(losses))] / 10)


SUGGESTION_RULES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "valley": _valley, "steep": _steep, "minimum": _minimum,
}


def text_plot(lrs: np.ndarray, losses: np.ndarray, suggestion: float | None = None,
              width: int = 60, height: int = 12) -> str:
    """A plain-text chart of ``losses`` against log10 of ``lrs``, ``suggestion`` marked with
    a column of '|' and named below; the loss scale on the left, the decades of the rate
    under the axis. ``width`` and ``height`` are the plot area's, in characters."""
    width, height = max(int(width), 10), max(int(height), 3)
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    if len(lrs) == 0:
        return "(no steps recorded)"
    x = np.log10(lrs)
    x_lo, x_hi = float(x.min()), float(x.max())
    if suggestion is not None:
        x_lo, x_hi = min(x_lo, math.log10(suggestion)), max(x_hi, math.log10(suggestion))
    x_hi = x_hi if x_hi > x_lo else x_lo + 1
    y_lo, y_hi = float(losses.min()), float(losses.max())
    if losses[0] > y_lo:  # the blow-up at the end would flatten the rest: up to twice the fall
        y_hi = min(y_hi, y_lo + 2 * (float(losses[0]) - y_lo))
    y_hi = y_hi if y_hi > y_lo else y_lo + 1

    def column(value: float) -> int:
        return min(width - 1, int(round((value - x_lo) / (x_hi - x_lo) * (width - 1))))

    grid = [[" "] * width for _ in range(height)]
    if suggestion is not None:
        for row in grid:
            row[column(math.log10(suggestion))] = "|"
    for xi, yi in zip(x, np.minimum(losses, y_hi)):  # a point above the top is drawn on it
        row = height - 1 - int(round((yi - y_lo) / (y_hi - y_lo) * (height - 1)))
        grid[row][column(xi)] = "*"
    labels = [f"{y_hi:.3g}", f"{y_lo:.3g}"]
    pad = max(len(s) for s in labels)
    lines = []
    for r, row in enumerate(grid):
        label = labels[0] if r == 0 else labels[1] if r == height - 1 else ""
        lines.append(f"{label:>{pad}} |" + "".join(row))
    lines.append(" " * pad + " +" + "-" * width)
    axis = [" "] * width
    for decade in range(math.ceil(x_lo), math.floor(x_hi) + 1):
        text, at = f"1e{decade}", column(decade)
        at = min(at, width - len(text))
        if all(c == " " for c in axis[max(0, at - 1):at + len(text) + 1]):
            axis[at:at + len(text)] = text
    lines.append(" " * (pad + 2) + "".join(axis).rstrip())
    lines.append(" " * (pad + 2) + "learning rate (log scale)"
                 + (f"; | suggested {suggestion:.2g}" if suggestion is not None else ""))
    return "\n".join(lines)
