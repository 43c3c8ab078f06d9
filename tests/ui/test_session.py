"""The training side's own rules for when a new network trains at once."""

from tui_trainer.config import RunConfig
from tui_trainer.engine import Reset
from tui_trainer.ui import protocol
from tui_trainer.ui.session import TrainingSession

CONFIG = RunConfig(dataset="spiral", samples=200, noise=0.3, train_fraction=0.5, seed=0, epochs=3)


def finished_session():
    replies = []
    s = TrainingSession(CONFIG, replies.append, running=True)
    s.start()
    while s.running:
        s.run_epoch()
    assert replies[-1] == protocol.Paused("finished", 3)
    return s, replies


def test_after_the_last_epoch_a_new_network_trains_at_once():
    s, replies = finished_session()
    s.handle(Reset(None))
    assert s.running and replies[-1].running


def test_after_stepping_past_the_last_epoch_a_new_network_waits():
    """n past the end is the user's own pause: r then started training again."""
    s, replies = finished_session()
    s.handle(protocol.Step(1))
    assert s.trainer.epoch == 4 and not s.running
    s.handle(Reset(None))
    assert not s.running and not replies[-1].running
