"""The training side of the dashboard: one trainer, stepped epoch by epoch, and the commands
that steer it. The process backend runs a session in its child process; the in-process
backend (tests) runs one in the caller's thread. Imports no textual."""

from __future__ import annotations

import traceback
from collections import deque
from dataclasses import replace
from typing import Callable

from ..config import RunConfig
from ..engine import LOSSES, Change, Reset, Settings, Trainer
from ..filemessages import cannot_write
from ..runfile import save_run
from .protocol import (Command, Epochs, Failed, Pause, Paused, Quit, Rebuild, Refused, Reply, Resume,
                       Resumed, RunInfo, Save, Saved, SetPace, Started, Step)


# What to do when the dashboard cannot write a file: it writes to the directory it started in.
WRITE_WAY_OUT = "start tui-trainer in a directory you can write to"


def config_with_settings(config: RunConfig, settings: Settings, seed: int | None = None) -> RunConfig:
    """``config`` with the live settings and the trainer's ``seed`` (kept as ``weight_seed``,
    so the data stay those of ``config.seed``): what a save or a TOML keeps."""
    config = config.with_settings(settings)
    if seed is None:
        return config
    return config.replace(weight_seed=None if seed == config.seed else seed)


def one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class TrainingSession:
    """A trainer and the host commands (``protocol``); every reply goes to ``emit``.

    ``running``: whether epochs follow one another (the host loop calls ``run_epoch``) or
    training waits for ``Resume`` or ``Step``. Training pauses by itself when the network
    diverges and when it reaches the config's number of epochs.
    """

    def __init__(self, config: RunConfig, emit: Callable[[Reply], None], *, resume: str | None = None,
                 running: bool = True, pace: float | None = None):
        self.config = config
        self.pace = pace  # epochs a second at most (the host loop waits between epochs); None: no limit
        self.emit = emit
        self.resume = resume
        self.running = running
        self.pause_reason = "" if running else "paused"
        self.trainer: Trainer | None = None
        self.dataset_name = self.description = ""
        self.quit = False
        self.deferred: deque[Command] = deque()  # host commands that arrived mid-epoch
        self.poll: Callable[[], None] | None = None  # given to every trainer built

    # -- building -----------------------------------------------------------------------------
    def start(self) -> None:
        """Build the first network (or load the run to resume) and say so."""
        try:
            if self.resume is not None:
                self._load(self.resume)
            else:
                self._build(self.config)
        except Exception as err:  # noqa: BLE001 - any failure is shown, not raised
            self.running = False
            self.emit(Failed(one_line(err), traceback.format_exc()))

    def _build(self, config: RunConfig, after: float = 0.0) -> None:
        data = config.load_data()
        trainer = config.make_trainer(data)
        self._install(config, trainer, data.name, data.description, after)

    def _load(self, path: str) -> None:
        try:
            from ..runfile import load_run
        except ImportError as err:
            raise RuntimeError(f"cannot resume {path}: tui_trainer.runfile is missing ({err})") from None
        config, trainer = load_run(path, self.config)
        name = config.dataset_name
        self._install(config, trainer, name, f"{name} (resumed from {path})")

    def _install(self, config: RunConfig, trainer: Trainer, name: str, description: str,
                 after: float = 0.0) -> None:
        trainer.poll = self.poll
        self.trainer, self.config = trainer, config
        self.dataset_name, self.description = name, description
        self._fresh_start()
        self._announce(after)
        if trainer.max_epochs is not None and trainer.epoch >= trainer.max_epochs:  # a resumed run
            self._pause("finished")

    def _fresh_start(self) -> None:
        """A new network trains at once unless the user had paused (not if training had
        stopped by itself, at the last epoch or on divergence)."""
        if not self.running and self.pause_reason in ("finished", "diverged"):
            self.running, self.pause_reason = True, ""

    def _pause(self, reason: str) -> None:
        self.running, self.pause_reason = False, reason
        self.emit(Paused(reason, self._epoch()))

    def _announce(self, after: float = 0.0) -> None:
        t = self.trainer
        history = t.history.as_arrays() if len(t.history) else None
        info = RunInfo(dataset=self.dataset_name, description=self.description,
                       task=t.task, n_train=t.n_train, n_test=len(t.X_test), sizes=tuple(t.sizes),
                       activation=t.activation, seed=t.seed, metric=t.metric_name, max_epochs=t.max_epochs)
        self.config = config_with_settings(self.config, t.settings, seed=t.seed)
        self.emit(Started(self.config, info, t.settings, self.running, history, tuple(t.history.events), after))

    # -- commands -------------------------------------------------------------------------------
    def handle(self, command: Command) -> None:
        """Apply a command now (between two epochs, or a ``Change`` between two steps)."""
        if isinstance(command, Quit):
            self.quit = True
        elif isinstance(command, SetPace):
            self.pace = command.epochs_per_second
        elif isinstance(command, Pause):
            self._pause("paused")
        elif isinstance(command, Resume):
            if self.trainer is None:
                self.emit(Refused("there is no network to train: choose a data set"))
                return
            self.running, self.pause_reason = True, ""
            self.emit(Resumed())
        elif isinstance(command, Rebuild):
            self._rebuild(command.config, command.sent_at)
        elif self.trainer is None:
            self.emit(Refused("there is no network yet: choose a data set"))
        elif isinstance(command, Change):
            try:
                self.trainer.send(command)
            except ValueError as err:
                self.emit(Refused(one_line(err)))
        elif isinstance(command, Reset):
            self.trainer.apply_queued()  # the changes sent before the reset, then the reset
            self.trainer.apply(command)  # between epochs, never mid-epoch: it replaces the model
            self._fresh_start()
            self._announce(after=command.sent_at)
        elif isinstance(command, Step):
            if not self.running:
                self.pause_reason = "paused"  # stepping by hand: a new network waits too, even past the end
            for _ in range(max(1, command.n)):
                if self.run_epoch().state == "diverged":
                    break
        elif isinstance(command, Save):
            self._save(command.path)
        else:
            self.emit(Refused(f"unknown command {command!r}"))

    def _rebuild(self, config: RunConfig, sent_at: float = 0.0) -> None:
        try:
            self._build(config, after=sent_at)
        except Exception as err:  # noqa: BLE001 - a bad data set keeps the network we have
            self.emit(Refused(one_line(err)))

    def _save(self, path: str) -> None:
        try:
            save_run(path, config_with_settings(self.config, self.trainer.settings, self.trainer.seed),
                     self.trainer)
        except OSError as err:
            self.emit(Saved(path, cannot_write(path, err, WRITE_WAY_OUT)))
            return
        except Exception as err:  # noqa: BLE001 - not saved, and training goes on
            self.emit(Saved(path, f"cannot save {path}: {one_line(err)}"))
            return
        self.emit(Saved(path))

    def _epoch(self) -> int:
        return self.trainer.epoch if self.trainer is not None else 0

    # -- training -------------------------------------------------------------------------------
    def run_epoch(self):
        """One epoch; pauses on divergence and on reaching the config's number of epochs."""
        trainer = self.trainer
        stats = trainer.run_epoch()
        self.emit(Epochs((stats,)))
        if stats.state == "diverged":
            self.running, self.pause_reason = False, "diverged"
            self.emit(Paused("diverged", stats.epoch))
        elif trainer.max_epochs is not None and stats.epoch == trainer.max_epochs and self.running:
            self._pause("finished")
        return stats
