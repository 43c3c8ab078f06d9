"""Messages the training side's replies become in the dashboard, named as events.

The backend's reader thread posts them (``App.post_message`` is thread-safe); the app
handles them in its own thread, so no widget is ever touched from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..engine import EpochStats
from . import protocol


@dataclass
class RunStarted(Message):
    """A network was built: at launch, after a reset or a rebuild."""

    started: protocol.Started


@dataclass
class EpochsCompleted(Message):
    """One or more epochs were trained, oldest first."""

    stats: tuple[EpochStats, ...]


@dataclass
class TrainingPaused(Message):
    """Training stopped: ``reason`` is "paused", "diverged" or "finished"."""

    reason: str
    epoch: int


@dataclass
class TrainingResumed(Message):
    """Training goes on."""


@dataclass
class CommandRefused(Message):
    """A command was not applied; ``text`` says why."""

    text: str


@dataclass
class RunSaved(Message):
    """The run was saved to ``path``, or ``error`` says why it was not."""

    path: str
    error: str = ""


@dataclass
class TrainingFailed(Message):
    """The training side could not do something (``ended``: it could not go on at all)."""

    text: str
    detail: str = ""
    ended: bool = False


def message_for(reply: protocol.Reply) -> Message:
    """The message a reply from the training side becomes."""
    if isinstance(reply, protocol.Epochs):
        return EpochsCompleted(reply.stats)
    if isinstance(reply, protocol.Started):
        return RunStarted(reply)
    if isinstance(reply, protocol.Paused):
        return TrainingPaused(reply.reason, reply.epoch)
    if isinstance(reply, protocol.Resumed):
        return TrainingResumed()
    if isinstance(reply, protocol.Refused):
        return CommandRefused(reply.text)
    if isinstance(reply, protocol.Saved):
        return RunSaved(reply.path, reply.error)
    if isinstance(reply, protocol.Failed):
        return TrainingFailed(reply.text, reply.detail, reply.ended)
    return TrainingFailed(f"unexpected reply from the training side: {reply!r}")
