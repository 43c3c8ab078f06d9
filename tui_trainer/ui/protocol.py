"""What the dashboard and its training side say to each other, as small picklable records.

The dashboard sends the engine's own commands (``Change``, ``Reset``) and the host commands
below; the training side answers with the replies below. The same records travel through a
pipe to a training process, or are handed over directly to an in-process backend (tests).

Imports no textual: the training process loads this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Union

from ..config import RunConfig
from ..engine import Change, EpochStats, Event, Reset, Settings


# -- host commands (dashboard -> training side) ------------------------------------------------
@dataclass(frozen=True)
class Pause:
    """Stop after the epoch under way."""


@dataclass(frozen=True)
class Resume:
    """Train epoch after epoch again."""


@dataclass(frozen=True)
class Step:
    """While paused: train ``n`` epochs, then stay paused."""

    n: int = 1


@dataclass(frozen=True)
class Rebuild:
    """A new network (and data) from ``config``: a new data set, activation or hidden layers."""

    config: RunConfig
    sent_at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Save:
    """Save the run (config, weights, optimizer state, history) to ``path``."""

    path: str


DEFAULT_PACE = 30.0  # epochs a second: the default spiral overfits in ~150 epochs, 5 s to watch, not 0.1 s


@dataclass(frozen=True)
class SetPace:
    """Train at most ``epochs_per_second`` epochs a second (None: as fast as the machine can),
    so that a person can watch the curves form; training never waits inside an epoch."""

    epochs_per_second: float | None


@dataclass(frozen=True)
class Quit:
    """End the training side."""


Command = Union[Change, Reset, Pause, Resume, Step, Rebuild, Save, SetPace, Quit]


# -- replies (training side -> dashboard) --------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    """What the dashboard shows about the network being trained."""

    dataset: str
    description: str
    task: str
    n_train: int
    n_test: int
    sizes: tuple[int, ...]
    activation: str
    seed: int
    metric: str
    max_epochs: int | None

    @property
    def network(self) -> str:
        """The layers' widths and the activation between them: "2-64-64-3 tanh"; a network
        without a hidden layer has no activation: "1-1 linear"."""
        widths = "-".join(str(s) for s in self.sizes)
        return f"{widths} {self.activation if len(self.sizes) > 2 else 'linear'}"


@dataclass(frozen=True)
class Started:
    """A network was built (at launch, on a reset or a rebuild): the dashboard starts its
    history afresh, from ``history`` (the columns of a resumed run) if given. ``settings``
    are those of the moment: a change the dashboard sent after the command this answers
    (``after``) is still to come, and the dashboard shows it on top of them."""

    config: RunConfig
    info: RunInfo
    settings: Settings
    running: bool
    history: dict[str, Any] | None = None
    events: tuple[Event, ...] = ()
    after: float = 0.0  # the sent_at of the Reset or Rebuild this answers (0: the first network)


@dataclass(frozen=True)
class Epochs:
    """One or more epochs done, oldest first (several when epochs are fast)."""

    stats: tuple[EpochStats, ...]


@dataclass(frozen=True)
class Paused:
    """Training stopped: ``reason`` is "paused", "diverged" or "finished"."""

    reason: str
    epoch: int = 0


@dataclass(frozen=True)
class Resumed:
    """Training goes on."""


@dataclass(frozen=True)
class Refused:
    """A command was not applied; ``text`` says why, in one line."""

    text: str


@dataclass(frozen=True)
class Saved:
    """The answer to ``Save``: the run is in ``path``, or, if ``error`` (one line) says why
    not, nothing was written there and training goes on."""

    path: str
    error: str = ""


@dataclass(frozen=True)
class Failed:
    """Something went wrong on the training side; ``text`` is one line, ``detail`` the traceback.
    ``ended``: the training side is gone (nothing more will come), not just one command failed."""

    text: str
    detail: str = field(default="", repr=False)
    ended: bool = False


Reply = Union[Started, Epochs, Paused, Resumed, Refused, Saved, Failed]
