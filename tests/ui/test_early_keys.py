"""Keys pressed in the first second, while the first network is being built: they were lost
(+, ], space) or half applied (f: shown, never sent)."""

from tui_trainer.ui import protocol
from tui_trainer.ui.app import DashboardApp
from tui_trainer.ui.backends import InProcessBackend

from .conftest import CONFIG, fixed_clock


class LateBackend(InProcessBackend):
    """Builds the network only when ``release`` is called, as a slow start would."""

    def connect(self, deliver):
        self.deliver = deliver

    def release(self):
        super().connect(self.deliver)


async def release(pilot, backend: LateBackend, until) -> None:
    """Let the training side start, then run the app until ``until()`` holds (1 s at most)."""
    backend.release()
    for _ in range(100):
        if until():
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def test_keys_pressed_before_the_network_exists_apply_once_it_does():
    backend = LateBackend(CONFIG, running=True)
    app = DashboardApp(CONFIG, backend, clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.run_state.state == "starting" and backend.session is None
        assert app.check_action("scale_learning_rate", (2,))  # not dimmed while starting
        await pilot.press("plus", "right_square_bracket", "space", "f")
        await pilot.pause()
        await release(pilot, backend, lambda: app.run_state.info is not None)
        assert backend.session.running is False and app.run_state.state == "paused"  # the space
        await pilot.press("n")  # one epoch: the changes apply at its first step
        await pilot.pause()
        settings = backend.trainer.settings
        assert settings.learning_rate == 2 * CONFIG.learning_rate
        assert settings.dropout == 0.05
        assert backend.session.pace == app.run_state.pace == 50  # f: from 30 to the next pace
        assert app.run_state.settings == settings  # shown as applied
        # in force from the first step: training was held until the keys had applied
        assert [(e.epoch, e.text) for e in backend.trainer.history.events][:2] == [
            (0, "learning_rate 0.01 -> 0.02"), (0, "dropout 0 -> 0.05")]


async def test_without_a_pause_among_them_training_goes_on_after_the_early_keys():
    backend = LateBackend(CONFIG, running=True)
    app = DashboardApp(CONFIG, backend, clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("plus")
        await release(pilot, backend, lambda: app.run_state.info is not None)
        assert backend.session.running and app.run_state.state == "running"
        backend.run_epochs(1)
        assert [(e.epoch, e.text) for e in backend.trainer.history.events] == [(0, "learning_rate 0.01 -> 0.02")]


async def test_keys_before_a_network_that_never_comes_do_nothing():
    from tui_trainer.config import RunConfig

    bad = RunConfig(data="/nonexistent.csv", target="y")
    backend = LateBackend(bad, running=True)
    app = DashboardApp(bad, backend, clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("plus")
        await release(pilot, backend, lambda: app.run_state.state == "failed")
        assert app.run_state.state == "failed"
        assert app.check_action("scale_learning_rate", (2,)) is None
        assert [type(c) for c in backend.sent] == [protocol.Pause]  # the hold; no change went
