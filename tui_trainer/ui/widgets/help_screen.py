"""The help screen (``?``): every key, every loss and optimizer in one line with its formula."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from ...engine import ACTIVATIONS, LOSSES, OPTIMIZERS

WORDS = """\
## What you are looking at

- **loss**: the error on one example. **cost**: the mean loss over a set of examples;
  the *train cost* over the examples the network learns from, the *test cost* over held-out
  examples it never trains on.
- **training** descends the cost, one step at a time: `w <- w - lr * dC/dw`. The minus sign
  goes downhill; `lr` is the learning rate, the size of the step. Too large and the cost
  jumps about or blows up (*diverged*): lower it (`-`) and press space.
- **batch GD** takes one step per epoch, on the gradient of all the training examples;
  **SGD** one step per example; **mini-batch** one step per `batch size` examples. They are
  the same rule with different batch sizes: smaller batches, noisier but more steps.
- **adam** keeps running means of each parameter's gradient and squared gradient, which
  gives every parameter its own step size; `lr` still scales them all.
- **dropout** switches off each hidden unit with that probability at every training step
  (the others are scaled up to match). It is off when the costs are measured.
- **gap** = test cost - train cost. It grows when the network learns the training examples
  by heart (overfits). ◆ marks the epoch of the lowest test cost; a vertical line marks
  every epoch where a setting changed.
- Regression targets are standardised (mean 0, standard deviation 1): their costs are in
  those units.
"""

KEY_HELP = {
    "pause": "pause or resume training (also after divergence or the last epoch)",
    "step": "train one epoch, while paused",
    "reset": "new random weights from the same seed; the history starts again",
    "reseed": "new random weights from the next seed",
    "lr-up": "learning rate x2 (at most 10)",
    "lr-down": "learning rate / 2 (at least 1e-6)",
    "lr-up-fine": "learning rate x1.25",
    "lr-down-fine": "learning rate / 1.25",
    "dropout-up": "dropout + 0.05 (at most 0.9)",
    "dropout-down": "dropout - 0.05",
    "batch-up": "batch size x2 (mini-batch)",
    "batch-down": "batch size / 2 (mini-batch)",
    "faster": "train faster: more epochs a second, up to no limit at all",
    "slower": "train slower, down to 1 epoch a second, to watch each step of the curves",
    "log": "cost chart: log10 of the cost, or the cost",
    "save": "save the run (weights, optimizer, history) to ./tui-trainer-DATASET.npz",
    "write": "write the settings to ./tui-trainer-DATASET.toml",
    "help": "this screen",
    "quit": "quit (also Ctrl+C)",
}


def help_markdown(keys: list[tuple[str, str, str]]) -> str:
    """``keys``: (binding id, the keys as shown, description) of the app's bindings."""
    lines = ["# tui-trainer", "", "## Keys", ""]
    for key_id, display, description in keys:
        lines.append(f"- `{display}` {KEY_HELP.get(key_id, description)}")
    lines += [
        "- `Tab` / `Shift+Tab` move between the choices on the left; `Enter` opens one. A new data set,",
        "  activation or hidden layers starts a new network; a new loss, optimizer or batch goes on",
        "  with the same weights (a vertical line on the charts marks it).",
        "- `Ctrl+P` lists every action.", "",
        WORDS,
        "## Losses (the loss of one example; `z` the network's outputs, `y` the target)", "",
    ]
    for name, loss in LOSSES.items():
        lines.append(f"- `{name}` ({' and '.join(loss.tasks)}): `{loss.formula}`")
    lines += ["", "## Optimizers (`g` = dC/dw, the gradient of the cost)", ""]
    for name, optimizer in OPTIMIZERS.items():
        lines.append(f"- `{name}`: `{optimizer.formula}`")
    lines += ["", "## Activations (between layers)", ""]
    for name, activation in ACTIVATIONS.items():
        lines.append(f"- `{name}`: `{activation.formula}`")
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Every key and what it does; the words and formulas on the screen."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: round $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, keys: list[tuple[str, str, str]]):
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # only when help is asked for: keeps the start fast

        with VerticalScroll() as scroll:
            scroll.border_title = "help  (Esc closes)"
            scroll.can_focus = True
            yield Markdown(help_markdown(self.keys))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
