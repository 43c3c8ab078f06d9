"""The real command in a real terminal (tmux), as a person would run it."""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.tmux, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


def dashboard_command() -> list[str]:
    """The installed console script next to this Python, else the module."""
    script = Path(sys.executable).parent / "tui-trainer"
    if script.exists():
        return [str(script), "--epochs", "1000000"]
    return [sys.executable, "-m", "tui_trainer", "--epochs", "1000000"]


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "(gone)"


def all_gone(pids, timeout=5.0):
    """Every process in ``pids`` ends within ``timeout`` seconds (multiprocessing's resource
    tracker ends when it sees its parent's pipe close: a moment after the app)."""
    try:
        wait_until(lambda: not any(alive(p) for p in pids), timeout)
    except AssertionError:
        raise AssertionError(f"left behind: {[cmdline(p) for p in pids if alive(p)]}") from None


def wait_until(predicate, timeout=15.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


class Terminal:
    """A tmux server of our own (its own socket) with one pane running a shell command."""

    def __init__(self, command: str, width: int = 120, height: int = 40):
        self.socket = f"tui-trainer-test-{uuid.uuid4().hex[:8]}"
        # tmux started without a terminal may put COLUMNS and LINES in the pane's environment,
        # which pins the app's idea of its size (shutil.get_terminal_size reads them first)
        command = f"env -u COLUMNS -u LINES {command}"
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command,
                  ";", "set-option", "-t", "t", "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              timeout=10).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def show(self, text: str, timeout: float = 15.0) -> str:
        """Wait until ``text`` is on the screen; returns the screen."""
        try:
            return wait_until(lambda: self.screen() if text in self.screen() else "", timeout, repr(text))
        except AssertionError:
            raise AssertionError(f"{text!r} not shown within {timeout} s; the screen:\n{self.screen()}") from None

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def flag(self, name: str) -> str:
        return self.tmux("display", "-p", "-t", "t", f"#{{{name}}}").strip()

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal():
    made = []

    def make(command: str, width: int = 120, height: int = 40) -> Terminal:
        made.append(Terminal(command, width, height))
        return made[-1]

    yield make
    for t in made:
        t.close()


def start_dashboard(terminal, width=120, height=40):
    """The dashboard under a shell that reports its exit status and keeps the pane alive, so
    the terminal's state after the app can be read. Returns (terminal, app pid)."""
    cmd = shlex.join(dashboard_command())
    term = terminal(f"sh -c '{cmd}; echo EXIT=$?; sleep 60'", width, height)
    shell = int(term.flag("pane_pid"))
    app = wait_until(lambda: next(iter(children(shell)), None), what="the app's process")
    return term, app


def assert_restored(term):
    assert term.flag("alternate_on") == "0"  # back from the app's screen
    assert term.flag("cursor_flag") == "1"  # cursor shown
    assert term.flag("mouse_any_flag") == "0"


def test_the_dashboard_draws_takes_keys_and_quits_leaving_nothing(terminal):
    term, app = start_dashboard(terminal)
    screen = term.show("cost = mean loss per epoch")
    assert "gap = test cost - train cost" in screen
    running = term.show("● running")
    assert "epoch" in running
    term.show("lr 0.01  dropout 0.00  adam  mini-batch 32")  # the settings, on the status line's second line
    helpers = wait_until(lambda: children(app) if len(children(app)) >= 1 else None, what="the training process")
    term.keys("+")
    term.show("lr 0.02")
    term.show("lr 0.01 -> 0.02")  # the event log
    term.keys("space")
    term.show("❚❚ paused")
    paused_at = term.screen()
    term.keys("]")
    term.show("dropout 0.05")
    term.keys("n")
    wait_until(lambda: term.screen() != paused_at, what="one more epoch")
    term.keys("q")
    term.show("EXIT=0")
    all_gone([app, *helpers])
    assert_restored(term)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_dashboard_cleanly(terminal, signum):
    term, app = start_dashboard(terminal)
    term.show("● running")
    helpers = wait_until(lambda: children(app) or None, what="the training process")
    os.kill(app, signum)
    term.show(f"EXIT={128 + signum}")
    all_gone([app, *helpers])
    assert_restored(term)


@pytest.mark.parametrize("under_a_shell", [False, True, True])
def test_closing_the_terminal_leaves_no_process(terminal, under_a_shell):
    """Like a dropped SSH connection: the pty goes and SIGHUP comes. Textual can then block
    on its dead output; the app must end anyway, within its grace time, with its helpers."""
    if under_a_shell:
        term, app = start_dashboard(terminal)
    else:
        term = terminal(shlex.join(dashboard_command()))
        app = int(term.flag("pane_pid"))
    term.show("● running")
    helpers = children(app)
    assert helpers
    term.close()
    all_gone([app, *helpers], timeout=10)


def test_closing_the_terminal_leaves_no_log_directory(terminal, tmp_path):
    """The training process's log goes to a temporary directory, kept only when the log has
    something to say. A hang-up reached the training process too, which died of it: its
    empty log's directory stayed behind, one per closed terminal."""
    # under a shell, as over SSH: when the shell goes, the hang-up reaches the whole group
    cmd = f"env TMPDIR={tmp_path} {shlex.join(dashboard_command())}"
    term = terminal(f"sh -c '{cmd}; sleep 60'")
    app = wait_until(lambda: next(iter(children(int(term.flag("pane_pid")))), None), what="the app's process")
    term.show("● running")
    helpers = children(app)
    assert helpers and list(tmp_path.glob("tui-trainer-*"))
    term.close()
    all_gone([app, *helpers], timeout=10)
    assert list(tmp_path.iterdir()) == []


def test_small_terminals(terminal):
    term, _ = start_dashboard(terminal, 80, 24)
    screen = term.show("cost = mean loss")
    assert "gap" in screen and "epoch" in screen
    term.tmux("resize-window", "-t", "t", "-x", "70", "-y", "20")
    term.show("Make the terminal larger")
    term.tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
    term.show("cost = mean loss")
    term.keys("q")
    term.show("EXIT=0")
