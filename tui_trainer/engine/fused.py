"""Optional compiled optimizer steps: one pass over the parameters instead of a dozen.

An optimizer step in NumPy is a chain of whole-array operations: Adam's is 12 passes over the
parameters, and on a 784-256 layer (203,530 parameters) it took 0.64-0.80 ms a step, as long
as a third of the step's matrix products. With numba installed (``pip install
"tui-trainer[fast]"``), SGD, momentum and Adam/AdamW run as one compiled loop instead: the same
operations in the same order on each element, so the same numbers to the bit (the tests check
it), in 0.19 ms for that layer. Loading numba and the cached kernels costs a process ~0.35 s
once (0.5 s more to compile the first time ever), which a step saving ~2 ns a parameter repays
only after ~1,750 steps at 100,000 parameters: below ``FUSED_FROM`` parameters the NumPy chain
serves (the digits preset, 85,000 parameters and 600 steps, ran 1.44 s headless without numba
and 1.9 s with it at a lower threshold). Without numba nothing changes.

``kernels()`` compiles on first use; compiled code is cached on disk by numba where it can
write, so later processes skip the compilation.
"""

from __future__ import annotations

import os
import warnings
from types import SimpleNamespace

FUSED_FROM = 100_000  # parameters from which an optimizer uses the compiled step
ENABLED = os.environ.get("TUI_TRAINER_NUMBA", "1") != "0"  # TUI_TRAINER_NUMBA=0 turns it off

_kernels: SimpleNamespace | None | bool = False  # False: not tried yet; None: not available


def kernels() -> SimpleNamespace | None:
    """The compiled steps, or None when numba is missing or turned off."""
    global _kernels
    if not ENABLED:
        return None
    if _kernels is False:
        _kernels = _compile()
    return _kernels


def _compile() -> SimpleNamespace | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a cache directory it cannot write
            import numba
            import numpy as np
    except Exception:  # not installed, or broken against this NumPy: the NumPy path serves
        return None
    # error_model="numpy": a division by zero gives inf as NumPy's does, and leaves the loop
    # free of Python's checks, so it vectorises (3.3x faster than with them, measured)
    jit = numba.njit(cache=True, nogil=True, error_model="numpy")

    # every constant comes in as an argument of the arrays' dtype: a float64 literal would
    # lift float32 arithmetic to float64 and change the numbers
    def sgd(p, g, minus_lr):  # SGD without momentum: p <- p + g * (-lr)
        for i in range(p.shape[0]):
            p[i] += g[i] * minus_lr

    def momentum(p, g, buf, mu, one_minus_dampening, minus_lr):  # after the first step, no nesterov
        for i in range(p.shape[0]):
            b = buf[i] * mu + g[i] * one_minus_dampening
            buf[i] = b
            p[i] += b * minus_lr

    def adam(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, eps_c, step_c):  # Adam._update, _descend
        for i in range(p.shape[0]):
            gi = g[i]
            mi = m[i] * b1 + gi * one_minus_b1
            vi = v[i] * b2 + (gi * gi) * one_minus_b2
            m[i] = mi
            v[i] = vi
            p[i] -= (mi / (np.sqrt(vi) + eps_c)) * step_c

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SimpleNamespace(sgd=jit(sgd), momentum=jit(momentum), adam=jit(adam))


def usable(p, g) -> SimpleNamespace | None:
    """The kernels, if this update should use them: numba there, a large 1-D contiguous
    parameter vector and gradient of one float dtype."""
    if p.ndim != 1 or p.size < FUSED_FROM or g.shape != p.shape or g.dtype != p.dtype:
        return None
    if not (p.flags.c_contiguous and g.flags.c_contiguous and p.flags.writeable):
        return None
    return kernels()
