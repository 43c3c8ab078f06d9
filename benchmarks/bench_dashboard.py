"""The dashboard's speed, side by side with a reference measured in the same run.

    python benchmarks/bench_dashboard.py [--epochs 5000] [--presses 60] [--quick]

Prints one table; asserts nothing.

- epochs/s with the dashboard up, against the same run headless (``Trainer.run_epoch`` in a
  spawned process with one BLAS thread, as the dashboard's training process has): the real
  ``tui-trainer`` in tmux at 120x40 (its status line read every 10 ms), and the app driven by
  ``App.run_test`` with the training process (charts drawn, nothing written to a terminal).
- latency from a key press (Pilot) to the engine using the new setting, while training:
  ``Event.applied_at`` (stamped in the training process) minus the press time (both
  ``time.monotonic``, one clock for every process on Linux); and from the ``Change`` being
  sent to its use.
- one redraw (downsample, plot, build, parse into Rich text) of each chart at its size in a
  120x40 terminal, with 100,000 epochs of history, without and with 50 setting changes (the
  charts mark the latest 24); reference: the cost chart without downsampling.
- launch to first drawn frame: from starting the command in tmux to the chart title on the
  screen (read every 5 ms); reference: a bare Python printing a line, under the same tmux.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np

from tui_trainer.config import RunConfig

WARM_EPOCHS = 300
TARGETS = {"ratio": 0.95, "latency": 20.0, "redraw": 25.0, "first_frame": 0.8}


# -- epochs per second --------------------------------------------------------------------------
def _headless_child(conn, config: RunConfig, warm: int, n: int) -> None:
    trainer = config.make_trainer()
    for _ in range(warm):
        trainer.run_epoch()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        trainer.run_epoch()
    conn.send((n / (time.perf_counter() - started), n / (time.process_time() - cpu)))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def training_child(pid: int) -> int:
    """The training process among ``pid``'s children (not multiprocessing's resource tracker)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmd:
                return int(entry.name)
    raise RuntimeError("no training process found")


def headless_rate(config: RunConfig, warm: int, n: int) -> tuple[float, float]:
    """Epochs per second, and per CPU second, of a plain ``run_epoch`` loop in a spawned
    process with one BLAS thread."""
    from tui_trainer.ui.process import one_blas_thread

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    with one_blas_thread():
        process = ctx.Process(target=_headless_child, args=(child, config, warm, n))
        process.start()
    rate = parent.recv()
    process.join()
    return rate


class Tmux:
    """A tmux server of our own running one command."""

    def __init__(self, command: str, width: int = 120, height: int = 40):
        self.socket = f"tui-trainer-bench-{uuid.uuid4().hex[:8]}"
        self.run("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height),
                 f"env -u COLUMNS -u LINES {command}")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              timeout=10).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "b")

    def close(self) -> None:
        self.run("kill-server")


def dashboard_command(*args: str) -> str:
    script = Path(sys.executable).parent / "tui-trainer"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "tui_trainer"]
    return shlex.join(base + list(args))


EPOCH_RE = re.compile(r"epoch ([\d,]+)/")


def tmux_rate(warm: int, n: int) -> tuple[float, float]:
    """Epochs per second of the real dashboard in tmux, read off its status line, and per CPU
    second of its training process."""
    term = Tmux(dashboard_command("--epochs", str(warm + n), "--speed", "max"))
    try:
        start = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            screen = term.screen()
            now = time.monotonic()
            match = EPOCH_RE.search(screen)
            epoch = int(match.group(1).replace(",", "")) if match else 0
            if start is None and epoch >= warm:
                child = training_child(int(term.run("display", "-p", "-t", "b", "#{pane_pid}")))
                start = (now, epoch, cpu_seconds(child))
            if "finished" in screen and start is not None:
                done = warm + n - start[1]
                return done / (now - start[0]), done / (cpu_seconds(child) - start[2])
            time.sleep(0.01)
        raise RuntimeError("the dashboard did not finish")
    finally:
        term.run("send-keys", "-t", "b", "q")
        time.sleep(0.5)
        term.close()


