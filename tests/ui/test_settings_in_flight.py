"""A key pressed while a reset or a rebuild is on its way: what the screen shows is what the
engine uses. Found by hand: r then + at once trained at lr 0.02 while the side panel, the
status line and the written TOML said 0.01."""

import dataclasses

from tui_trainer.config import RunConfig
from tui_trainer.engine import Change, Reset
from tui_trainer.ui import protocol
from tui_trainer.ui.run_state import RunState
from tui_trainer.ui.session import TrainingSession

CONFIG = RunConfig(dataset="spiral", samples=200, noise=0.3, train_fraction=0.5, seed=0, learning_rate=0.01)


def session(replies):
    s = TrainingSession(CONFIG, replies.append, running=False)
    s.start()
    return s


def test_a_change_sent_after_a_reset_is_shown_on_top_of_the_new_network():
    replies = []
    s = session(replies)
    run = RunState(CONFIG, lambda: 0.0)
    run.started(replies[-1])
    # the dashboard: r, then + before the reset's answer arrives
    reset = Reset(None, sent_at=10.0)
    change = Change({"learning_rate": 0.02}, sent_at=11.0)
    run.settings = dataclasses.replace(run.settings, learning_rate=0.02)
    run.change_sent(change.sent_at, change.changes)
    s.handle(reset)
    announced = replies[-1]
    s.handle(change)
    assert isinstance(announced, protocol.Started) and announced.settings.learning_rate == 0.01
    run.started(announced)
    assert run.settings.learning_rate == 0.02  # shown: what the engine will use
    assert run.engine_settings.learning_rate == 0.01  # what it used when it announced
    s.run_epoch()
    assert s.trainer.settings.learning_rate == 0.02


def test_a_change_sent_before_a_reset_is_part_of_the_new_networks_settings():
    """Paused, + then r: the change waited in the trainer's queue and the reset announced the
    old rate; now the queue is applied first."""
    replies = []
    s = session(replies)
    s.handle(Change({"learning_rate": 0.02}, sent_at=10.0))
    s.handle(Reset(None, sent_at=11.0))
    announced = replies[-1]
    assert isinstance(announced, protocol.Started)
    assert announced.settings.learning_rate == 0.02 == s.trainer.settings.learning_rate
    run = RunState(CONFIG, lambda: 0.0)
    run.change_sent(10.0, {"learning_rate": 0.02})
    run.started(announced)
    assert run.settings.learning_rate == 0.02


def test_changes_answered_by_a_reset_are_forgotten():
    run = RunState(CONFIG, lambda: 0.0)
    replies = []
    s = session(replies)
    run.change_sent(5.0, {"dropout": 0.1})  # before the reset: already in the announced settings
    s.handle(Reset(None, sent_at=10.0))
    run.started(replies[-1])
    assert run.settings.dropout == 0.0 and not run._changes_sent
