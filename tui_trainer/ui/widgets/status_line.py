"""The status line: where the run is, in numbers, wrapped to the width it has."""

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


def status_fields(run: RunState, palette: dict[str, str] = DEFAULT_PALETTE) -> list[Text]:
    """The pieces of the status line, each kept whole when the line wraps. ``palette`` maps
    the theme's colour names (success, warning, error, accent, foreground-muted) to colours."""
    mark, role = STATE_STYLES.get(run.state, ("?", "foreground-muted"))
    muted = palette.get("foreground-muted", "")
    rate = run.rate
    fields = [Text.assemble((f"{mark} {run.state_text()}", f"bold {palette.get(role, '')}".strip()),
                            (f" {rate:,.0f} ep/s" if rate is not None else "", muted),
                            (f" (max {run.pace:g})" if run.pace is not None and run.state == "running" else "",
                             muted))]
    if run.state == "failed":
        fields.append(Text(run.failure, style=palette.get("error", "")))
        return fields
    last, info, settings = run.last, run.info, run.settings
    of = f"/{info.max_epochs:,}" if info is not None and info.max_epochs and run.epoch <= info.max_epochs else ""
    fields.append(Text.assemble("epoch ", (f"{run.epoch:,}", "bold"), of))
    if last is not None:
        fields += [
            Text.assemble("steps ", f"{last.steps:,}"),
            Text.assemble(("train ", muted), (number(last.train_cost), "bold")),
            Text.assemble(("test ", muted), (number(last.test_cost), "bold")),
            Text.assemble(("gap ", muted), f"{'+' if last.gap >= 0 else ''}{number(last.gap)}"),
            Text(metric_text(last.metric, last.test_metric)),
        ]
    if settings is not None:
        n_train = info.n_train if info is not None else None
        fields += [
            Text.assemble(("lr ", muted), (f"{settings.learning_rate:.3g}", "bold")),
            Text.assemble(("dropout ", muted), f"{settings.dropout:.2f}"),
            Text(settings.optimizer),
            Text(settings.describe_batch(n_train)),
        ]
    return fields


def wrap(fields: list[Text], width: int) -> list[Text]:
    """Lay the fields out in as few lines of ``width`` as they fit, never splitting one."""
    lines: list[Text] = []
    line = Text()
    for field in fields:
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
        return wrap(status_fields(self.run_state, self.palette()), max(20, width))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_region.width or self.size.width))
