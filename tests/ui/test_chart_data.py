"""Downsampling a long history for a chart, and its epoch ticks."""

import numpy as np

from tui_trainer.ui.chart_data import integer_ticks, marks_in_view, minmax_downsample


def test_a_short_line_is_drawn_as_it_is():
    x = np.arange(1, 51.0)
    y = np.linspace(1, 0, 50)
    xs, ys = minmax_downsample(x, y, columns=80)
    assert xs is x and ys is y


def test_a_long_line_keeps_at_most_four_points_per_column_and_every_spike():
    n = 100_000
    x = np.arange(1, n + 1.0)
    y = np.full(n, 1.0)
    y[12_345] = 50.0  # one spike up
    y[77_777] = -3.0  # one down
    xs, ys = minmax_downsample(x, y, columns=100)
    assert len(xs) <= 400
    assert 50.0 in ys and -3.0 in ys
    assert xs[ys.argmax()] == 12_346 and xs[ys.argmin()] == 77_778
    assert np.all(np.diff(xs) > 0)  # in order, no point twice
    assert xs[0] == 1 and xs[-1] <= n


def test_downsampled_points_lie_on_the_line():
    rng = np.random.default_rng(0)
    x = np.arange(1, 10_001.0)
    y = rng.normal(size=10_000)
    xs, ys = minmax_downsample(x, y, columns=50)
    assert np.array_equal(y[(xs - 1).astype(int)], ys)


def test_ticks_are_whole_numbers_at_a_round_step():
    assert integer_ticks(1, 5, width=80) == [1, 2, 3, 4, 5]
    assert integer_ticks(1, 100_000, width=100) == list(range(10_000, 100_001, 10_000))
    assert integer_ticks(1, 100_000, width=50) == [20_000, 40_000, 60_000, 80_000, 100_000]
    assert integer_ticks(1, 500, width=50) == [100, 200, 300, 400, 500]
    assert integer_ticks(3, 3, width=50) == [3]


def test_marks_keep_one_per_column_inside_the_view():
    marks = marks_in_view([0.5, 10.5, 10.6, 50.5, 200.5], low=1, high=100, width=50)
    assert marks == [10.5, 50.5]


def test_marks_are_limited_to_the_latest():
    marks = marks_in_view([float(e) for e in range(1, 101)], low=1, high=100, width=200, limit=10)
    assert marks == [float(e) for e in range(91, 101)]
