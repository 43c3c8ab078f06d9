"""The aside that says what training does now: the update rule with the current learning
rate, the loss, and that the cost is the mean loss."""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from ...engine import LOSSES, OPTIMIZERS, Settings


def rule_text(settings: Settings, task: str | None = None) -> Text:
    optimizer = OPTIMIZERS[settings.optimizer]
    loss = LOSSES[settings.loss]
    text = Text()
    text.append(f"{settings.optimizer}", style="bold")
    text.append(f", lr = {settings.learning_rate:.3g}\n")
    for part in optimizer.formula.split(";"):
        text.append(f"  {part.strip()}\n", style="italic")
    text.append(f"{settings.loss}", style="bold")
    text.append(": loss of one example\n")
    for part in re.split(r"\s{3,}", loss.formula):
        text.append(f"  {part.strip()}\n", style="italic")
    text.append("cost = mean loss over the examples")
    if task == "regression":
        text.append(" (y standardised: mean 0, sd 1)")
    if settings.dropout:
        text.append(f"\ndropout {settings.dropout:.2f}: in training only")
    return text


class UpdateRule(Static):
    """Shows ``rule_text`` for the settings of the moment."""

    DEFAULT_CSS = """
    UpdateRule {
        height: auto;
    }
    """

    def show(self, settings: Settings, task: str | None) -> None:
        self.update(rule_text(settings, task))
