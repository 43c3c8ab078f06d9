"""The short event log: the last few changes, newest at the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ..run_state import RunState
from ..theme_colors import theme_color

KIND_COLORS = {"change": "text-primary", "warning": "text-warning", "error": "text-error", "info": "foreground"}


class EventLog(Widget):
    """Lines from the run's log that fit, each with the epoch it happened at."""

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
        height = max(1, self.content_region.height or self.size.height)
        lines = list(self.run_state.log)[-height:]
        if not lines:
            return Text("changes appear here", style="dim")
        muted = theme_color(self.app, "foreground-muted").hex
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, line in enumerate(lines):
            if i:
                out.append("\n")
            out.append(f"{line.epoch:>5} ", style=muted)
            out.append(line.text, style=theme_color(self.app, KIND_COLORS.get(line.kind, "foreground")).hex)
        return out
