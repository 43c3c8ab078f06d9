"""What the dashboard knows of the run, kept from the training side's replies: the history in
growing NumPy columns, the settings asked for, the state, the epoch rate. No textual here."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable

from ..config import RunConfig
from ..engine import EpochStats, Event, History, Settings, apply_changes
from . import protocol

RATE_WINDOW = 2.0  # seconds of epochs the rate is measured over


class RateMeter:
    """Epochs per second over the last few seconds, by ``clock`` (a fixed clock gives None)."""

    def __init__(self, clock: Callable[[], float], window: float = RATE_WINDOW):
        self.clock = clock
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def clear(self) -> None:
        self.samples.clear()

    def add(self, epoch: int) -> None:
        now = self.clock()
        self.samples.append((now, epoch))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.popleft()

    def rate(self) -> float | None:
        if len(self.samples) < 2:
            return None
        (t0, e0), (t1, e1) = self.samples[0], self.samples[-1]
        if t1 - t0 < 0.2 or self.clock() - t1 > 1.0:
            return None
        return (e1 - e0) / (t1 - t0)


@dataclass
class LogLine:
    epoch: int
    text: str
    kind: str = "info"  # "info", "change", "warning", "error"


class RunState:
    """The dashboard's picture of the run.

    ``state`` is "starting", "running", "paused", "diverged", "finished" or "failed".
    ``settings`` are the live settings as last asked for: a key's change shows at once, and
    the engine applies it from its next step. ``version`` grows with every new epoch or mark,
    so a chart knows whether it needs drawing again.
    """

    def __init__(self, config: RunConfig, clock: Callable[[], float]):
        self.config = config
        self.pace: float | None = None  # epochs a second at most (the f and F keys)
        self.info: protocol.RunInfo | None = None
        self.settings: Settings | None = None
        self.engine_settings: Settings | None = None
        self.history = History()
        self.last: EpochStats | None = None
        self.state = "starting"
        self.diverged_at: int | None = None
        self.failure = ""
        self.meter = RateMeter(clock)
        self.log: deque[LogLine] = deque(maxlen=200)
        self.version = 0
        self._changes_sent: deque[tuple[float, dict]] = deque(maxlen=256)  # (sent_at, changes)

    # -- from the dashboard ------------------------------------------------------------------------
    def change_sent(self, sent_at: float, changes: dict) -> None:
        """A ``Change`` went to the training side: kept until a network built after it is
        announced, which it must then be shown on top of."""
        self._changes_sent.append((sent_at, dict(changes)))

    # -- from the training side ------------------------------------------------------------------
    def started(self, started: protocol.Started) -> None:
        """A network was built. Its settings are those of the moment the command it answers
        (a reset, a rebuild) was handled; a change sent after that command reaches the engine
        after it, so it is shown on top (a key pressed just after r was applied but not shown)."""
        self.config, self.info = started.config, started.info
        self.settings = self.engine_settings = started.settings
        later = [(t, c) for t, c in self._changes_sent if t > started.after] if started.after else []
        for _, changes in later:
            try:
                self.settings = apply_changes(self.settings, changes, started.info.task)
            except ValueError:  # the engine refuses it too, and says so
                pass
        self._changes_sent = deque(later, maxlen=self._changes_sent.maxlen)
        if started.history is not None:
            self.history = History.from_arrays(started.history, list(started.events))
        else:
            self.history = History()
        self.last = self._last_record(started)
        self.diverged_at = None
        self.failure = ""
        self.state = "running" if started.running else "paused"
        self.meter.clear()
        self.version += 1

    def _last_record(self, started: protocol.Started) -> EpochStats | None:
        """The last epoch of a resumed run's history, so the status line shows where it is
        (its epoch, costs and score) before the first new epoch, not epoch 0."""
        h = self.history
        if not len(h):
            return None
        return EpochStats(epoch=int(h["epoch"][-1]), steps=int(h["steps"][-1]),
                          train_cost=float(h["train_cost"][-1]), test_cost=float(h["test_cost"][-1]),
                          train_metric=float(h["train_metric"][-1]), test_metric=float(h["test_metric"][-1]),
                          metric=started.info.metric, seconds=float(h["seconds"][-1]), settings=started.settings)

    def epochs_done(self, stats: tuple[EpochStats, ...]) -> list[Event]:
        """Add the records; returns the events (setting changes) they carry."""
        events: list[Event] = []
        for s in stats:
            events.extend(s.events)
            self.engine_settings = s.settings
            if s.state == "diverged":
                self.diverged_at = s.epoch
                continue
            self.history.append(s)
            self.last = s
            if self.state == "diverged":  # a step at a lower rate went through
                self.state, self.diverged_at = "paused", None
            elif (self.state == "finished" and self.info is not None and self.info.max_epochs
                  and s.epoch > self.info.max_epochs):  # `n` past the last epoch: paused, not finished
                self.state = "paused"
        if stats:
            self.meter.add(self.last.epoch if self.last is not None else 0)
            self.version += 1
        return events

    def paused(self, reason: str, epoch: int) -> None:
        if self.state == "failed":  # e.g. the answer to a Pause sent before the start failed
            return
        if reason == "diverged":
            self.state, self.diverged_at = "diverged", epoch
        else:
            self.state = reason
        self.meter.clear()

    def resumed(self) -> None:
        self.state = "running"
        self.meter.clear()

    def failed(self, text: str, ended: bool = False) -> None:
        """The training side failed: for good if it has ``ended`` or had built no network; else
        one command failed (e.g. a save) and training goes on."""
        self.failure = text
        if ended or self.info is None or self.state in ("starting",):
            self.state = "failed"
            self.meter.clear()

    def note(self, text: str, kind: str = "info") -> None:
        self.log.append(LogLine(self.epoch, text, kind))

    # -- read ----------------------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self.last.epoch if self.last is not None else 0

    @property
    def has_network(self) -> bool:
        return self.info is not None and self.state != "failed"

    @property
    def rate(self) -> float | None:
        """Epochs a second, never above the pace: epochs that reach the dashboard in a bunch
        (after a burst of keys, or from before a slower pace was set) are not a faster engine."""
        rate = self.meter.rate() if self.state == "running" else None
        return min(rate, self.pace) if rate is not None and self.pace is not None else rate

    def state_text(self) -> str:
        if self.state == "diverged":
            return f"diverged at epoch {self.diverged_at}"
        return self.state
