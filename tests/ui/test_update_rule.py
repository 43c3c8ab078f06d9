"""The side panel's formulas, wrapped by hand to the panel's width."""

import pytest

from tui_trainer.engine import LOSSES, OPTIMIZERS, Settings
from tui_trainer.ui.widgets.update_rule import rule_text, wrap_formula


def test_a_break_falls_outside_the_brackets():
    """Filling the line split Adam's rule as "w <- w - lr * m^ / (sqrt(v^)" and "+ eps)"."""
    assert wrap_formula("w <- w - lr * m^ / (sqrt(v^) + eps)", 28) == ["w <- w - lr * m^ /", "(sqrt(v^) + eps)"]


def test_a_break_keeps_an_equals_sign_with_both_sides():
    assert wrap_formula("(one output: max(0, 1 - t z), t = +-1)", 20) == [
        "(one output:", "max(0, 1 - t z),", "t = +-1)"]


def test_the_lines_after_the_first_have_their_own_width():
    lines = wrap_formula("m <- b1 m + (1-b1) g", 20, 10)
    assert len(lines[0]) <= 20 and all(len(line) <= 10 for line in lines[1:])


@pytest.mark.parametrize("width", [27, 31])  # the side panel at 80 and at 120 columns
def test_every_rule_fits_the_panel_and_keeps_every_word(width):
    for optimizer in OPTIMIZERS:
        for loss in LOSSES:
            settings = Settings(optimizer=optimizer, loss=loss, dropout=0.25)
            text = rule_text(settings, "classification", width).plain
            assert max(len(line) for line in text.splitlines()) <= width, (optimizer, loss)
            words = text.split()
            for formula in (OPTIMIZERS[optimizer].formula.replace(";", " "), LOSSES[loss].formula):
                for word in formula.split():
                    assert word in words, (optimizer, loss, word)


def test_the_rule_shown_is_the_one_the_settings_give():
    """--nesterov --weight-decay 0.001 showed plain momentum's rule, and the status just "momentum"."""
    settings = Settings(optimizer="momentum", momentum=0.8, nesterov=True, weight_decay=0.001)
    text = " ".join(rule_text(settings, "classification", 31).plain.split())
    assert "w <- w - lr * (dC/dw + mu v)" in text  # torch's nesterov: the step looks ahead
    assert "dC/dw <- dC/dw + wd w" in text and "mu = 0.8, nesterov, wd = 0.001" in text
    assert settings.describe_optimizer() == "momentum 0.8 nesterov, wd 0.001"
    plain = Settings(optimizer="momentum")
    assert "w <- w - lr * v" in rule_text(plain, "classification", 31).plain
    assert "wd" not in rule_text(plain, "classification", 31).plain
    assert Settings(optimizer="adamw").describe_optimizer() == "adamw, wd 0.01"  # its default


def test_dropout_without_a_hidden_layer_says_it_drops_nothing():
    """--hidden none --dropout 0.5 trains exactly as dropout 0: the panel said "in training only"."""
    settings = Settings(dropout=0.5)
    assert "in training only" in rule_text(settings, "classification", 31, hidden=True).plain
    assert "nothing to drop" in " ".join(rule_text(settings, "classification", 31, hidden=False).plain.split())
