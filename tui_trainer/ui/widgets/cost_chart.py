"""The cost per epoch, train and test."""

from __future__ import annotations

import numpy as np
from textual.reactive import reactive

from .epoch_chart import EpochChart

TRAIN_MARKER = "braille"  # a fine line
TEST_MARKER = "hd"  # half blocks: the two lines stay apart without colour (NO_COLOR)
TRAIN_GLYPH, TEST_GLYPH = "⢕⢕", "▞▞"  # the markers as the legend shows them
LOG_FLOOR = 1e-12  # log10 of a zero cost


class CostChart(EpochChart):
    """Train and test cost per epoch, with a mark at every change of a setting.

    The log view plots log10(cost) on a linear axis (plotext's own log scale misbehaves on
    repeated builds) and says so in the title.
    """

    log_scale: reactive[bool] = reactive(False)

    def watch_log_scale(self) -> None:
        self.refresh()

    def titles(self) -> list[str]:
        """From the longest to the shortest."""
        if self.log_scale:
            titles = ["log10 cost = log10(mean loss) per epoch: train vs test",
                      "log10 cost = log10(mean loss) per epoch", "log10 cost = log10(mean loss)", "log10 cost"]
        else:
            titles = ["cost = mean loss per epoch: train vs test", "cost = mean loss per epoch",
                      "cost = mean loss", "cost"]
        info = self.run_state.info
        if info is not None and info.task == "regression":
            titles = [t + " (standardised y)" for t in titles[:-1]] + titles
        return titles

    def draw(self, plt, columns: int) -> None:
        self.set_titles(*self.titles())
        history = self.run_state.history
        if not len(history):
            self.waiting(plt, columns)
            return
        x = history["epoch"]
        train, test = history["train_cost"], history["test_cost"]
        if self.log_scale:
            train = np.log10(np.maximum(train, LOG_FLOOR))
            test = np.log10(np.maximum(test, LOG_FLOOR))
        low, high = self.epoch_axis(plt, x, columns)
        self.change_marks(plt, low, high, columns)
        train_color, test_color = self.color("text-primary"), self.color("text-warning")
        shown_train = self.line(plt, x, train, columns, marker=TRAIN_MARKER, color=train_color)
        shown_test = self.line(plt, x, test, columns, marker=TEST_MARKER, color=test_color)
        self.add_legend(TRAIN_GLYPH, "train", train_color)
        self.add_legend(TEST_GLYPH, "test", test_color)
        self.value_axis(plt, shown_train, shown_test)
