"""The gap between the test cost and the train cost per epoch: it grows as the network overfits."""

from __future__ import annotations

import numpy as np

from .epoch_chart import EpochChart

GAP_MARKER = "braille"
BEST_MARKER = "◆"


class GapChart(EpochChart):
    """Test cost minus train cost per epoch, a zero line, and the epoch of the lowest test cost:
    a marker on the gap's line, and no vertical line, which would look like a change's mark."""

    def draw(self, plt, columns: int) -> None:
        history = self.run_state.history
        best = history.best_test_epoch()
        self.set_titles("gap = test cost - train cost", "gap = test - train cost",
                       "gap = test - train", "gap")
        if not len(history):
            self.waiting(plt, columns)
            return
        x = history["epoch"]
        gap = history["gap"]
        low, high = self.epoch_axis(plt, x, columns)
        self.change_marks(plt, low, high, columns)
        plt.horizontal_line(0, color=self.color("foreground-muted", "#777777"))
        shown = self.line(plt, x, gap, columns, marker=GAP_MARKER, color=self.color("accent"))
        self.value_axis(plt, shown, include=(0.0,))
        i = int(np.searchsorted(x, best)) if best is not None else len(x)
        if i < len(x) and x[i] == best:
            plt.scatter([best], [float(gap[i])], marker=BEST_MARKER, color=self.color("success"))
            label = f"lowest test cost: epoch {best:,}"
            if self.size.width - 12 < len(label) + 30:  # keep room for the title
                label = f"lowest test: {best:,}"
            self.add_legend(BEST_MARKER, label, self.color("success"))
