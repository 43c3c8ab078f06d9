"""The real training process: commands reach it while it trains, and it never outlives the
dashboard."""

import os
import subprocess
import sys
import textwrap
import threading
import time

from tui_trainer.config import RunConfig
from tui_trainer.engine import Change
from tui_trainer.ui import protocol
from tui_trainer.ui.app import DashboardApp
from tui_trainer.ui.process import ProcessBackend

CONFIG = RunConfig(dataset="spiral", seed=0, epochs=1_000_000)


def gone(pid: int, timeout: float = 5.0) -> bool:
    """Whether process ``pid`` has ended within ``timeout`` seconds (a zombie has ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


class Replies:
    def __init__(self):
        self.items = []
        self.arrived = threading.Condition()

    def __call__(self, reply):
        with self.arrived:
            self.items.append(reply)
            self.arrived.notify_all()

    def wait_for(self, predicate, timeout=20.0):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not any(predicate(r) for r in self.items):
                left = deadline - time.monotonic()
                assert left > 0, f"no such reply within {timeout} s: {self.items[-3:]}"
                self.arrived.wait(left)
        return next(r for r in self.items if predicate(r))

    def events(self):
        return [e for r in self.items if isinstance(r, protocol.Epochs) for s in r.stats for e in s.events]


def test_a_change_reaches_the_training_process_while_it_trains():
    backend = ProcessBackend(CONFIG)
    replies = Replies()
    backend.connect(replies)
    try:
        started = replies.wait_for(lambda r: isinstance(r, protocol.Started))
        assert started.info.dataset == "spiral" and started.running
        replies.wait_for(lambda r: isinstance(r, protocol.Epochs))
        backend.send(Change({"learning_rate": 0.02}))
        replies.wait_for(lambda r: isinstance(r, protocol.Epochs) and any(s.events for s in r.stats))
        event = replies.events()[0]
        assert event.text == "learning_rate 0.01 -> 0.02"
        assert 0 <= event.applied_at - event.sent_at < 1.0
        backend.send(protocol.Pause())
        paused = replies.wait_for(lambda r: isinstance(r, protocol.Paused))
        assert paused.reason == "paused"
        epochs = [s.epoch for r in replies.items if isinstance(r, protocol.Epochs) for s in r.stats]
        assert epochs == list(range(1, len(epochs) + 1))  # every epoch, in order, none lost
    finally:
        backend.close()
    assert backend.process.exitcode == 0
    assert gone(backend.pid)


def test_a_bad_change_is_refused_and_training_goes_on():
    backend = ProcessBackend(CONFIG)
    replies = Replies()
    backend.connect(replies)
    try:
        replies.wait_for(lambda r: isinstance(r, protocol.Started))
        backend.send(Change({"loss": "mse_typo"}))
        refused = replies.wait_for(lambda r: isinstance(r, protocol.Refused))
        assert "mse_typo" in refused.text
        n = len(replies.items)
        replies.wait_for(lambda r: isinstance(r, protocol.Epochs) and replies.items.index(r) > n)
    finally:
        backend.close()
    assert gone(backend.pid)


async def until(pilot, predicate, timeout: float = 20.0) -> None:
    """Let the app run until ``predicate()`` holds, or ``timeout`` seconds have gone."""
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_the_dashboard_with_the_training_process_takes_a_key_and_leaves_nothing_behind():
    backend = ProcessBackend(CONFIG)
    app = DashboardApp(CONFIG, backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.run_state.epoch >= 5)
        assert app.run_state.state == "running" and app.run_state.epoch >= 5
        await pilot.press("plus")
        await until(pilot, lambda: app.run_state.history.events)
        assert app.run_state.history.events[0].text == "learning_rate 0.01 -> 0.02"
        pid = backend.pid
        await pilot.press("q")
    assert gone(pid)
    assert backend.process.exitcode == 0


async def test_a_training_process_that_dies_leaves_the_dashboard_failed_not_running():
    """kill -KILL of the training process: a notice came, but the status line said "running"
    and space still toggled running and paused."""
    import signal

    backend = ProcessBackend(CONFIG)
    app = DashboardApp(CONFIG, backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.run_state.epoch >= 3)
        os.kill(backend.pid, signal.SIGKILL)
        await until(pilot, lambda: app.run_state.state == "failed")
        assert app.run_state.state == "failed"
        assert "ended unexpectedly" in app.run_state.failure
        assert app.check_action("toggle_pause", ()) is None and app.check_action("reset", (False,)) is None
        assert app.choices.disabled  # a new data set or optimizer has nothing to go to
        await pilot.press("q")


def test_the_training_process_ends_when_the_dashboard_is_killed(tmp_path):
    script = textwrap.dedent("""
        import os, signal, sys, time
        from tui_trainer.config import RunConfig
        from tui_trainer.ui.process import ProcessBackend
        if __name__ == "__main__":
            backend = ProcessBackend(RunConfig(dataset="spiral", epochs=1_000_000))
            backend.start()
            print(backend.pid, flush=True)
            time.sleep(2)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    path = tmp_path / "dashboard.py"
    path.write_text(script)
    parent = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.wait(timeout=30)
    assert gone(child, timeout=10)


def test_the_training_side_imports_no_textual():
    code = ("import sys; import tui_trainer.ui.process, tui_trainer.ui.session, tui_trainer.ui.protocol; "
            "print('textual' in sys.modules, 'plotext' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_pace_holds_epochs_back_until_lifted():
    backend = ProcessBackend(CONFIG, pace=4.0)
    replies = Replies()
    backend.connect(replies)
    try:
        replies.wait_for(lambda r: isinstance(r, protocol.Started))
        time.sleep(1.0)
        epochs = lambda: sum(len(r.stats) for r in list(replies.items) if isinstance(r, protocol.Epochs))  # noqa: E731
        # 4 a second at most: unpaced, this spiral runs hundreds of epochs a second
        assert epochs() <= 4 * 1.0 + 3
        backend.send(protocol.SetPace(None))
        replies.wait_for(lambda r: epochs() > 200)
    finally:
        backend.close()
    assert gone(backend.pid)
