"""The dashboard: trains a network live and lets the user steer it from the keyboard.

    run_dashboard(RunConfig())       # what `tui-trainer` does

The app talks to a training backend (``backends.TrainingBackend``): in production a spawned
process (``process.ProcessBackend``), in tests one in the same thread. Replies from it arrive
as messages (``messages.py``); the app keeps them in a ``RunState`` and draws from it at a
bounded rate: charts twice a second, the status line 10 times, whatever the epoch rate.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from functools import partial, wraps
from typing import Callable, Iterable

from textual.actions import parse as parse_action
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from ..config import RunConfig, write_toml
from ..data import DATASETS
from ..engine import MAX_DROPOUT, MAX_LEARNING_RATE, MIN_LEARNING_RATE, LOSSES, Change, Reset, apply_changes
from ..filemessages import cannot_write
from . import protocol
from .protocol import DEFAULT_PACE
from .backends import TrainingBackend
from .messages import (CommandRefused, EpochsCompleted, RunSaved, RunStarted, TrainingFailed, TrainingPaused,
                       TrainingResumed, message_for)
from .run_state import RunState
from .session import WRITE_WAY_OUT, config_with_settings
from .widgets.choices import ChoicesPane, hidden_label
from .widgets.cost_chart import CostChart
from .widgets.event_log import EventLog
from .widgets.gap_chart import GapChart
from .widgets.help_screen import KEY_HELP, HelpScreen
from .widgets.run_panel import RunPanel
from .widgets.status_line import StatusLine
from .widgets.update_rule import UpdateRule

CHART_INTERVAL = 0.5  # seconds between chart redraws (only if something changed)
STATUS_INTERVAL = 0.1
DROPOUT_STEP = 0.05
# Epochs a second the dashboard allows, slowest first (None: as fast as the machine goes).
PACES: tuple[float | None, ...] = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, None)
MIN_SIZE = (80, 24)
LR_KEYS = Binding.Group("LR")
DROPOUT_KEYS = Binding.Group("Dropout")
EXIT_GRACE = 3.0  # seconds a signalled app has to exit before it is ended outright
NEEDS_NETWORK: set[str] = set()  # the actions marked @needs_network


def needs_network(action: Callable) -> Callable:
    """An action on the network: pressed while the first network is being built (the first
    second after launch), it waits and runs once the network is there, instead of being lost;
    with no network at all (the training side failed) it is off."""
    NEEDS_NETWORK.add(action.__name__.removeprefix("action_"))

    @wraps(action)
    def run(self: "DashboardApp", *args) -> None:
        if self.run_state.info is None:
            if self.run_state.state == "starting":
                if not self.early_actions:  # hold training until they apply: from its first step
                    self.backend.send(protocol.Pause())
                self.early_actions.append((action, args))
            return
        action(self, *args)

    return run


def start_directory() -> str:
    """The directory the dashboard was started in, where ``s`` and ``w`` write. Read once: a
    directory removed while the dashboard runs then fails to be written to, with a message,
    instead of failing to be named."""
    try:
        return os.getcwd()
    except OSError:  # already removed when we started: a write will say so
        return "."


class DashboardApp(App[int]):
    """The tui-trainer dashboard.

    Parameters
    ----------
    config : RunConfig
        The run to start with (the backend builds it).
    backend : TrainingBackend
        Where training happens; ``process.ProcessBackend`` unless a test gives another.
    clock : callable
        Seconds, for the epoch rate (a fixed clock gives steady snapshots).
    handle_signals : bool
        Exit cleanly on SIGTERM and SIGHUP (``run_dashboard`` sets it).
    """

    CSS_PATH = "app.tcss"
    TITLE = "tui-trainer"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_SIZE[0], "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_SIZE[1], "-short"), (34, "-tall")]

    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/go", id="pause", priority=True),
        Binding("n", "step(1)", "Step", id="step"),
        Binding("r", "reset(False)", "Reset", id="reset"),
        # before the others in the footer, which a narrow terminal cuts at its right
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("R", "reset(True)", "New seed", id="reseed", show=False),
        # each pair one footer entry ("+ - LR"), so the footer fits 80 columns (it was cut at
        # "] Dropou")
        Binding("plus,equals_sign", "scale_learning_rate(2)", "LR x2", id="lr-up", key_display="+",
                group=LR_KEYS),
        Binding("minus,underscore", "scale_learning_rate(0.5)", "LR /2", id="lr-down", key_display="-",
                group=LR_KEYS),
        Binding("greater_than_sign,full_stop", "scale_learning_rate(1.25)", "LR x1.25", id="lr-up-fine",
                key_display=">", show=False),
        Binding("less_than_sign,comma", "scale_learning_rate(0.8)", "LR /1.25", id="lr-down-fine",
                key_display="<", show=False),
        Binding("right_square_bracket", "change_dropout(1)", "Dropout+", id="dropout-up", key_display="]",
                group=DROPOUT_KEYS),
        Binding("left_square_bracket", "change_dropout(-1)", "Dropout-", id="dropout-down", key_display="[",
                group=DROPOUT_KEYS),
        Binding("right_curly_bracket,b", "scale_batch_size(2)", "Batch x2", id="batch-up", key_display="}",
                show=False),
        Binding("left_curly_bracket,B", "scale_batch_size(0.5)", "Batch /2", id="batch-down", key_display="{",
                show=False),
        Binding("f", "scale_pace(1)", "Faster", id="faster", show=False),
        Binding("F", "scale_pace(-1)", "Slower", id="slower", show=False),
        Binding("l", "toggle_log", "Log", id="log"),
        Binding("s", "save", "Save", id="save", show=False),
        Binding("w", "write_settings", "Write TOML", id="write", show=False),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+c", "quit", "Quit", id="quit-ctrl-c", show=False, priority=True),
    ]

    def __init__(self, config: RunConfig, backend: TrainingBackend | None = None, *,
                 clock: Callable[[], float] = time.monotonic, handle_signals: bool = False,
                 pace: float | None = DEFAULT_PACE):
        super().__init__()
        if backend is None:
            from .process import ProcessBackend

            backend = ProcessBackend(config, pace=pace)
        self.backend = backend
        self.run_state = RunState(config, clock)
        self.run_state.pace = pace
        self.handle_signals = handle_signals
        self.signalled: int | None = None
        self.first_frame_at: float | None = None
        self.early_actions: list[tuple[Callable, tuple]] = []  # keys pressed before the first network
        self.hidden_chosen = config.hidden is not None  # else each data set brings its own
        # the CSV file of a --data run (its name as shown, its task, its fields), so the user can
        # go back to it after trying a built-in set
        self.csv: tuple[str, str, dict] | None = None
        self.files_dir = start_directory()  # where s and w write
        self._keys_state: tuple = ()  # check_action of each binding, when the footer was last refreshed
        self._parsed_bindings: list[tuple[str, tuple]] = []

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(f"Make the terminal larger: the dashboard needs {MIN_SIZE[0]}x{MIN_SIZE[1]}.\n"
                     "q quits.", id="too-small")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield Static("tui-trainer", id="side-title")
                # disabled until the training side has described the network: until then
                # the panes would show their first options, not the run's
                yield ChoicesPane(id="choices", disabled=True)
                yield UpdateRule(id="rule")
                yield Static("changes", id="events-title", classes="heading")
                yield EventLog(self.run_state, id="events")
            with TabbedContent(id="views"):
                with TabPane("Cost", id="cost-tab"):
                    yield CostChart(self.run_state, id="cost")
                    yield GapChart(self.run_state, id="gap")
                with TabPane("Run", id="run-tab"):
                    yield RunPanel(id="run-info")
        yield StatusLine(self.run_state, id="status")
        yield Footer()

    def on_mount(self) -> None:
        # kept: handlers and timers may run while another screen (help, palette) is on top
        self.status_line = self.query_one(StatusLine)
        self.event_log = self.query_one(EventLog)
        self.choices = self.query_one(ChoicesPane)
        self.update_rule = self.query_one(UpdateRule)
        self.run_panel = self.query_one(RunPanel)
        self.side_title = self.query_one("#side-title", Static)
        self.cost_chart = self.query_one(CostChart)
        self.charts = [self.cost_chart, self.query_one(GapChart)]
        if self.handle_signals:
            self.install_signal_handlers()
        self.set_interval(CHART_INTERVAL, self.redraw_charts)
        self.set_interval(STATUS_INTERVAL, self.update_status)
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        """After the first frame: connect to the training side (spawning its process now, if
        nobody started it earlier; see ``run_dashboard``)."""
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()
            self.backend.connect(lambda reply: self.post_message(message_for(reply)))

    def on_unmount(self) -> None:
        self.backend.close()

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGHUP (an SSH connection dropped) end the app as q does.

        Plain ``signal.signal`` handlers, not the event loop's: they run even while the main
        thread waits on a lock. After a hang-up Textual's output thread can die on the dead
        terminal and leave the app waiting for it; a last-resort thread then ends the training
        process and this one, so nothing is left behind.
        """
        loop = asyncio.get_running_loop()

        def on_signal(signum: int, frame) -> None:
            self.signalled = signum
            threading.Thread(target=self._exit_anyway, args=(signum,), daemon=True).start()
            loop.call_soon_threadsafe(partial(self.exit, return_code=128 + signum))

        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, on_signal)

    def _exit_anyway(self, signum: int) -> None:
        time.sleep(EXIT_GRACE)
        self.backend.close()
        os._exit(128 + signum)

    def redraw_charts(self) -> None:
        for chart in self.charts:
            chart.redraw_if_changed()

    def update_status(self) -> None:
        self.status_line.update_if_changed()
        self.event_log.update_if_changed()

    # -- replies from the training side ------------------------------------------------------------
    def on_run_started(self, message: RunStarted) -> None:
        started = message.started
        fresh = self.run_state.info is None
        self.run_state.started(started)
        info = started.info
        if started.config.data is not None:
            self.csv = (info.dataset, info.task,
                        {name: getattr(started.config, name)
                         for name in ("data", "target", "task", "drop_missing", "train_fraction")})
        self.choices.show(info, started.settings, self.dataset_options())
        self.choices.disabled = False
        self.run_panel.show(info)
        self.side_title.update(f"tui-trainer · {info.dataset}")
        if fresh and started.history is not None:
            self.run_state.note(f"resumed {info.dataset} at epoch {len(self.run_state.history)}")
        elif fresh:
            self.run_state.note(f"{info.dataset}: network {info.network}, seed {info.seed}")
        else:
            self.run_state.note(f"new network {info.network} on {info.dataset}, seed {info.seed}",
                                "change")
        self.settings_shown()
        self.redraw_all()
        early, self.early_actions = self.early_actions, []
        for action, args in early:  # the keys pressed while it was being built, in order
            if self.can_run(action.__name__.removeprefix("action_"), args):
                action(self, *args)
        if early and started.running and self.run_state.state == "running":
            # training was held (a Pause went first, see needs_network); the keys did not pause it
            self.backend.send(protocol.Resume())

    def on_epochs_completed(self, message: EpochsCompleted) -> None:
        self.run_state.epochs_done(message.stats)

    def on_training_paused(self, message: TrainingPaused) -> None:
        self.run_state.paused(message.reason, message.epoch)
        if message.reason == "diverged":
            text = (f"diverged at epoch {message.epoch}: the cost is not a finite number. "
                    "Weights are back to the start of that epoch; lower the learning rate (-) and press "
                    "space, or r for fresh weights if the cost had already soared.")
            self.run_state.note("diverged: -, then space", "error")  # the side panel's width
            self.notify(text, title="Training diverged", severity="error", timeout=8)
        elif message.reason == "finished":
            self.run_state.note("finished: space goes on")
        self.keys_may_have_changed()
        self.update_status()

    def on_training_resumed(self, message: TrainingResumed) -> None:
        self.run_state.resumed()
        self.clear_notifications()  # e.g. the divergence message: it has been dealt with
        self.keys_may_have_changed()

    def on_command_refused(self, message: CommandRefused) -> None:
        if self.run_state.engine_settings is not None:
            self.run_state.settings = self.run_state.engine_settings
            self.settings_shown()
        self.run_state.note(f"refused: {message.text}", "warning")
        self.notify(message.text, title="Not applied", severity="warning")

    def on_run_saved(self, message: RunSaved) -> None:
        if message.error:
            self.not_written(message.error)
            return
        self.run_state.note(f"saved {os.path.basename(message.path)}")
        self.notify(message.path, title="Run saved")  # the whole path: the log shows the name only

    def not_written(self, text: str) -> None:
        """A file the user asked for could not be written; training goes on as it was."""
        self.run_state.note(text, "error")
        self.notify(text, title="Not written", severity="error", timeout=10)

    def on_training_failed(self, message: TrainingFailed) -> None:
        self.run_state.failed(message.text, message.ended)
        if self.run_state.state == "failed":
            self.choices.disabled = True  # no network to change any more
        self.run_state.note(message.text, "error")
        self.notify(message.text, title="Training stopped", severity="error", timeout=10)
        self.keys_may_have_changed()

    # -- the choices pane ---------------------------------------------------------------------------
    def dataset_options(self) -> list[tuple[str, str]]:
        options = [(name, name) for name in DATASETS]
        if self.csv is not None:
            options.append((f"{self.csv[0]} (csv)", self.csv[0]))
        return options

    def on_choices_pane_changed(self, message: ChoicesPane.Changed) -> None:
        if not self.run_state.has_network:
            return
        if message.rebuilds:
            self.rebuild(message.name, message.value)
        else:
            self.change(**{message.name: message.value})

    def rebuild(self, name: str, value) -> None:
        """A new network: another data set, activation or hidden layers; the live settings stay."""
        config = config_with_settings(self.run_state.config, self.run_state.settings)
        if name == "dataset":
            if self.run_state.config.data is not None and value == self.run_state.info.dataset:
                return
            info = DATASETS.get(value)
            if self.csv is not None and value == self.csv[0]:  # back to the CSV file
                task, source = self.csv[1], dict(self.csv[2], dataset=None)
            else:
                task = info.task if info is not None else None
                source = dict(dataset=value, data=None, target=None, task=None, drop_missing=False,
                              train_fraction=None)
            loss = config.loss if task is not None and task in LOSSES[config.loss].tasks else None
            text = f"data set -> {value}"
            if loss is None and task is not None:  # the loss cannot serve this task: say so
                text += f", loss {config.loss} -> {config.replace(loss=None).loss_for(task)} (for {task})"
            config = config.replace(**source, samples=None, noise=None, loss=loss,
                                    hidden=config.hidden if self.hidden_chosen else None)
        elif name == "hidden":
            self.hidden_chosen = True
            config = config.replace(hidden=tuple(value))
            text = f"hidden layers -> {hidden_label(tuple(value))}"
        else:
            config = config.replace(**{name: value})
            text = f"{name} -> {value}"
        self.run_state.note(text + ": new network", "change")
        self.backend.send(protocol.Rebuild(config))

    # -- actions ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_pause" and self.screen is not self.screen_stack[0]:
            return False  # a space typed in the command palette is the palette's
        if self.too_small() and action != "quit":
            return False  # "Make the terminal larger ... q quits": no change made unseen
        return self.can_run(action, parameters)

    def too_small(self) -> bool:
        return self.size.width < MIN_SIZE[0] or self.size.height < MIN_SIZE[1]

    def on_resize(self) -> None:
        self.keys_may_have_changed()  # the keys come back (or go) with the dashboard

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Whether ``action`` can do something now (None: not now, shown dimmed)."""
        run = self.run_state
        if action in NEEDS_NETWORK and not run.has_network:
            return True if run.state == "starting" else None  # starting: it waits (needs_network)
        if action == "step" and run.state == "running":
            return None
        settings = run.settings
        if action == "scale_learning_rate" and settings is not None:
            lr = settings.learning_rate
            if (parameters[0] > 1 and lr >= MAX_LEARNING_RATE) or (parameters[0] < 1 and lr <= MIN_LEARNING_RATE):
                return None
        if action == "change_dropout" and settings is not None:
            dropout = settings.dropout
            if (parameters[0] > 0 and dropout >= MAX_DROPOUT) or (parameters[0] < 0 and dropout <= 0):
                return None
        if action == "scale_batch_size" and settings is not None:
            if settings.batch_mode != "mini-batch":
                return True  # the key says why it does nothing (action_scale_batch_size)
            n_train = run.info.n_train
            if (parameters[0] > 1 and settings.batch_size >= n_train) or (parameters[0] < 1 and settings.batch_size <= 1):
                return None  # a batch cannot hold more than the train part: x2 would shrink it
        if action == "scale_pace" and run.pace == (PACES[0] if parameters[0] < 0 else PACES[-1]):
            return None
        return True

    @needs_network
    def action_toggle_pause(self) -> None:
        if self.run_state.state == "running":
            self.run_state.state = "paused"
            self.backend.send(protocol.Pause())
        else:
            self.run_state.resumed()
            self.backend.send(protocol.Resume())
        self.keys_may_have_changed()
        self.update_status()

    @needs_network
    def action_step(self, n: int = 1) -> None:
        self.backend.send(protocol.Step(n))

    @needs_network
    def action_reset(self, new_seed: bool = False) -> None:
        seed = self.run_state.info.seed + 1 if new_seed else None
        self.run_state.note(f"reset the weights{f', seed {seed}' if seed is not None else ''}", "change")
        self.backend.send(Reset(seed))

    @needs_network
    def action_scale_learning_rate(self, factor: float) -> None:
        lr = self.run_state.settings.learning_rate
        new = min(MAX_LEARNING_RATE, max(MIN_LEARNING_RATE, float(f"{lr * factor:.6g}")))
        if new != lr:
            self.change(learning_rate=new)

    @needs_network
    def action_change_dropout(self, steps: int) -> None:
        dropout = self.run_state.settings.dropout
        new = min(MAX_DROPOUT, max(0.0, round(dropout + steps * DROPOUT_STEP, 2)))
        if new != dropout:
            self.change(dropout=new)

    @needs_network
    def action_scale_batch_size(self, factor: float) -> None:
        settings = self.run_state.settings
        if settings.batch_mode != "mini-batch":
            what = "batch GD takes all the train examples" if settings.batch_mode == "batch" else "SGD takes one"
            self.notify(f"{what} a step; the batch size is for mini-batch: pick it in Batch, on the left",
                        title="Batch size", severity="warning")
            return
        size = settings.batch_size
        n_train = self.run_state.info.n_train
        new = min(n_train, max(1, round(min(size, n_train) * factor)))
        if new != size:
            self.change(batch_size=new)

    def action_scale_pace(self, steps: int) -> None:
        """Faster (+1) or slower (-1) through ``PACES``; the fastest is no limit at all."""
        pace = self.run_state.pace
        nearest = min(range(len(PACES)), key=lambda i: abs((PACES[i] or 1e9) - (pace or 1e9)))
        new = PACES[min(len(PACES) - 1, max(0, nearest + steps))]
        if new != pace:
            self.run_state.pace = new
            self.backend.send(protocol.SetPace(new))
            self.run_state.note(f"speed -> {pace_text(new)}")
            self.keys_may_have_changed()
            self.update_status()

    def action_toggle_log(self) -> None:
        self.cost_chart.log_scale = not self.cost_chart.log_scale

    @needs_network
    def action_save(self) -> None:
        path = os.path.join(self.files_dir, f"tui-trainer-{self.run_state.info.dataset}.npz")
        self.backend.send(protocol.Save(path))

    @needs_network
    def action_write_settings(self) -> None:
        path = os.path.join(self.files_dir, f"tui-trainer-{self.run_state.info.dataset}.toml")
        run = self.run_state
        try:
            write_toml(path, config_with_settings(run.config, run.settings, run.info.seed))
        except OSError as err:
            self.not_written(cannot_write(path, err, WRITE_WAY_OUT))
            return
        except ValueError as err:
            self.not_written(f"cannot write {path}: {err}")
            return
        self.run_state.note(f"wrote {os.path.basename(path)}")
        self.notify(path, title="Settings written")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_list()))

    async def action_quit(self) -> None:
        self.exit(0)

    # -- changes of the live settings ----------------------------------------------------------------
    def change(self, **changes) -> None:
        """Ask the engine for new live settings: applied from its next step, marked on the charts."""
        old = self.run_state.settings
        try:
            new = apply_changes(old, changes, self.run_state.info.task)
        except ValueError as err:
            self.run_state.note(f"refused: {err}", "warning")
            return
        self.run_state.settings = new
        command = Change(changes)
        self.run_state.change_sent(command.sent_at, changes)
        self.backend.send(command)
        text = ", ".join(f"{_label(k)} {_show(getattr(old, k))} -> {_show(v)}" for k, v in changes.items())
        self.run_state.note(text, "change")
        self.settings_shown()

    def keys_may_have_changed(self) -> None:
        """Refresh the footer if a key's state (can run / dimmed / hidden) has changed. Every
        refresh rebuilds the footer and lays the screen out again (~10 ms); done on every key,
        a burst of keys (lr up and down, held) queued seconds of them, and q waited behind."""
        state = tuple(self.check_action(name, params) for name, params in self._binding_actions())
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    def _binding_actions(self) -> list[tuple[str, tuple]]:
        if not self._parsed_bindings:
            self._parsed_bindings = [parse_action(b.action)[1:] for b in self.BINDINGS]
        return self._parsed_bindings

    def settings_shown(self) -> None:
        """Show the live settings everywhere they appear."""
        settings, info = self.run_state.settings, self.run_state.info
        if settings is None or info is None:
            return
        self.update_rule.show(settings, info.task, hidden=len(info.sizes) > 2)
        self.choices.show(info, settings, self.dataset_options())
        self.keys_may_have_changed()
        self.update_status()

    def redraw_all(self) -> None:
        for chart in self.charts:
            chart.refresh()
        self.update_status()

    # -- keys, for the help screen and the command palette -------------------------------------------
    def key_list(self) -> list[tuple[str, str, str]]:
        keys = []
        for binding in self.BINDINGS:
            if binding.id == "quit-ctrl-c":
                continue
            shown = binding.key_display or self.get_key_display(binding)
            extra = binding.key.split(",")[1:]
            if extra:
                shown += " " + " ".join(_KEY_NAMES.get(k, k) for k in extra)
            keys.append((binding.id, shown, binding.description))
        return keys

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if binding.id in ("quit", "quit-ctrl-c", "help"):
                continue
            _, name, params = parse_action(binding.action)
            if self.can_run(name, params):  # not check_action: the palette is the screen now
                # the title is what the palette searches: "learning rate" finds LR x2
                yield SystemCommand(f"{binding.description} ({binding.key_display or binding.key}): "
                                    f"{KEY_HELP.get(binding.id, '')}".rstrip(": "),
                                    f"key {binding.key_display or binding.key}",
                                    partial(self.run_action, binding.action))
        yield SystemCommand("Help: keys, losses, optimizers (?)", "Every key and formula", self.action_help)


_KEY_NAMES = {"equals_sign": "=", "underscore": "_", "full_stop": ".", "comma": ",", "b": "b", "B": "B"}
_LABELS = {"learning_rate": "lr", "batch_size": "batch size", "batch_mode": "batch"}


def _label(name: str) -> str:
    return _LABELS.get(name, name)


def _show(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def pace_text(pace: float | None) -> str:
    return "no limit" if pace is None else f"{pace:g} epoch{'' if pace == 1 else 's'}/s at most"


def run_dashboard(config: RunConfig, resume: str | None = None, pace: float | None = DEFAULT_PACE) -> int:
    """Run the dashboard in this terminal until the user quits; returns the exit status.

    The training process is spawned once the first frame is drawn (measured on 2 cores:
    spawning it beside the interface's start delayed the first frame by 0.1 to 0.4 s and did
    not bring the first epoch sooner). It is ended on the way out, however the app ends (q,
    Ctrl+C, SIGTERM, SIGHUP, an error).
    """
    from .process import ProcessBackend

    # shutil.get_terminal_size, which Textual asks, believes these over the terminal: exported
    # (tmux puts them in a pane started without a client), they pin the app to one size
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    backend = ProcessBackend(config, resume=resume, pace=pace)
    app = DashboardApp(config, backend, handle_signals=True, pace=pace)
    try:
        app.run()
    finally:
        backend.close()
    if app.return_code is not None and app.return_code != 0:
        return app.return_code
    return 1 if app.run_state.state == "failed" else 0
