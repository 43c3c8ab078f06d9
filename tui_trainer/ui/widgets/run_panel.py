"""The "Run" tab: the data set, the network and the seed, in words."""

from __future__ import annotations

from rich.table import Table
from textual.widgets import Static

from ..protocol import RunInfo


def run_table(info: RunInfo) -> Table:
    sizes = " -> ".join(str(s) for s in info.sizes)
    rows = [
        ("data set", info.description),
        ("task", f"{info.task}; score: {'accuracy' if info.metric == 'accuracy' else 'R² (1 is perfect)'}"),
        ("examples", f"{info.n_train:,} to train on, {info.n_test:,} to test on (never trained on)"),
        ("network", f"{sizes}  ({info.activation} between layers, linear output)" if len(info.sizes) > 2
         else f"{sizes}  (no hidden layer: a linear model)"),
        ("seed", f"{info.seed}  (r resets the weights with it; R takes the next seed)"),
        ("epochs", f"{info.max_epochs:,}, then it pauses (space goes on)" if info.max_epochs else "no limit"),
    ]
    if info.task == "regression":
        rows.append(("units", "the target is standardised (mean 0, sd 1): costs are in those units"))
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for label, value in rows:
        table.add_row(label, value)
    return table


class RunPanel(Static):
    """What is being trained, on what."""

    def show(self, info: RunInfo) -> None:
        self.update(run_table(info))
