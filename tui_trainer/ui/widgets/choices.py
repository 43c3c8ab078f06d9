"""The pane of choices: data set, loss, optimizer, batch, activation and hidden layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, Select

from ...data import DATASETS
from ...engine import ACTIVATIONS, BATCH_MODES, LOSSES, OPTIMIZERS, Settings
from ..protocol import RunInfo

BATCH_MODE_LABELS = {"batch": "batch GD", "sgd": "SGD (1)", "mini-batch": "mini-batch"}
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
HIDDEN_PRESETS = ((), (4,), (8,), (16,), (32,), (64,), (8, 8), (16, 16), (32, 32), (64, 64), (128, 128),
                  (256, 256), (16, 16, 16), (32, 32, 32))
REBUILDS = ("dataset", "activation", "hidden")  # a choice that needs a new network
CHOICES = (  # (name, label)
    ("dataset", "Data set"),
    ("loss", "Loss"),
    ("optimizer", "Optimizer"),
    ("batch_mode", "Batch"),
    ("batch_size", "Size"),
    ("activation", "Activation"),
    ("hidden", "Hidden"),
)


def hidden_label(hidden: tuple[int, ...]) -> str:
    return ", ".join(str(h) for h in hidden) if hidden else "none"


class ChoicesPane(Vertical):
    """One compact Select per choice; Tab moves between them, Enter opens one.

    Posts ``ChoicesPane.Changed`` when the user picks a new value (not when ``show`` sets it).
    """

    DEFAULT_CSS = """
    ChoicesPane {
        height: auto;
    }
    ChoicesPane > .choice {
        height: 1;
    }
    ChoicesPane .choice-label {
        width: 11;
        color: $text-muted;
    }
    ChoicesPane Select {
        width: 1fr;
    }
    /* the choice that Enter opens: its label in reverse video, which stays plain to see
       without colour (the Select's own focus shade differed by one grey level) */
    ChoicesPane > .choice.-focused .choice-label {
        color: $text-accent;
        text-style: bold reverse;
    }
    ChoicesPane Select:focus > SelectCurrent {
        text-style: bold;
    }
    """

    @dataclass
    class Changed(Message):
        """The user picked ``value`` for the choice ``name`` (a field of RunConfig / Settings)."""

        name: str
        value: Any

        @property
        def rebuilds(self) -> bool:
            """Whether the change needs a new network (else the engine goes on with its weights)."""
            return self.name in REBUILDS

    def __init__(self, *, id: str | None = None, disabled: bool = False):
        super().__init__(id=id, disabled=disabled)
        self.current: dict[str, Any] = {}
        self._options_shown: dict[str, list] = {}  # the options each Select was last given

    def compose(self) -> ComposeResult:
        initial = {
            "dataset": [(name, name) for name in DATASETS],
            "loss": [(name, name) for name in LOSSES],
            "optimizer": [(name, name) for name in OPTIMIZERS],
            "batch_mode": [(BATCH_MODE_LABELS[m], m) for m in BATCH_MODES],
            "batch_size": [(str(n), n) for n in BATCH_SIZES],
            "activation": [(name, name) for name in ACTIVATIONS],
            "hidden": [(hidden_label(h), h) for h in HIDDEN_PRESETS],
        }
        for name, label in CHOICES:
            with Horizontal(classes="choice"):
                yield Label(label, classes="choice-label")
                # no type-to-search: it took the keys the footer offers (+, -, ], [) while a list was open
                yield Select(initial[name], compact=True, allow_blank=False, type_to_search=False,
                             id=f"choice-{name}")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark_focused()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_focused()

    def _mark_focused(self) -> None:
        """Mark the row whose Select has the focus (Textual does not restyle a focused
        widget's siblings, so ``:focus-within`` would not reach the label)."""
        focused = self.app.focused
        for row in self.query(".choice"):
            row.set_class(focused is not None and row in focused.ancestors, "-focused")

    def show(self, info: RunInfo, settings: Settings, dataset_options: list[tuple[str, Any]] | None = None) -> None:
        """Show the run's values, with the losses that can train its task (posts nothing)."""
        hidden = tuple(info.sizes[1:-1])
        values = {
            "dataset": info.dataset,
            "loss": settings.loss,
            "optimizer": settings.optimizer,
            "batch_mode": settings.batch_mode,
            # what a step takes: batch GD all of the train part, SGD one (the size is kept for mini-batch)
            "batch_size": {"batch": info.n_train, "sgd": 1}.get(settings.batch_mode, settings.batch_size),
            "activation": info.activation,
            "hidden": hidden,
        }
        options = {
            "loss": [(name, name) for name, loss in LOSSES.items() if info.task in loss.tasks],
            # no size above the train part (a batch holds at most all of it), but the one in use
            "batch_size": [(str(n), n) for n in sorted({*(n for n in BATCH_SIZES if n < info.n_train),
                                                          info.n_train, settings.batch_size})],
            "hidden": [(hidden_label(h), h) for h in sorted({*HIDDEN_PRESETS, hidden}, key=lambda h: (len(h), h))],
        }
        if dataset_options is not None:
            options["dataset"] = dataset_options
        elif info.dataset not in DATASETS:
            options["dataset"] = [(name, name) for name in DATASETS] + [(info.dataset, info.dataset)]
        self.current = dict(values)
        for name, value in values.items():
            select = self.query_one(f"#choice-{name}", Select)
            # only what differs: setting a Select lays the screen out again (~10 ms), and this
            # runs on every key (a burst of keys queued seconds of layouts, and q waited behind)
            with select.prevent(Select.Changed):
                if name in options and options[name] != self._options_shown.get(name):
                    select.set_options(options[name])
                    self._options_shown[name] = options[name]
                if select.value != value:
                    select.value = value
        # the size is that of a mini-batch; batch GD and SGD fix their own
        self.query_one("#choice-batch_size", Select).disabled = settings.batch_mode != "mini-batch"
        # an activation acts between layers: a network without a hidden layer has none
        self.query_one("#choice-activation", Select).disabled = not hidden

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = (event.select.id or "").removeprefix("choice-")
        if name not in self.current or self.current[name] == event.value:
            return  # before the run is shown, or the value shown already
        self.current[name] = event.value
        self.post_message(self.Changed(name, event.value))
