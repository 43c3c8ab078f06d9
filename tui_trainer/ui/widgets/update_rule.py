"""The aside that says what training does now: the update rule with the current learning
rate, the loss of one example, and that the cost is the mean loss.

The formulas are wrapped to the side panel's width by hand: at a space outside as many
brackets as possible (``w <- w - lr * m^ /`` then ``(sqrt(v^) + eps)``, not ``(sqrt(v^)`` then
``+ eps)``), with the rest indented under it. When the terminal is short the loss part is
hidden and the update rule stays: it is the lesson of the panel.
"""

from __future__ import annotations

import re
from typing import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from ...engine import LOSSES, Settings

INDENT = 2  # a formula under its heading
HANG = 4  # a formula's continuation, under its first line


def wrap_formula(formula: str, width: int, rest_width: int | None = None) -> list[str]:
    """``formula`` in lines of at most ``width`` characters, the second on at most
    ``rest_width`` (a single word may exceed it); each break at a space as few brackets deep
    as possible, after an operator (+ - * /) if it can be, else the latest that fits."""
    lines: list[str] = []
    rest = formula.strip()
    while len(rest) > (limit := width if not lines else rest_width or width):
        cut = _best_space(rest, limit)
        if cut is None:
            break
        lines.append(rest[:cut].rstrip())
        rest = rest[cut + 1:].lstrip()
    lines.append(rest)
    return lines


def _best_space(text: str, limit: int) -> int | None:
    """Where to break ``text`` within ``limit`` characters (see ``wrap_formula``); None: nowhere."""
    best_key, best_at = None, None
    depth = 0
    for i, ch in enumerate(text[:limit + 1]):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == " " and i > 0 and text[i - 1] != " ":
            # "t = 1" and "w <- ..." stay whole: no break next to "=" or "<-"
            at_equals = "=" in (text[i - 1], text[i + 1:i + 2]) or "<-" in (text[i - 2:i], text[i + 1:i + 3])
            key = (depth, at_equals, text[i - 1] not in "+-*/", -i)  # the least is taken
            if best_key is None or key < best_key:
                best_key, best_at = key, i
    return best_at


def _block(heading: Text, formulas: Iterable[str], width: int) -> Text:
    """A heading (wrapped at spaces, continuation indented) and formulas under it."""
    out = Text()
    heading_lines = wrap_formula(heading.plain, width, width - INDENT)
    start = 0
    for n, line in enumerate(heading_lines):
        at = heading.plain.index(line, start)
        start = at + len(line)
        piece = heading[at:start]
        out.append_text(Text(" " * INDENT) + piece if n else piece)
        out.append("\n")
    for formula in formulas:
        lines = wrap_formula(formula, max(8, width - INDENT), max(8, width - INDENT - HANG))
        for n, line in enumerate(lines):
            out.append(" " * (INDENT + (HANG if n else 0)) + line + "\n", style="italic")
    out.rstrip()
    return out


def update_text(settings: Settings, width: int) -> Text:
    """The optimizer with its learning rate, and its update rule."""
    heading = Text.assemble((settings.optimizer, "bold"), f", lr = {settings.learning_rate:.3g}")
    values = []  # the rule's other numbers
    if settings.optimizer == "momentum":
        values.append(f"mu = {settings.momentum:g}" + (", nesterov" if settings.nesterov else ""))
    if settings.effective_weight_decay:
        values.append(f"wd = {settings.effective_weight_decay:g}")
    return _block(heading, settings.update_formula() + ([", ".join(values)] if values else []), width)


def loss_text(settings: Settings, task: str | None, width: int, hidden: bool = True) -> Text:
    """The loss of one example, the cost as the mean loss, and dropout when it is on."""
    heading = Text.assemble("loss of one example: ", (settings.loss, "bold"))
    formulas = [part.strip() for part in re.split(r"\s{3,}", LOSSES[settings.loss].formula)]
    text = _block(heading, formulas, width)
    notes = ["cost = mean loss over the examples"]
    if task == "regression":
        notes.append("y scaled to mean 0, sd 1")
    if settings.dropout:
        notes.append(f"dropout {settings.dropout:.2f}: in training only" if hidden
                     else f"dropout {settings.dropout:.2f}: no hidden layer, nothing to drop")
    for note in notes:
        text.append("\n")
        text.append_text(_block(Text(note), [], width))
    return text


def rule_text(settings: Settings, task: str | None = None, width: int = 80, hidden: bool = True) -> Text:
    """The whole aside as one text (the update rule, then the loss); ``hidden``: whether the
    network has a hidden layer (dropout has units to drop)."""
    return Text("\n").join([update_text(settings, width), loss_text(settings, task, width, hidden)])


class _Wrapped(Widget):
    """Text made for the width the widget has."""

    DEFAULT_CSS = """
    _Wrapped {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.make = lambda width: Text()

    def set(self, make) -> None:
        """Show ``make(width)``; the screen is laid out again only when the height changes
        (a layout is ~10 ms: done for every lr key, a burst of keys queued seconds of them)."""
        width = self._width()
        old, new = self.make(width), make(width)
        self.make = make
        if new.plain == old.plain and new.spans == old.spans:
            return
        self.refresh(layout=len(new.plain.splitlines()) != len(old.plain.splitlines()))

    def _width(self) -> int:
        return max(12, self.content_region.width or self.size.width or 30)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.make(max(12, width)).plain.splitlines()) or 1

    def render(self) -> Text:
        return self.make(self._width())


class UpdateRule(Vertical):
    """Shows what training does for the settings of the moment: ``#rule-update`` (the
    optimizer's rule) and ``#rule-loss`` (the loss, the cost), each wrapped to the panel."""

    DEFAULT_CSS = """
    UpdateRule {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield _Wrapped(id="rule-update")
        yield _Wrapped(id="rule-loss")

    def show(self, settings: Settings, task: str | None, hidden: bool = True) -> None:
        self.query_one("#rule-update", _Wrapped).set(lambda width: update_text(settings, width))
        self.query_one("#rule-loss", _Wrapped).set(lambda width: loss_text(settings, task, width, hidden))
