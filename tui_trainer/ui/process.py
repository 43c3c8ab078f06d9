"""Training in a separate process, so the dashboard's drawing never slows it down.

Measured on a 2-core machine: a Textual thread worker trained at about 0.3x the headless
speed (plotext's drawing holds the GIL); a spawned process trains at about 1.0x and takes a
key's change within a few milliseconds.

The dashboard (parent) and the training process (child) share one duplex ``Pipe``. The
parent sends ``protocol`` commands; the child runs a ``TrainingSession`` and sends back its
replies, coalescing the records of fast epochs into one message at most every 50 ms. Within
an epoch the trainer calls ``poll`` about every 2 ms, which hands any ``Change`` to the
trainer at once; other commands wait for the end of the epoch. The child ends when the pipe
breaks, when its parent dies, or on ``Quit``. Imports no textual.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Callable, Iterator

from ..config import RunConfig
from .protocol import Command, Epochs, Failed, Quit, Reply

FLUSH_INTERVAL = 0.05  # seconds: at most ~20 messages a second, whatever the epoch rate
PAUSED_WAIT = 0.5  # seconds a paused child blocks on the pipe before looking at its parent again
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS")


# -- the parent's side ----------------------------------------------------------------------------
class ProcessBackend:
    """Runs the training session in a spawned process.

    ``start()`` spawns the child (``connect`` does, if not done yet); ``connect(deliver)``
    starts a thread that hands each reply to ``deliver`` (called from that thread); ``send``
    a command; ``close()`` ends the child and waits for it (terminating it if it does not
    answer).
    """

    def __init__(self, config: RunConfig, *, resume: str | None = None, running: bool = True,
                 pace: float | None = None):
        self.config = config
        self.pace = pace
        self.resume = resume
        self.running = running
        self.process: multiprocessing.process.BaseProcess | None = None
        self.log_path: Path | None = None
        self._conn = None
        self._reader: threading.Thread | None = None
        self._send_lock = threading.Lock()
        self._closing = False
        self._early: list[Command] = []  # sent before the process was started: sent once it is

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        if self.process is not None:
            return
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self.log_path = Path(tempfile.mkdtemp(prefix="tui-trainer-")) / "training.log"
        self.process = ctx.Process(target=child_main, name="tui-trainer training", daemon=True,
                                   args=(child_conn, self.config, self.resume, self.running, str(self.log_path),
                                         self.pace))
        with real_stderr(), one_blas_thread():
            self.process.start()
        child_conn.close()
        early, self._early = self._early, []
        for command in early:
            self.send(command)

    def connect(self, deliver: Callable[[Reply], None]) -> None:
        self.start()
        if self._reader is None:
            self._reader = threading.Thread(target=self._read, args=(deliver,), name="tui-trainer replies",
                                            daemon=True)
            self._reader.start()

    def _read(self, deliver: Callable[[Reply], None]) -> None:
        while True:
            try:
                reply = self._conn.recv()
            except (EOFError, OSError):
                if not self._closing:
                    deliver(Failed(f"the training process ended unexpectedly; its log: {self.log_path}",
                                   ended=True))
                return
            try:
                deliver(reply)
            except RuntimeError:  # the app's loop has closed: we are on the way out
                if self._closing:
                    return
                raise

    def send(self, command: Command) -> None:
        if self._conn is None:  # e.g. f pressed before the first frame, which starts the process
            self._early.append(command)
            return
        with self._send_lock:
            try:
                self._conn.send(command)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass  # the reader reports the child's end

    def close(self, timeout: float = 2.0) -> None:
        """Ask the child to quit; terminate it if it has not within ``timeout``; reap it."""
        if self.process is None or self.process.pid is None or self._closing:
            return
        self._closing = True
        self.send(Quit())
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        if self._reader is not None:
            self._reader.join(1.0)
        self._conn.close()
        if self.log_path is not None and (self.process.exitcode == 0 or _empty(self.log_path)):
            shutil.rmtree(self.log_path.parent, ignore_errors=True)  # kept only if it has something to say


def _empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return True


@contextlib.contextmanager
def real_stderr() -> Iterator[None]:
    """Textual replaces sys.stderr with an object whose fileno() is -1, which breaks spawning
    (multiprocessing's resource tracker passes stderr's descriptor on); put the real one back."""
    saved = sys.stderr
    try:
        ok = saved is not None and saved.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        ok = False
    if not ok:
        sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = saved


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """One BLAS thread in the child (read when it imports NumPy): the parent needs the other core."""
    saved = {name: os.environ.get(name) for name in ONE_THREAD}
    os.environ.update({name: "1" for name in ONE_THREAD})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- the child's side -------------------------------------------------------------------------------
class Outbox:
    """Sends replies to the parent, coalescing epoch records: one message at most every
    ``FLUSH_INTERVAL`` while epochs are fast, at once for anything else."""

    def __init__(self, conn):
        self.conn = conn
        self.pending: list = []
        self.last_flush = 0.0

    def put(self, reply: Reply) -> None:
        if isinstance(reply, Epochs):
            self.pending.extend(reply.stats)
            if time.monotonic() - self.last_flush >= FLUSH_INTERVAL:
                self.flush()
        else:
            self.flush()
            self.conn.send(reply)

    def flush(self) -> None:
        if self.pending:
            stats, self.pending = tuple(self.pending), []
            self.conn.send(Epochs(stats))
        self.last_flush = time.monotonic()


def child_main(conn, config: RunConfig, resume: str | None, running: bool, log_path: str,
               pace: float | None = None) -> None:
    """The training process: a session driven by the pipe until ``Quit`` or the pipe breaks."""
    _redirect_output(log_path)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the dashboard
    # so does a hang-up (the terminal closed): the dashboard restores it and sends Quit; if the
    # dashboard is gone instead, the broken pipe (or SIGTERM, below) ends this process
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _die_with_parent()
    from .session import TrainingSession
    from ..engine import Change

    outbox = Outbox(conn)
    session = TrainingSession(config, outbox.put, resume=resume, running=running, pace=pace)
    next_epoch_at = 0.0  # with a pace: when the next epoch may start
    parent = os.getppid()
    # one poll object, not Connection.poll: that builds a selector per call (~12 us, called
    # twice an epoch or more: 5% of a fast epoch)
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)

    def poll() -> None:  # within an epoch: changes now, everything else after the epoch
        while poller.poll(0):
            command = conn.recv()
            if isinstance(command, Change):
                session.handle(command)
            else:
                session.deferred.append(command)

    session.poll = poll
    try:
        session.start()
        while not session.quit:
            while session.deferred and not session.quit:
                session.handle(session.deferred.popleft())
            if session.quit:
                break
            if session.running and session.trainer is not None:
                poll()
                wait = next_epoch_at - time.monotonic() if session.pace else 0.0
                if wait > 0 and not session.deferred:
                    outbox.flush()
                    if poller.poll(wait * 1000):  # a key answers at once, even while we wait
                        session.deferred.append(conn.recv())
                elif not session.deferred:
                    started = time.monotonic()
                    session.run_epoch()
                    if session.pace:
                        next_epoch_at = started + 1.0 / session.pace
            else:
                outbox.flush()
                if poller.poll(PAUSED_WAIT * 1000):
                    session.deferred.append(conn.recv())
                elif os.getppid() != parent:
                    break
        outbox.flush()
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the dashboard has gone: so do we
    except Exception as err:  # noqa: BLE001 - tell the dashboard, then end
        traceback.print_exc()
        with contextlib.suppress(Exception):
            outbox.flush()
            conn.send(Failed(f"training stopped: {type(err).__name__}: {err}", traceback.format_exc(),
                             ended=True))
    finally:
        conn.close()


def _redirect_output(log_path: str) -> None:
    """The child inherits the terminal: send its output to a log file instead."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)


def _die_with_parent() -> None:
    """Linux: get SIGTERM if the parent dies (the pipe's end also tells, a moment later)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
