"""What every loader returns: a split, scaled ``Dataset``; the catalogue's ``DatasetInfo``; ``DataError``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)


class DataError(ValueError):
    """Bad data or a bad data setting. ``str(err)`` is one line that names the problem and
    the way out, e.g. "data.csv: row 17, column 'age': 'abc' is not a number; fix the cell
    or drop the row"."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set split into a train part and a test part, ready to train on.

    Attributes
    ----------
    name : str
        "spiral", "digits", or the CSV file's name.
    task : "classification" or "regression"
    X_train : ndarray of shape (n_train, n_features), float64
        Standardised with the statistics of the train part only.
    y_train : ndarray
        Classification: int64 class indices 0..K-1 of shape (n_train,). Regression: float64
        of shape (n_train,) or (n_train, k), standardised with the train part's statistics.
    X_test, y_test : the same for the test part (scaled with the train part's statistics).
    feature_names : tuple of str
    target_name : str
    class_names : tuple of str or None
        Classification: the label of each class index. None for regression.
    description : str
        One line for the interface.
    target_mean, target_std : ndarray of shape () or (k,), or None
        Regression: ``y * target_std + target_mean`` gives the target in its own units.

    The arrays are read-only.
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    class_names: tuple[str, ...] | None
    description: str
    target_mean: np.ndarray | None = None
    target_std: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int | None:
        """K for classification, None for regression."""
        if self.task != CLASSIFICATION:
            return None
        if self.class_names is not None:
            return len(self.class_names)
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def n_outputs(self) -> int:
        """Width of the network's output layer: K classes, or k regression targets."""
        if self.task == CLASSIFICATION:
            return int(self.n_classes)
        return 1 if self.y_train.ndim == 1 else int(self.y_train.shape[1])

    @property
    def n_train(self) -> int:
        return int(self.X_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.X_test.shape[0])

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, {self.task}, train {self.n_train}, test {self.n_test}, "
                f"{self.n_features} features, {self.n_outputs} outputs)")


@dataclass(frozen=True)
class DatasetInfo:
    """A built-in data set in the catalogue, with its defaults.

    ``samples`` and ``noise`` are None where they cannot be set (a real set has a fixed
    size; only generated sets have noise). ``hidden`` is a network suggested for it.
    """

    name: str
    task: str
    kind: str  # "generated" or "real"
    summary: str
    samples: int | None
    noise: float | None
    train_fraction: float
    hidden: tuple[int, ...]
