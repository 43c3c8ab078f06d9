"""Data sets: generated, shipped with the package, or the user's CSV file; split and scaled.

Pure NumPy and the standard library: imports neither textual, plotext nor scikit-learn.

    from tui_trainer.data import load_dataset, load_csv, DATASETS, DEFAULT_DATASET, PRESETS
    data = load_dataset("spiral", noise=0.3, seed=1)      # a Dataset
    data = load_csv("people.csv", target="age")           # DataError on bad data
"""

from .catalogue import DATASETS, DEFAULT_DATASET, NOISE_RANGE, PRESETS, SAMPLES_RANGE, load_dataset
from .csvfile import load_csv
from .csvread import MAX_CSV_BYTES
from .dataset import TASKS, DataError, Dataset, DatasetInfo
from .prepare import TRAIN_FRACTION_RANGE, Scaling, split_and_scale

__all__ = [
    "DATASETS", "DEFAULT_DATASET", "DataError", "Dataset", "DatasetInfo", "MAX_CSV_BYTES",
    "NOISE_RANGE", "PRESETS", "SAMPLES_RANGE", "Scaling", "TASKS", "TRAIN_FRACTION_RANGE",
    "load_csv", "load_dataset", "split_and_scale",
]
