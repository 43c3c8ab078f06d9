"""The built-in data sets, their defaults, the presets, and ``load_dataset``."""

from __future__ import annotations

import numbers

from .dataset import DataError, Dataset, DatasetInfo
from .generated import GENERATORS, load_generated
from .prepare import check_train_fraction
from .real import REAL_SETS, load_real

SAMPLES_RANGE = (20, 20_000)
NOISE_RANGE = (0.0, 1.0)


def _generated(name, summary, samples, noise, train_fraction, hidden) -> DatasetInfo:
    return DatasetInfo(name, GENERATORS[name].task, "generated", summary, samples, noise, train_fraction, hidden)


def _real(name, summary, train_fraction, hidden) -> DatasetInfo:
    return DatasetInfo(name, REAL_SETS[name].task, "real", summary, None, None, train_fraction, hidden)


# Display order. Defaults chosen so each set shows its lesson at a glance.
DATASETS: dict[str, DatasetInfo] = {info.name: info for info in [
    _generated("spiral", "3 interleaved arms, few noisy points: watch the test cost part from the train cost",
               150, 0.15, 0.5, (64, 64)),
    _generated("moons", "two interleaving half circles: a curved boundary", 300, 0.2, 0.7, (16, 16)),
    _generated("circles", "a ring around a ring: no straight line separates them", 300, 0.1, 0.7, (8,)),
    _generated("xor", "the four quadrants a network without a hidden layer cannot learn", 300, 0.1, 0.7, (8,)),
    _generated("blobs", "3 round clusters: nearly linear, learnt in a few epochs", 300, 0.35, 0.7, (4,)),
    _generated("sine", "a noisy sine: a curve through points", 200, 0.2, 0.7, (16, 16)),
    _generated("plane", "a noisy plane: a linear target any network fits fast", 200, 0.1, 0.7, (4,)),
    _generated("polynomial", "a noisy cubic with two turns", 200, 0.1, 0.7, (16, 16)),
    _real("iris", "Fisher's 150 iris flowers, 3 species: the classic", 0.7, (8,)),
    _real("wine", "178 Italian wines, 13 chemical measurements, 3 cultivars", 0.7, (16,)),
    _real("breast_cancer", "569 tumours (Wisconsin diagnostic), 30 features: benign or malignant", 0.7, (16,)),
    _real("digits", "1,797 handwritten digits, 8x8 pixels, 10 classes: on a small train part the gap opens fast",
          0.7, (64,)),
    _real("diabetes", "442 patients, 10 measurements: a noisy regression, quick to overfit", 0.7, (16,)),
]}

DEFAULT_DATASET = "spiral"

# Settings of a whole run, by name; the CLI maps the keys onto its own options.
PRESETS: dict[str, dict] = {
    # Digits on a tenth of its examples (180) with a wide network and squared error on the
    # one-hot classes: the train cost reaches ~0.001 while the test cost stays near 0.15-0.2;
    # dropout 0.2 (the ] key) brings the gap down to ~0.02, mostly by lowering the test cost
    # (tests/data/test_overfitting.py). Cross-entropy here opens the gap too, but dropout
    # does not narrow it: its test cost is a few confident mistakes that dropout makes no
    # less confident (over 250 runs tried), while squared error bounds what a mistake costs.
    "overfit": {
        "dataset": "digits", "train_fraction": 0.1, "hidden": (256, 256), "dropout": 0.0,
        "optimizer": "momentum", "learning_rate": 0.01, "loss": "mse", "activation": "relu",
        "batch_size": 32, "epochs": 100,
    },
}


def load_dataset(name: str, *, samples: int | None = None, noise: float | None = None,
                 train_fraction: float | None = None, seed: int = 0) -> Dataset:
    """A built-in data set, split and scaled.

    ``samples`` and ``noise`` apply to generated sets only; None means the catalogue's
    default. Raises DataError for an unknown name or a value out of its range.
    """
    info = DATASETS.get(name)
    if info is None:
        raise DataError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}, "
                        "or give a CSV file (--data)")
    if not isinstance(seed, numbers.Integral) or seed < 0:
        raise DataError(f"seed {seed!r} is out of range; it must be a whole number >= 0 (--seed)")
    train_fraction = check_train_fraction(info.train_fraction if train_fraction is None else train_fraction, name)
    if info.kind == "real":
        if samples is not None or noise is not None:
            what = "size" if samples is not None else "noise"
            raise DataError(f"{name}: a real data set's {what} cannot be set; leave it out "
                            "(only generated sets take --samples and --noise)")
        return load_real(name, train_fraction=train_fraction, seed=int(seed))
    samples = info.samples if samples is None else samples
    noise = info.noise if noise is None else noise
    low, high = SAMPLES_RANGE
    if not (isinstance(samples, numbers.Integral) and low <= samples <= high):
        raise DataError(f"{name}: samples {samples!r} is out of range; choose a whole number in "
                        f"[{low:,}, {high:,}] (--samples)")
    low, high = NOISE_RANGE
    if not low <= noise <= high:
        raise DataError(f"{name}: noise {noise:g} is out of range; choose one in [{low:g}, {high:g}] (--noise)")
    return load_generated(name, samples=int(samples), noise=float(noise), train_fraction=train_fraction,
                          seed=int(seed))


__all__ = ["DATASETS", "DEFAULT_DATASET", "NOISE_RANGE", "PRESETS", "SAMPLES_RANGE", "load_dataset"]
