"""Snapshots of a seeded run paused at epoch 60, at the smallest size and a roomy one.

Update with ``pytest tests/ui/test_snapshots.py --snapshot-update`` only after looking at the
new SVGs. The clock is fixed, so no epochs-per-second figure appears.
"""

import pytest

from tui_trainer.config import RunConfig

# pinned, so the tests do not follow the catalogue's defaults (100 examples to train on)
SPIRAL = dict(dataset="spiral", samples=200, noise=0.3, train_fraction=0.5)

EPOCHS = 60


async def paused_at_fixed_epoch(pilot):
    app = pilot.app
    while app.run_state.info is None:  # the app connects to training after its first frame
        await pilot.pause(0.01)
    app.action_step(EPOCHS)
    await pilot.pause()
    app.redraw_all()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_paused_run(snap_compare, make_app, size):
    app, _ = make_app(RunConfig(**SPIRAL, seed=0, epochs=500))
    assert snap_compare(app, terminal_size=size, run_before=paused_at_fixed_epoch)


def test_a_change_marked_on_the_charts(snap_compare, make_app):
    async def change_then_train(pilot):
        await paused_at_fixed_epoch(pilot)
        await pilot.press("plus", "plus", "right_square_bracket")
        pilot.app.action_step(20)
        await pilot.pause()
        pilot.app.redraw_all()
        await pilot.pause()

    app, _ = make_app(RunConfig(**SPIRAL, seed=0, epochs=500))
    assert snap_compare(app, terminal_size=(120, 40), run_before=change_then_train)


def test_too_small_terminal_says_so(snap_compare, make_app):
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(70, 20))


def test_regression_paused(snap_compare, make_app):
    app, _ = make_app(RunConfig(dataset="sine", samples=200, noise=0.2, train_fraction=0.7, seed=0, epochs=500))
    assert snap_compare(app, terminal_size=(100, 30), run_before=paused_at_fixed_epoch)
