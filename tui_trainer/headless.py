"""Training without the dashboard: a live progress line in a terminal, plain lines when piped,
a summary at the end, and a clean stop on Ctrl+C (the epoch under way is finished first)."""

from __future__ import annotations

import contextlib
import math
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from typing import Iterator, TextIO

import numpy as np

from .engine import EpochStats, Trainer

REDRAW_INTERVAL = 0.1  # seconds between redraws of the progress line
MIN_BAR = 10  # the progress bar's least width, else none
SOARED = 1e6  # a kept cost this many times the first epoch's: the weights are past saving
SAME_CTRL_C = 0.05  # seconds: a second SIGINT sooner than this is the same Ctrl+C


class StopFlag:
    """Set by the first Ctrl+C, or by output that cannot be written: training stops after the
    epoch under way. ``output_error``: why the output failed, if it did."""

    def __init__(self) -> None:
        self.requested = False
        self.requested_at = -math.inf
        self.output_error: OSError | None = None


@contextlib.contextmanager
def stop_on_sigint() -> Iterator[StopFlag]:
    """While inside, the first Ctrl+C sets the flag; a second one interrupts at once
    (KeyboardInterrupt). Outside the main thread the flag is never set.

    A SIGINT within ``SAME_CTRL_C`` of the first is not a second Ctrl+C: ``timeout -s INT``
    signals the command and then its process group, so one request can arrive twice, and the
    second threw the run away unsaved."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        now = time.monotonic()
        if flag.requested and now - flag.requested_at >= SAME_CTRL_C:
            raise KeyboardInterrupt
        if not flag.requested:
            flag.requested, flag.requested_at = True, now

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


class GuardedOutput:
    """The progress output (stdout). A write that fails, e.g. a reader gone (``| head -1``)
    or a full disk, stops the output and asks training to stop after the epoch, like a Ctrl+C,
    so that --history and --save are still written; the error is kept in ``stop``."""

    def __init__(self, out: TextIO, stop: StopFlag):
        self.out, self.stop = out, stop
        self.encoding = getattr(out, "encoding", None)

    def isatty(self) -> bool:
        return self.out.isatty()

    def write(self, text: str) -> None:
        self._do(self.out.write, text)

    def flush(self) -> None:
        self._do(self.out.flush)

    def _do(self, call, *args) -> None:
        if self.stop.output_error is not None:
            return
        try:
            call(*args)
        except OSError as err:
            self.stop.output_error, self.stop.requested = err, True


@dataclass
class Outcome:
    """How a headless run ended: "finished", "stopped" (Ctrl+C) or "diverged"."""

    status: str
    first_epoch: int  # the epoch the run started from (0, or the saved epoch)
    total: int
    seconds: float
    diverged: EpochStats | None = None

    def epochs_trained(self, trainer: Trainer) -> int:
        return trainer.epoch - self.first_epoch


def train(trainer: Trainer, total: int, progress: "Progress", stop: StopFlag) -> Outcome:
    """Run epochs until ``total``, a divergence or a stop request."""
    trainer.max_epochs = total
    first, started = trainer.epoch, time.perf_counter()
    progress.start(trainer, total)
    status, diverged = "finished", None
    while trainer.epoch < total:
        if stop.requested:
            status = "stopped"
            break
        stats = trainer.run_epoch()
        if stats.state == "diverged":
            status, diverged = "diverged", stats
            break
        progress.update(stats, time.perf_counter() - started, trainer.epoch - first)
    progress.finish()
    return Outcome(status, first, total, time.perf_counter() - started, diverged)


# -- how an epoch is shown ---------------------------------------------------------------------
def cost(x: float) -> str:
    return f"{x:.6g}"


def metric(x: float, digits: int = 4) -> str:
    # accuracy is in [0, 1], but R² of a diverging regression can be hugely negative
    return f"{x:.{digits}f}" if abs(x) < 1e3 else f"{x:.{digits}g}"


def epoch_fields(stats: EpochStats) -> str:
    """``train_cost 0.41234  test_cost 0.50121  gap 0.088870  accuracy 0.8500/0.8100``"""
    return (f"train_cost {cost(stats.train_cost)}  test_cost {cost(stats.test_cost)}  gap {cost(stats.gap)}  "
            f"{stats.metric} {metric(stats.train_metric)}/{metric(stats.test_metric)}")


class Progress:
    """Shows epochs as they end. The base class shows nothing (--quiet)."""

    def start(self, trainer: Trainer, total: int) -> None:
        pass

    def update(self, stats: EpochStats, seconds: float, trained: int) -> None:
        pass

    def finish(self) -> None:
        pass


class EpochLines(Progress):
    """One plain line per epoch (or every ``every``-th, and the last), for pipes and logs."""

    def __init__(self, out: TextIO, every: int = 1):
        self.out, self.every = out, every

    def start(self, trainer: Trainer, total: int) -> None:
        self.total = total

    def update(self, stats: EpochStats, seconds: float, trained: int) -> None:
        if stats.epoch % self.every == 0 or stats.epoch == self.total:
            self.out.write(f"epoch {stats.epoch}  {epoch_fields(stats)}\n")
            self.out.flush()


class ProgressBar(Progress):
    """One line redrawn in place (``\\r``), at most every ``REDRAW_INTERVAL`` seconds."""

    def __init__(self, out: TextIO):
        self.out = out
        fancy = (getattr(out, "encoding", None) or "").lower().replace("-", "").startswith("utf")
        self.full, self.empty = ("█", "░") if fancy else ("#", "-")
        self.drawn_at = -math.inf
        self.last: tuple[EpochStats, float, int] | None = None

    def start(self, trainer: Trainer, total: int) -> None:
        self.total, self.first = total, trainer.epoch

    def update(self, stats: EpochStats, seconds: float, trained: int) -> None:
        self.last = (stats, seconds, trained)
        now = time.monotonic()
        if now - self.drawn_at >= REDRAW_INTERVAL or stats.epoch == self.total:
            self.drawn_at = now
            self.draw()

    def draw(self) -> None:
        if self.last is None:
            return
        stats, seconds, trained = self.last
        width = shutil.get_terminal_size((100, 24)).columns - 3  # room for an echoed ^C: no wrap
        rate = trained / seconds if seconds > 0 else 0.0
        digits = len(str(self.total))
        head = f"epoch {stats.epoch:>{digits}}/{self.total} "
        costs = f" train {cost(stats.train_cost)}  test {cost(stats.test_cost)}  gap {cost(stats.gap)}"
        # the numbers before the bar: on a narrow terminal the rate goes, then the train score,
        # then the bar (at 80 columns the bar kept its width and the scores were cut off)
        scores = f"{costs}  {stats.metric} {metric(stats.train_metric, 3)}/{metric(stats.test_metric, 3)}"
        short = "acc" if stats.metric == "accuracy" else stats.metric
        tails = (f"{scores}  {rate:.0f} epochs/s", scores, f"{costs}  test {short} {metric(stats.test_metric, 3)}")
        tail = next((t for t in tails if len(head) + len(t) + MIN_BAR <= width), None)
        if tail is None:  # no room for a bar
            tail = next((t for t in tails if len(head) + len(t) <= width), tails[-1])
            bar = ""
        else:
            bar_width = min(30, width - len(head) - len(tail))
            filled = round(bar_width * stats.epoch / self.total) if self.total else bar_width
            bar = self.full * filled + self.empty * (bar_width - filled)
        line = f"{head}{bar}{tail}"
        self.out.write("\r" + line[:width] + "\x1b[K")  # then clear to the end of the line
        self.out.flush()

    def finish(self) -> None:
        if self.last is not None:
            self.draw()
            self.out.write("\n")
            self.out.flush()


def summary(trainer: Trainer, outcome: Outcome) -> list[str]:
    """The closing lines: how it ended, the final costs, the best test cost and its epoch."""
    trained = outcome.epochs_trained(trainer)
    rate = trained / outcome.seconds if outcome.seconds > 0 else 0.0
    how = {"finished": "finished", "stopped": "stopped (Ctrl+C)"}.get(outcome.status)
    if outcome.diverged is not None:
        how = f"diverged (at epoch {outcome.diverged.epoch}; the epoch before it is kept)"
    lines = [f"{how}  epoch {trainer.epoch}/{outcome.total}  trained {trained} epoch{'' if trained == 1 else 's'} in "
             f"{outcome.seconds:.2f} s  ({rate:.1f} epochs/s)"]
    h = trainer.history
    if len(h):
        last = -1
        train, test = float(h["train_cost"][last]), float(h["test_cost"][last])
        lines.append(f"final  train_cost {cost(train)}  test_cost {cost(test)}  gap {cost(test - train)}  "
                     f"{trainer.metric_name} {metric(h['train_metric'][last])}/{metric(h['test_metric'][last])}")
        best = int(np.nanargmin(h["test_cost"]))
        lines.append(f"best  test_cost {cost(float(h['test_cost'][best]))}  epoch {int(h['epoch'][best])}")
    return lines


def divergence_message(trainer: Trainer, stats: EpochStats) -> str:
    """One line: where it diverged, and the way out."""
    lr = trainer.settings.learning_rate
    costs = (stats.train_cost, stats.test_cost)
    what = "NaN" if any(math.isnan(c) for c in costs) else "inf" if any(math.isinf(c) for c in costs) else "non-finite"
    h = trainer.history
    kept = float(h["train_cost"][-1]) if len(h) else math.nan
    if len(h) >= 2 and kept > SOARED * float(h["train_cost"][0]):
        # the weights kept have soared already: a lower rate from them goes on from that cost
        return (f"diverged at epoch {stats.epoch}: the cost became {what}, and by epoch {int(h['epoch'][-1])} "
                f"it had soared to {kept:.3g} (from {float(h['train_cost'][0]):.3g}); start again, without "
                f"--load, with a lower --lr (it was {lr:g}; e.g. --lr {lr / 10:g})")
    return (f"diverged at epoch {stats.epoch}: the cost became {what}; try a lower --lr "
            f"(it was {lr:g}; e.g. --lr {lr / 10:g})")
