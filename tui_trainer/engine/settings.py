"""The settings a user can change while the network trains, and the commands that carry them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from .losses import LOSSES
from .mlp import MAX_DROPOUT, check_dropout
from .optimizers import OPTIMIZERS

BATCH_MODES = ("batch", "sgd", "mini-batch")
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-6, 10.0


@dataclass(frozen=True)
class Settings:
    """Live training settings. Replace with ``dataclasses.replace`` (or send a ``Change``);
    the trainer reads them between steps.

    ``batch_mode``: "batch" (the whole training set per step: batch gradient descent),
    "sgd" (one example per step) or "mini-batch" (``batch_size`` examples per step).
    ``weight_decay``: None means the optimizer's own default (torch's: 0.01 for adamw, 0 for
    the others). ``momentum`` is used by the "momentum" optimizer (and "sgd" if set there explicitly
    through ``OPTIMIZERS``); ``betas`` by adam and adamw.
    """

    loss: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float = 1e-2
    batch_mode: str = "mini-batch"
    batch_size: int = 32
    dropout: float = 0.0
    weight_decay: float | None = None
    momentum: float = 0.9
    nesterov: bool = False
    betas: tuple[float, float] = (0.9, 0.999)

    def __post_init__(self) -> None:
        LOSSES[self.loss]  # raises UnknownNameError listing the valid names
        OPTIMIZERS[self.optimizer]
        if self.batch_mode not in BATCH_MODES:
            raise ValueError(f"unknown batch mode {self.batch_mode!r}; choose one of: {', '.join(BATCH_MODES)}")
        if not MIN_LEARNING_RATE <= self.learning_rate <= MAX_LEARNING_RATE:
            raise ValueError(
                f"learning rate {self.learning_rate:g} is out of range; it must be in "
                f"[{MIN_LEARNING_RATE:g}, {MAX_LEARNING_RATE:g}]")
        if int(self.batch_size) != self.batch_size or self.batch_size < 1:
            raise ValueError(f"batch size {self.batch_size} is out of range; it must be a whole number >= 1")
        check_dropout(self.dropout)
        if self.weight_decay is not None and self.weight_decay < 0:
            raise ValueError(f"weight decay {self.weight_decay:g} is out of range; it must be >= 0")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum {self.momentum:g} is out of range; it must be in [0, 1)")
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ValueError(f"betas {self.betas} are out of range; each must be in [0, 1)")
        object.__setattr__(self, "betas", (float(self.betas[0]), float(self.betas[1])))

    def batch_size_for(self, n_train: int) -> int:
        """Examples per step for a training set of ``n_train`` examples."""
        if self.batch_mode == "batch":
            return n_train
        if self.batch_mode == "sgd":
            return 1
        return min(int(self.batch_size), n_train)

    @property
    def effective_weight_decay(self) -> float:
        """The weight decay the optimizer uses: the one set, else its default (AdamW 0.01, others 0)."""
        if self.weight_decay is not None:
            return float(self.weight_decay)
        return float(OPTIMIZERS[self.optimizer].default_weight_decay)

    def describe_optimizer(self) -> str:
        """The optimizer and what changes its rule: ``momentum 0.9 nesterov, wd 0.001``."""
        text = self.optimizer
        if self.optimizer == "momentum":
            text += f" {self.momentum:g}" + (" nesterov" if self.nesterov else "")
        if self.effective_weight_decay:
            text += f", wd {self.effective_weight_decay:g}"
        return text

    def update_formula(self) -> list[str]:
        """The update rule as it applies with these settings, one assignment a line."""
        cls = OPTIMIZERS[self.optimizer]
        nesterov = self.optimizer == "momentum" and self.nesterov
        lines = [part.strip() for part in (cls.nesterov_formula if nesterov else cls.formula).split(";")]
        if self.effective_weight_decay and not getattr(cls, "decoupled", False):
            lines.insert(0, "dC/dw <- dC/dw + wd w")  # L2, as torch.optim's weight_decay
        return lines

    def describe_batch(self, n_train: int | None = None) -> str:
        if self.batch_mode == "batch":
            return "batch GD" if n_train is None else f"batch GD ({n_train})"
        if self.batch_mode == "sgd":
            return "SGD (1)"
        if n_train is not None and self.batch_size > n_train:  # as trained: all of the train part
            return f"mini-batch {self.batch_size} (all {n_train})"
        return f"mini-batch {self.batch_size}"


SETTING_NAMES = tuple(f.name for f in fields(Settings))
__all__ = ["Settings", "Change", "Reset", "apply_changes", "BATCH_MODES", "MAX_DROPOUT", "SETTING_NAMES"]


def apply_changes(settings: Settings, changes: Mapping[str, Any], task: str) -> Settings:
    """``settings`` with ``changes`` for a ``task`` ("classification" or "regression");
    ValueError (one line) if they cannot apply, e.g. a loss that does not fit the task."""
    new = replace(settings, **changes)
    if new.loss != settings.loss:
        LOSSES[new.loss].check_task(task)
    return new


@dataclass(frozen=True)
class Change:
    """Command: change some settings from the next step on, e.g. ``Change({"learning_rate": 0.02})``.
    ``sent_at`` (time.monotonic) lets a host measure the delay to the engine."""

    changes: Mapping[str, Any]
    sent_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if not isinstance(self.changes, Mapping):
            raise TypeError(f"Change takes a mapping of setting names to values, e.g. "
                            f"Change({{'learning_rate': 0.02}}), not {type(self.changes).__name__}")
        unknown = [k for k in self.changes if k not in SETTING_NAMES]
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; choose one of: {', '.join(SETTING_NAMES)}")


@dataclass(frozen=True)
class Reset:
    """Command: new weights and an empty history (``seed``: None keeps the run's seed)."""

    seed: int | None = None
    sent_at: float = field(default_factory=time.monotonic)
