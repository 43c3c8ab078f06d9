"""How the status line breaks: between its groups, never inside one that fits."""

from rich.text import Text

from tui_trainer.ui.widgets.status_line import wrap

PROGRESS = ["● running 29 ep/s (max 30)", "epoch 146/500", "steps 438"]
RESULTS = ["train 0.3057", "test 0.8312", "gap +0.5256", "test acc 69.3%"]
SETTINGS = ["lr 0.01", "dropout 0.00", "adam", "mini-batch 32"]


def lines(groups, width):
    return [line.plain for line in wrap([[Text(f) for f in g] for g in groups], width)]


def test_at_120_columns_the_numbers_share_a_line_and_the_settings_take_the_next():
    assert lines([PROGRESS, RESULTS, SETTINGS], 118) == [
        "  ".join(PROGRESS + RESULTS),
        "  ".join(SETTINGS),
    ]


def test_at_80_columns_each_group_keeps_its_own_line():
    """The old layout filled each line: train on one line, test on the next, lr apart from dropout."""
    assert lines([PROGRESS, RESULTS, SETTINGS], 78) == ["  ".join(g) for g in (PROGRESS, RESULTS, SETTINGS)]


def test_a_group_wider_than_the_line_breaks_between_its_fields():
    out = lines([PROGRESS, RESULTS], 30)
    assert out == ["● running 29 ep/s (max 30)", "epoch 146/500  steps 438",
                   "train 0.3057  test 0.8312", "gap +0.5256  test acc 69.3%"]


def test_empty_groups_leave_no_blank_line():
    assert lines([PROGRESS[:1], [], []], 80) == [PROGRESS[0]]


def test_the_epoch_rate_shown_never_exceeds_the_pace():
    from tui_trainer.config import RunConfig
    from tui_trainer.ui.run_state import RunState

    now = [0.0]
    run = RunState(RunConfig(dataset="spiral"), clock=lambda: now[0])
    run.state = "running"
    for epoch in range(0, 61, 6):  # 60 epochs a second arrive...
        now[0] = epoch / 60
        run.meter.add(epoch)
    assert round(run.rate) == 60
    run.pace = 50  # ...from before F set 50 a second (or in a bunch after a burst of keys)
    assert run.rate == 50
    run.pace = None  # no limit: the rate as measured
    assert round(run.rate) == 60
