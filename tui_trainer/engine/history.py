"""Per-epoch records, and the history that keeps them in numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import Settings

COLUMNS = ("epoch", "steps", "train_cost", "test_cost", "train_metric", "test_metric", "seconds")


@dataclass(frozen=True)
class Event:
    """A setting changed (or the weights were reset) from epoch ``epoch + 1`` on."""

    epoch: int
    text: str
    sent_at: float = 0.0
    applied_at: float = 0.0


@dataclass(frozen=True)
class EpochStats:
    """What one epoch did, evaluated with dropout off. Picklable; consumed by any UI.

    ``metric`` is "accuracy" (classification) or "r2" (regression). ``state`` is
    "training", "diverged" or "finished". ``events`` are the changes applied during it.
    A diverged record carries the non-finite costs that stopped training.
    """

    epoch: int
    steps: int
    train_cost: float
    test_cost: float
    train_metric: float
    test_metric: float
    metric: str
    seconds: float
    settings: Settings
    state: str = "training"
    events: tuple[Event, ...] = ()

    @property
    def gap(self) -> float:
        """Test cost minus train cost: it grows as the network overfits."""
        return self.test_cost - self.train_cost


class History:
    """Growing numpy columns of the per-epoch numbers, plus the events."""

    def __init__(self, capacity: int = 256):
        self._data = {name: np.empty(capacity) for name in COLUMNS}
        self.n = 0
        self.events: list[Event] = []

    def __len__(self) -> int:
        return self.n

    def append(self, stats: EpochStats) -> None:
        if self.n == len(self._data["epoch"]):
            for name, column in self._data.items():
                grown = np.empty(2 * len(column))
                grown[: self.n] = column
                self._data[name] = grown
        for name in COLUMNS:
            self._data[name][self.n] = getattr(stats, name)
        self.n += 1
        self.events.extend(stats.events)

    def __getitem__(self, name: str) -> np.ndarray:
        """A column's values so far (a view: copy it to keep it)."""
        if name == "gap":
            return self["test_cost"] - self["train_cost"]
        return self._data[name][: self.n]

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {name: self[name].copy() for name in COLUMNS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], events: list[Event] = ()) -> "History":
        n = len(arrays["epoch"])
        history = cls(max(256, n))
        for name in COLUMNS:
            history._data[name][:n] = arrays[name]
        history.n = n
        history.events = list(events)
        return history

    def best_test_epoch(self) -> int | None:
        """The epoch with the lowest test cost, or None before any epoch."""
        if not self.n:
            return None
        return int(self["epoch"][int(np.nanargmin(self["test_cost"]))])
