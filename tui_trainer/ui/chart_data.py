"""Fitting a long history into a chart a few dozen columns wide.

Plotext's build time grows by about 20 us per point, so a chart is given at most about four
points per column: the lowest and the highest value of each slice of epochs (a min/max
downsample keeps the spikes a plain stride would drop). Pure NumPy.
"""

from __future__ import annotations

import math

import numpy as np

POINTS_PER_COLUMN = 4


def minmax_downsample(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``POINTS_PER_COLUMN * columns`` points of the line (x, y), in order of x.

    The points are cut into ``2 * columns`` consecutive slices; each gives its lowest and its
    highest point, in the order they occur. Short lines are returned as they are.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
    columns : int
        The chart's width in cells.
    """
    n = len(y)
    limit = POINTS_PER_COLUMN * max(1, columns)
    if n <= limit:
        return x, y
    n_slices = limit // 2
    size = math.ceil(n / n_slices)
    n_slices = math.ceil(n / size)
    padded = np.empty(n_slices * size, dtype=float)
    padded[:n] = y
    padded[n:] = y[-1]
    blocks = padded.reshape(n_slices, size)
    start = np.arange(n_slices) * size
    lows = start + np.argmin(blocks, axis=1)
    highs = start + np.argmax(blocks, axis=1)
    index = np.sort(np.stack([lows, highs], axis=1), axis=1).ravel()
    index = np.minimum(index, n - 1)
    keep = np.empty(len(index), dtype=bool)  # a flat slice gives the same point twice
    keep[0] = True
    np.not_equal(index[1:], index[:-1], out=keep[1:])
    index = index[keep]
    return x[index], y[index]


def integer_ticks(low: float, high: float, width: int, spacing: int = 10) -> list[int]:
    """Whole-number ticks from ``low`` to ``high``, one every ``spacing`` columns or more,
    at a step of 1, 2 or 5 times a power of ten."""
    low, high = math.floor(low), math.ceil(high)
    if high <= low:
        return [low]
    wanted = max(1, width // spacing)
    rough = (high - low) / wanted
    step = 1
    if rough > 1:
        power = 10 ** math.floor(math.log10(rough))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first = math.ceil(low / step) * step
    return list(range(int(first), int(high) + 1, int(step)))


def marks_in_view(epochs: list[float], low: float, high: float, width: int, limit: int = 24) -> list[float]:
    """The mark positions inside [low, high]: at most one per column of a ``width``-wide chart,
    and the latest ``limit`` of them (each mark costs drawing time; dozens make a barcode)."""
    inside = [e for e in epochs if low <= e <= high]
    if high <= low:
        return inside[-1:]
    by_column: dict[int, float] = {}
    for e in inside:
        by_column.setdefault(int((e - low) / (high - low) * max(1, width - 1)), e)
    return sorted(by_column.values())[-limit:]


def value_ticks(low: float, high: float, rows: int,
                width: int = 7) -> tuple[list[float], list[str], tuple[float, float]]:
    """Round ticks for a value axis ``rows`` tall, their labels right-aligned to ``width``
    characters (so charts stacked one above the other line up), and the axis range."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high <= low:
        pad = abs(low) * 0.05 or 0.5
        low, high = low - pad, high + pad
    wanted = max(2, rows // 2)
    rough = (high - low) / wanted
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first = math.ceil(low / step) * step
    ticks = [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
    decimals = max(0, -math.floor(math.log10(step) + 1e-12) + (1 if step / power == 2.5 else 0))
    labels = [_tick_label(0.0 if abs(t) < step * 1e-9 else t, decimals, width).rjust(width) for t in ticks]
    return ticks, labels, (low, high)


def _tick_label(value: float, decimals: int, width: int) -> str:
    if value == 0:
        return "0"
    text = f"{value:.{decimals}f}"
    return text if len(text) <= width else f"{value:.2g}"