async def _pilot_run(warm: int, n: int, presses: int) -> tuple[float, float, list[float], list[float]]:
    from tui_trainer.ui.app import DashboardApp
    from tui_trainer.ui.process import ProcessBackend

    config = RunConfig(epochs=warm + n)
    backend = ProcessBackend(config, pace=None)  # as fast as it goes: the ratio to headless
    app = DashboardApp(config, backend, pace=None)
    rng = np.random.default_rng(0)
    async with app.run_test(size=(120, 40)) as pilot:
        run = app.run_state
        while run.epoch < warm:
            await pilot.pause(0.005)
        t0, e0, c0 = time.monotonic(), run.epoch, cpu_seconds(backend.pid)
        while run.state != "finished":
            await pilot.pause(0.005)
        rate = (warm + n - e0) / (time.monotonic() - t0)
        per_cpu = (warm + n - e0) / (cpu_seconds(backend.pid) - c0)
        # latency, while training: a press, then the engine's stamp of its first use
        await pilot.press("space")
        while run.state != "running":
            await pilot.pause(0.005)
        pressed = []
        for i in range(presses):
            await pilot.pause(float(rng.uniform(0.02, 0.08)))
            pressed.append(time.monotonic())
            await pilot.press("plus" if i % 2 == 0 else "minus")
        deadline = time.monotonic() + 10
        while len(run.history.events) < presses and time.monotonic() < deadline:
            await pilot.pause(0.01)
        events = run.history.events[:presses]
        from_press = [1000 * (e.applied_at - t) for e, t in zip(events, pressed)]
        from_send = [1000 * (e.applied_at - e.sent_at) for e in events]
        await pilot.press("q")
    return rate, per_cpu, from_press, from_send


def pilot_run(warm: int, n: int, presses: int):
    return asyncio.run(_pilot_run(warm, n, presses))


# -- one chart redraw -------------------------------------------------------------------------------
class IdleBackend:
    def start(self): pass
    def connect(self, deliver): pass
    def send(self, command): pass
    def close(self): pass


