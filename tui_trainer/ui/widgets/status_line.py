"""The status line: where the run is, in numbers, wrapped to the width it has.

Three groups, each kept on one line when it fits: where the run is (state, pace, epoch,
steps), how it does (train and test cost, gap, score) and how it is set (learning rate,
dropout, optimizer, batch). At 120 columns the first two share a line and the settings take
the second; at 80 each group has its own line. A break never falls inside a group that fits,
so the train cost never sits on one line and the test cost on the next."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ..run_state import RunState
from ..theme_colors import theme_color

STATE_STYLES = {  # mark, theme colour
    "starting": ("…", "foreground-muted"),
    "running": ("●", "success"),
    "paused": ("❚❚", "warning"),
    "diverged": ("✖", "error"),
    "finished": ("■", "accent"),
    "failed": ("✖", "error"),
}
DEFAULT_PALETTE = {"foreground-muted": "", "success": "green", "warning": "yellow", "error": "red", "accent": "magenta"}
SEPARATOR = "  "


def number(value: float) -> str:
    """A cost or a score in at most 6 characters: 0.1234, 12.35, 1.2e+03."""
    if value != value:
        return "nan"
    if value == 0 or 1e-3 <= abs(value) < 100:
        return f"{value:.4f}" if abs(value) < 10 else f"{value:.2f}"
    return f"{value:.2g}"


def metric_text(name: str, value: float) -> str:
    if name == "accuracy":
        return f"test acc {100 * value:.1f}%"
    # a diverging regression's R² can be -1e30: keep the field short
    return f"test R² {value:.3f}" if abs(value) < 1e4 else f"test R² {value:.2e}"


def status_groups(run: RunState, palette: dict[str, str] = DEFAULT_PALETTE) -> list[list[Text]]:
    """The pieces of the status line in their groups: [progress, results, settings]; a group
    is empty until there is something to show. ``palette`` maps the theme's colour names
    (success, warning, error, accent, foreground-muted) to colours."""
    mark, role = STATE_STYLES.get(run.state, ("?", "foreground-muted"))
    muted = palette.get("foreground-muted", "")
    rate = run.rate
    progress = [Text.assemble((f"{mark} {run.state_text()}", f"bold {palette.get(role, '')}".strip()),
                              (f" {rate:,.0f} ep/s" if rate is not None else "", muted),
                              (f" (max {run.pace:g})" if run.pace is not None and run.state == "running" else "",
                               muted))]
    if run.state == "failed":
        return [progress, [Text(run.failure, style=palette.get("error", ""))], []]
    last, info, settings = run.last, run.info, run.settings
    of = f"/{info.max_epochs:,}" if info is not None and info.max_epochs and run.epoch <= info.max_epochs else ""
    progress.append(Text.assemble("epoch ", (f"{run.epoch:,}", "bold"), of))
    results: list[Text] = []
    if last is not None:
        progress.append(Text.assemble("steps ", f"{last.steps:,}"))
        results = [
            Text.assemble(("train ", muted), (number(last.train_cost), "bold")),
            Text.assemble(("test ", muted), (number(last.test_cost), "bold")),
            Text.assemble(("gap ", muted), f"{'+' if last.gap >= 0 else ''}{number(last.gap)}"),
            Text(metric_text(last.metric, last.test_metric)),
        ]
    setting_fields: list[Text] = []
    if settings is not None:
        n_train = info.n_train if info is not None else None
        setting_fields = [
            Text.assemble(("lr ", muted), (f"{settings.learning_rate:.3g}", "bold")),
            Text.assemble(("dropout ", muted), f"{settings.dropout:.2f}"),
            Text(settings.describe_optimizer()),
            Text(settings.describe_batch(n_train)),
        ]
    return [progress, results, setting_fields]


def status_fields(run: RunState, palette: dict[str, str] = DEFAULT_PALETTE) -> list[Text]:
    """The pieces of the status line, in order, without their groups."""
    return [field for group in status_groups(run, palette) for field in group]


def _joined(fields: list[Text]) -> Text:
    return Text(SEPARATOR).join(fields)


def wrap(groups: list[list[Text]], width: int) -> list[Text]:
    """Lay the groups out in lines of ``width``: a group goes on the current line if it fits
    there, else it starts a line; a group wider than a whole line is wrapped between its
    fields, never inside one."""
    lines: list[Text] = []
    line = Text()
    for group in filter(None, groups):
        whole = _joined(group)
        if line.cell_len and line.cell_len + len(SEPARATOR) + whole.cell_len <= width:
            line.append(SEPARATOR)
            line.append_text(whole)
            continue
        if line.cell_len:
            lines.append(line)
            line = Text()
        for field in group:
            if line.cell_len and line.cell_len + len(SEPARATOR) + field.cell_len > width:
                lines.append(line)
                line = Text()
            if line.cell_len:
                line.append(SEPARATOR)
            line.append_text(field)
    lines.append(line)
    return lines


class StatusLine(Widget):
    """Epoch, steps, train and test cost, gap, accuracy or R², learning rate, dropout,
    optimizer, batch, epochs per second and the state."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, run_state: RunState, *, id: str | None = None):
        super().__init__(id=id)
        self.run_state = run_state
        self._shown: str = ""

    def update_if_changed(self) -> None:
        lines = self._lines(self.content_region.width or self.size.width)
        text = "\n".join(line.plain for line in lines)
        if text != self._shown:
            # a new layout only when the line count changes: a layout pass costs the whole screen
            relayout = text.count("\n") != self._shown.count("\n")
            self._shown = text
            self.refresh(layout=relayout)

    def palette(self) -> dict[str, str]:
        return {name: theme_color(self.app, name).hex for name in DEFAULT_PALETTE}

    def _lines(self, width: int) -> list[Text]:
        return wrap(status_groups(self.run_state, self.palette()), max(20, width))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_region.width or self.size.width))
