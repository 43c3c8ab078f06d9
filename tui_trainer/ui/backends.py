"""Training backends: what the dashboard talks to. The process backend (``process.py``) in
production; the in-process backend below in tests, which runs the very same session and
commands synchronously, so a test can press a key and look at the real ``Trainer``."""

from __future__ import annotations

from typing import Callable, Protocol

from ..config import RunConfig
from ..engine import Trainer
from .protocol import Command, Quit, Reply
from .session import TrainingSession


class TrainingBackend(Protocol):
    """``start`` (may be called early, before the app runs), ``connect(deliver)`` to receive
    replies, ``send`` commands, ``close`` to end training and free its resources."""

    def start(self) -> None: ...

    def connect(self, deliver: Callable[[Reply], None]) -> None: ...

    def send(self, command: Command) -> None: ...

    def close(self) -> None: ...


class InProcessBackend:
    """The session in the caller's thread. Commands apply at once (``Step`` trains right
    there); while "running", epochs happen only when the caller calls ``run_epochs``."""

    def __init__(self, config: RunConfig, *, resume: str | None = None, running: bool = False):
        self.config = config
        self.resume = resume
        self.running = running
        self.session: TrainingSession | None = None
        self.sent: list[Command] = []
        self._early: list[Command] = []

    @property
    def trainer(self) -> Trainer | None:
        return self.session.trainer if self.session is not None else None

    def start(self) -> None:
        pass

    def connect(self, deliver: Callable[[Reply], None]) -> None:
        if self.session is None:
            self.session = TrainingSession(self.config, deliver, resume=self.resume, running=self.running)
            self.session.start()
            early, self._early = self._early, []
            for command in early:
                self.session.handle(command)

    def send(self, command: Command) -> None:
        self.sent.append(command)
        if self.session is None:  # before connect: kept for the session, as the process backend does
            self._early.append(command)
            return
        self.session.handle(command)

    def run_epochs(self, n: int) -> None:
        """Train up to ``n`` epochs while the session is running (as the process's loop does)."""
        for _ in range(n):
            if not (self.session.running and self.session.trainer is not None):
                return
            self.session.run_epoch()

    def close(self) -> None:
        if self.session is not None:
            self.session.handle(Quit())
