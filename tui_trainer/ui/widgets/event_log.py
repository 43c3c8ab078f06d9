"""The short event log: the last few changes, newest at the bottom."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.widget import Widget

from ..run_state import RunState
from ..theme_colors import theme_color

EPOCH_WIDTH = 6  # the epoch column, before each entry's text
KIND_COLORS = {"change": "text-primary", "warning": "text-warning", "error": "text-error", "info": "foreground"}


class EventLog(Widget):
    """The newest entries of the run's log that fit, each with the epoch it happened at, and
    each whole: the side column is narrow, and a cut entry ("data set -> spiral: new ne…")
    hid what had changed."""

    DEFAULT_CSS = """
    EventLog {
        height: 1fr;
        min-height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, run_state: RunState, *, id: str | None = None):
        super().__init__(id=id)
        self.run_state = run_state
        self._shown = -1

    def update_if_changed(self) -> None:
        stamp = (len(self.run_state.log), self.run_state.log[-1].text if self.run_state.log else "")
        if stamp != self._shown:
            self._shown = stamp
            self.refresh()

    def render(self) -> Text:
        """The newest entries that fit, each whole: a long one wraps under its text."""
        height = max(1, self.content_region.height or self.size.height)
        width = max(1, self.content_region.width or self.size.width)
        if not self.run_state.log:
            return Text("changes appear here", style="dim")
        muted = theme_color(self.app, "foreground-muted").hex
        shown: list[tuple[int, list[str], str]] = []  # newest first: epoch, rows, kind
        rows_left = height
        for line in reversed(self.run_state.log):
            rows = textwrap.wrap(line.text, max(8, width - EPOCH_WIDTH), break_on_hyphens=False) or [""]
            if len(rows) > rows_left:
                if not shown:  # the newest alone is taller than the log: its first rows
                    rows = rows[:rows_left]
                    rows[-1] = rows[-1][:max(0, width - EPOCH_WIDTH - 1)] + "…"
                    shown.append((line.epoch, rows, line.kind))
                break
            shown.append((line.epoch, rows, line.kind))
            rows_left -= len(rows)
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, (epoch, rows, kind) in enumerate(reversed(shown)):
            style = theme_color(self.app, KIND_COLORS.get(kind, "foreground")).hex
            for j, row in enumerate(rows):
                if i or j:
                    out.append("\n")
                out.append(f"{epoch:>5} " if j == 0 else " " * EPOCH_WIDTH, style=muted)
                out.append(row, style=style)
        return out
