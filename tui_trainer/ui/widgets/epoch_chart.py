"""The base of the per-epoch charts: draws from the dashboard's ``RunState`` when it renders,
downsampled to the chart's width, with whole-number epoch ticks and a mark at every change.

The title and the legend share the row above the plot, drawn here rather than by plotext,
whose legend sits inside the plot, over the lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual_plotext import PlotextPlot

from ..chart_data import integer_ticks, marks_in_view, minmax_downsample, value_ticks
from ..run_state import RunState
from ..theme_colors import theme_color

Y_LABEL_WIDTH = 7  # the value labels, all this wide, so stacked charts line up
FRAME_WIDTH = Y_LABEL_WIDTH + 3  # labels, tick, and the frame's two sides
FRAME_HEIGHT = 4  # the title row, the frame's top and bottom, the epoch labels
MIN_WIDTH, MIN_HEIGHT = 30, 6


@dataclass(frozen=True)
class LegendItem:
    """One entry of a chart's legend: the series' marker as drawn, its name, its colour."""

    glyph: str
    label: str
    color: tuple[int, int, int]


class EpochChart(PlotextPlot):
    """A chart of values per epoch. Subclasses define ``draw``.

    Drawing is done in ``render``, at the widget's size of the moment; the app calls
    ``redraw_if_changed`` at a bounded rate (a few times a second), whatever the epoch rate.
    """

    DEFAULT_CSS = """
    EpochChart {
        height: 1fr;
        min-height: 6;
        background: $surface;  /* the plot's own background, under the title row too */
    }
    """

    def __init__(self, run_state: RunState, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.run_state = run_state
        self.drawn_version = -1
        self._titles: tuple[str, ...] = ("",)
        self.legend: list[LegendItem] = []

    def redraw_if_changed(self) -> None:
        if self.run_state.version != self.drawn_version:
            self.refresh()

    def render(self):
        if self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT:
            return Text("(this chart needs a larger terminal)", style="dim")
        self.drawn_version = self.run_state.version
        plt = self.plt
        plt.clear_figure()
        self.legend = []
        width, height = self.size.width, self.size.height - 1  # the plot, under the title row
        self.draw(plt, max(10, width - FRAME_WIDTH))
        # what PlotextPlot.render does, at the height left under the title row
        plt.plotsize(width, height)
        plt._set_size(width, height)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        return Group(self.header(width), Text.from_ansi(plt.build()))

    def draw(self, plt, columns: int) -> None:
        raise NotImplementedError

    def set_titles(self, *candidates: str) -> None:
        """Title candidates from the longest to the shortest: the header shows the longest
        that fits beside the legend."""
        self._titles = candidates

    def add_legend(self, glyph: str, label: str, color: tuple[int, int, int]) -> None:
        self.legend.append(LegendItem(glyph, label, color))

    def title(self) -> str:
        """The title shown: the longest candidate that fits beside the legend."""
        room = self.size.width - 1 - self._legend_width()
        return next((c for c in self._titles if len(c) <= room), self._titles[-1][:max(0, room)])

    def header(self, width: int) -> Text:
        """The row above the plot: the title on the left, the legend on the right."""
        text = Text(" " + self.title(), style="bold", no_wrap=True, overflow="crop")
        legend = Text(no_wrap=True)
        for item in self.legend:
            legend.append("  ")
            legend.append(item.glyph, style=Style(color=f"rgb{item.color}"))
            legend.append(" " + item.label)
        text.append(" " * max(1, width - len(text) - len(legend) - 1))
        text.append_text(legend)
        return text

    def _legend_width(self) -> int:
        return sum(2 + len(item.glyph) + 1 + len(item.label) for item in self.legend) + 2

    # -- helpers for subclasses ------------------------------------------------------------------
    def color(self, name: str, fallback: str = "#888888") -> tuple[int, int, int]:
        """A colour of the app's theme (``primary``, ``warning``, ...) as plotext's RGB."""
        return theme_color(self.app, name, fallback).rgb

    def line(self, plt, x: np.ndarray, y: np.ndarray, columns: int, **style) -> np.ndarray:
        """Plot the line downsampled to the chart's width; returns the values plotted."""
        xs, ys = minmax_downsample(x, y, columns)
        plt.plot(xs.tolist(), ys.tolist(), **style)
        return ys

    def epoch_axis(self, plt, x: np.ndarray, columns: int) -> tuple[float, float]:
        """Whole-number ticks over the epochs shown; returns the x range."""
        low = float(x[0]) if len(x) else 0.0
        high = max(float(x[-1]) if len(x) else 1.0, low + 1)
        ticks = integer_ticks(low, high, columns)
        plt.xticks(ticks, [f"{t:,}" for t in ticks])
        plt.xlim(low, high)
        return low, high

    def value_axis(self, plt, *series: np.ndarray, include: tuple[float, ...] = ()) -> None:
        """Round value ticks over the range of ``series``, labels of one width."""
        low = min([float(np.min(s)) for s in series if len(s)] + list(include))
        high = max([float(np.max(s)) for s in series if len(s)] + list(include))
        ticks, labels, (low, high) = value_ticks(low, high, max(2, self.size.height - FRAME_HEIGHT),
                                                 Y_LABEL_WIDTH)
        plt.yticks(ticks, labels)
        plt.ylim(low, high)

    def change_marks(self, plt, low: float, high: float, columns: int) -> None:
        """A vertical line between the last epoch with the old setting and the first with the new."""
        epochs = sorted({e.epoch + 0.5 for e in self.run_state.history.events if e.epoch >= 1})
        color = self.color("foreground-muted", "#777777")
        marks = marks_in_view(epochs, low, high, columns)
        for x in marks:
            plt.vertical_line(x, color=color)
        if len(marks):
            self.add_legend("│", "change", color)

    def waiting(self, plt, columns: int) -> None:
        plt.xticks([0, 1], ["0", "1"])
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plt.yticks([])
        text = ("paused: space trains, n one epoch" if self.run_state.state == "paused"
                else "waiting for the first epoch")
        plt.text(text, 0.5, 0.5, alignment="center")