def long_history(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    epoch = np.arange(1, n + 1, dtype=float)
    train = 1.1 * np.exp(-epoch / 3000) + 0.05 + 0.01 * rng.standard_normal(n)
    test = train + 0.3 * (1 - np.exp(-epoch / 20000)) + 0.02 * rng.standard_normal(n)
    return {"epoch": epoch, "steps": 4 * epoch, "train_cost": train, "test_cost": test,
            "train_metric": np.full(n, 0.9), "test_metric": np.full(n, 0.8), "seconds": np.full(n, 1e-3)}


async def _redraws(n_epochs: int, repeats: int, n_marks: int) -> dict[str, object]:
    from tui_trainer.engine import Event, History, Settings
    from tui_trainer.ui.app import DashboardApp
    from tui_trainer.ui.protocol import RunInfo
    from tui_trainer.ui.widgets import epoch_chart

    app = DashboardApp(RunConfig(), IdleBackend())
    async with app.run_test(size=(120, 40)) as pilot:
        run = app.run_state
        run.info = RunInfo("spiral", "spiral", "classification", 100, 100, (2, 64, 64, 3), "tanh", 0,
                           "accuracy", None)
        run.settings = Settings()
        events = [Event(int(e), "learning_rate 0.01 -> 0.02") for e in np.linspace(100, n_epochs - 100, n_marks)]
        run.history = History.from_arrays(long_history(n_epochs), events)
        await pilot.pause()
        out: dict[str, object] = {}
        for chart in app.charts:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                chart.render()
                times.append(1000 * (time.perf_counter() - started))
            out[type(chart).__name__] = (times, chart.size)
        # reference: the cost chart given every point
        identity = lambda x, y, columns: (x, y)  # noqa: E731
        saved = epoch_chart.minmax_downsample
        epoch_chart.minmax_downsample = identity
        try:
            started = time.perf_counter()
            app.cost_chart.render()
            out["no downsampling"] = 1000 * (time.perf_counter() - started)
        finally:
            epoch_chart.minmax_downsample = saved
    return out


# -- first frame ------------------------------------------------------------------------------------
def first_frame(command: str, marker: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.monotonic()
        term = Tmux(command)
        try:
            while marker not in term.screen():
                if time.monotonic() - started > 20:
                    raise RuntimeError(f"{command!r} showed no {marker!r}")
                time.sleep(0.005)
            times.append(time.monotonic() - started)
        finally:
            term.run("send-keys", "-t", "b", "q")
            time.sleep(0.3)
            term.close()
    return times


# -- the table --------------------------------------------------------------------------------------
def p95(values):
    return float(np.percentile(values, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5000, help="epochs timed per run (after 300 to warm up)")
    parser.add_argument("--presses", type=int, default=60, help="key presses for the latency")
    parser.add_argument("--quick", action="store_true", help="fewer epochs and runs")
    args = parser.parse_args()
    n = 1500 if args.quick else args.epochs
    runs = 2 if args.quick else 5
    have_tmux = shutil.which("tmux") is not None
    config = RunConfig(epochs=10**9)

    rows = []
    print(f"tui-trainer dashboard benchmark: default data set ({RunConfig().dataset or 'spiral'}), "
          f"{n:,} epochs timed after {WARM_EPOCHS}; {os.cpu_count()} CPUs", flush=True)

    (headless_1, cpu_1) = headless_rate(config, WARM_EPOCHS, n)
    tmux_epochs, tmux_cpu = tmux_rate(WARM_EPOCHS, n) if have_tmux else (None, None)
    pilot_epochs, pilot_cpu, from_press, from_send = pilot_run(WARM_EPOCHS, n, args.presses)
    (headless_2, cpu_2) = headless_rate(config, WARM_EPOCHS, n)
    headless, headless_cpu = (headless_1 + headless_2) / 2, (cpu_1 + cpu_2) / 2
    rows.append(("epochs/s headless (process, 1 BLAS thread)", f"{headless_1:,.0f} then {headless_2:,.0f}",
                 "reference", ""))
    if tmux_epochs is not None:
        rows.append(("epochs/s, tui-trainer in tmux 120x40", f"{tmux_epochs:,.0f}",
                     f"{tmux_epochs / headless:.2f}x headless", f">= {TARGETS['ratio']}x"))
    rows.append(("epochs/s, app in run_test 120x40", f"{pilot_epochs:,.0f}",
                 f"{pilot_epochs / headless:.2f}x headless", f">= {TARGETS['ratio']}x"))
    rows.append(("epochs per CPU second, headless process", f"{cpu_1:,.0f} then {cpu_2:,.0f}", "reference", ""))
    if tmux_cpu is not None:
        rows.append(("epochs per CPU second, training process (tmux)", f"{tmux_cpu:,.0f}",
                     f"{tmux_cpu / headless_cpu:.2f}x headless", ""))
    rows.append(("epochs per CPU second, training process (run_test)", f"{pilot_cpu:,.0f}",
                 f"{pilot_cpu / headless_cpu:.2f}x headless", ""))
    rows.append((f"key press -> engine uses it ({len(from_press)} presses)",
                 f"median {statistics.median(from_press):.1f} ms, p95 {p95(from_press):.1f} ms",
                 f"send -> use: median {statistics.median(from_send):.1f} ms, p95 {p95(from_send):.1f} ms",
                 f"median <= {TARGETS['latency']:.0f} ms"))

    for marks in (0, 50):
        redraw = asyncio.run(_redraws(100_000, 20, marks))
        for name in ("CostChart", "GapChart"):
            times, size = redraw[name]
            rows.append((f"{name} redraw, 100,000 epochs, {marks} changes ({size.width}x{size.height})",
                         f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms",
                         f"no downsampling: {redraw['no downsampling']:.0f} ms" if name == "CostChart" else "",
                         f"<= {TARGETS['redraw']:.0f} ms"))

    if have_tmux:
        frames = first_frame(dashboard_command(), "cost = mean loss", runs)
        bare = first_frame(shlex.join([sys.executable, "-c", "print('ready'); import time; time.sleep(5)"]),
                           "ready", runs)
        rows.append((f"launch -> first frame in tmux ({runs} runs)",
                     f"median {statistics.median(frames):.2f} s, max {max(frames):.2f} s",
                     f"bare python: {statistics.median(bare):.2f} s", f"<= {TARGETS['first_frame']} s"))
    else:
        rows.append(("launch -> first frame", "tmux not found", "", ""))

    widths = [max(len(str(r[i])) for r in rows + [("measure", "dashboard", "reference / ratio", "target")])
              for i in range(4)]
    header = ("measure", "dashboard", "reference / ratio", "target")
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print(line)


if __name__ == "__main__":
    main()
