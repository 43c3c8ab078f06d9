"""How many BLAS threads the trainer's matrix products use.

A product too small to share between threads gains little from a second one, and when the
machine's other cores are busy it loses a lot: the threads wait for each other. Measured here,
2 cores, full-batch gradient descent on 2,000 x 32 x 32 products, 300 epochs: 1.38 s with
OpenBLAS's default of 2 threads and 1.50 s with 1 on an idle machine; 3.71 s against 1.50 s with
the other core busy, and 8x slower beside a memory-heavy job. So by default (``"auto"``) a product
below ``SHARE_FROM`` multiply-adds runs on one thread, and a larger one is left to the BLAS
library's own choice: its default, or what OPENBLAS_NUM_THREADS / OMP_NUM_THREADS say. A whole
number sets the count for every product.

The count is set around each epoch's steps and around each evaluation, and put back after, so
a program that uses the engine keeps its own BLAS settings. Without threadpoolctl, or with a
BLAS it does not know, nothing is changed.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator, Sequence

AUTO = "auto"
SHARE_FROM = 8_000_000  # multiply-adds of a step's largest product from which threads may pay

_libraries: list | None = None
_modules_seen = -1  # len(sys.modules) when the libraries were listed


def check_threads(value: int | str) -> int | str:
    """``"auto"`` or a whole number >= 1, else ValueError."""
    if value == AUTO:
        return AUTO
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"threads {value!r} must be 'auto' or a whole number >= 1")
    return value


def largest_product(sizes: Sequence[int], rows: int) -> int:
    """Multiply-adds of the largest layer product on ``rows`` examples."""
    return max(rows * a * b for a, b in zip(sizes[:-1], sizes[1:]))


def threads_for(threads: int | str, product: int) -> int | None:
    """The BLAS thread count for products of ``product`` multiply-adds; None: leave it be."""
    if threads == AUTO:
        return 1 if product < SHARE_FROM else None
    return int(threads)


@contextlib.contextmanager
def blas_threads(count: int | None) -> Iterator[None]:
    """Run the body with ``count`` BLAS threads (None: as they are), then put them back."""
    changed = []
    if count is not None:
        for lib in _blas_libraries():
            before = lib.get_num_threads()
            if before != count:
                lib.set_num_threads(count)
                changed.append((lib, before))
    try:
        yield
    finally:
        for lib, before in changed:
            lib.set_num_threads(before)


def _blas_libraries() -> list:
    """The loaded BLAS libraries threadpoolctl can drive. Listed again whenever modules have been
    imported since the last time (a BLAS arrives with an import, e.g. scipy's own OpenBLAS with
    scikit-learn): a listing costs ~0.2 ms, a few percent of a small network's epoch."""
    global _libraries, _modules_seen
    if _libraries is None or len(sys.modules) != _modules_seen:
        _modules_seen = len(sys.modules)
        try:
            from threadpoolctl import ThreadpoolController

            _libraries = [lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]
        except Exception:  # no threadpoolctl, or a BLAS it cannot drive: leave the threads alone
            _libraries = []
    return _libraries
