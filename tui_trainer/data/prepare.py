"""Preparation shared by every loader: a seeded (stratified) split, then standardisation with
the train part's statistics only, so nothing about the test part leaks into training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .dataset import CLASSIFICATION, REGRESSION, TASKS, DataError, Dataset

TRAIN_FRACTION_RANGE = (0.05, 0.95)
MIN_PART = 2  # examples each part needs: a test cost of one example says nothing


@dataclass(frozen=True, eq=False)
class Scaling:
    """The train part's statistics. A constant column gets std 1 (no division by zero)."""

    feature_mean: np.ndarray  # (n_features,)
    feature_std: np.ndarray
    target_mean: np.ndarray | None = None  # regression only: shape () or (k,)
    target_std: np.ndarray | None = None


def check_train_fraction(train_fraction: float, name: str = "data") -> float:
    low, high = TRAIN_FRACTION_RANGE
    if not low <= train_fraction <= high:  # also refuses NaN
        raise DataError(f"{name}: train fraction {train_fraction:g} is out of range; "
                        f"choose one in [{low:g}, {high:g}] (--train-fraction)")
    return float(train_fraction)


def encode_labels(labels: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices 0..K-1 (int64) and the name of each class, sorted (numbers numerically).

    Whole numbers are named without a decimal point: 3.0 -> "3".
    """
    labels = np.asarray(labels)
    classes, indices = np.unique(labels, return_inverse=True)
    if classes.dtype.kind == "f":
        names = tuple(str(int(c)) if float(c).is_integer() else repr(float(c)) for c in classes)
    else:
        names = tuple(str(c) for c in classes)
    return indices.astype(np.int64).reshape(-1), names


def split_indices(y: np.ndarray, task: str, train_fraction: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the train part and of the test part, each in shuffled order.

    Classification is stratified: each class is split in (nearly) the train fraction, the
    rounding shared out by largest remainder so the total is ``round(n * train_fraction)``.
    """
    n = len(y)
    n_train = int(np.floor(n * train_fraction + 0.5))
    if task == REGRESSION:
        order = rng.permutation(n)
        return order[:n_train], order[n_train:]
    classes, counts = np.unique(y, return_counts=True)
    quota = counts * (n_train / n)
    take = np.floor(quota).astype(np.int64)
    short = n_train - int(take.sum())
    take[np.argsort(-(quota - take), kind="stable")[:short]] += 1
    train, test = [], []
    for c, k in zip(classes, take):
        members = rng.permutation(np.flatnonzero(y == c))
        train.append(members[:k])
        test.append(members[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


HUGE = 1e150  # beyond this, a value's square overflows float64 in a std (~1.8e308)


def _mean_std(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each column's mean and std (1 for a constant column), and which columns are constant.

    A column with values beyond ``HUGE`` is scaled by a power of two for the sums, so that its
    squares do not overflow (at ~1e154 they did: the std became inf and the column zeros); the
    power of two keeps every other column's figures bit for bit."""
    peak = np.asarray(np.max(np.abs(a), axis=0))
    scale = np.ones_like(peak)
    big = peak > HUGE
    scale[big] = 2.0 ** np.floor(np.log2(peak[big]))
    mean = np.asarray((a / scale).mean(axis=0) * scale)  # an array even for a 1-D target: shape ()
    std = np.asarray((a / scale).std(axis=0) * scale)
    # a constant column: its computed std is 0 or rounding noise far below its mean
    constant = std <= 1e-12 * np.abs(mean)
    return mean, np.where(constant, 1.0, std), constant


def split_and_scale(X: np.ndarray, y: np.ndarray, *, task: str, train_fraction: float, seed: int,
                    name: str = "data", class_names: Sequence[str] | None = None,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Scaling]:
    """Split ``X``, ``y`` into a train and a test part and standardise them with the train
    part's statistics.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, k)
        Classification: class indices 0..K-1 (see ``encode_labels``). Regression: numbers.
    task : "classification" or "regression"
    train_fraction : float in TRAIN_FRACTION_RANGE
    seed : int
        Seeds the split: the same seed gives the same arrays, bit for bit.
    name : str
        Names the data in error messages.
    class_names : sequence of str, optional
        Only used to name the class in the one-class error.

    Returns
    -------
    X_train, y_train, X_test, y_test, scaling
        Features float64; targets int64 (classification) or standardised float64.
    """
    if task not in TASKS:
        raise DataError(f"{name}: unknown task {task!r}; choose classification or regression (--task)")
    check_train_fraction(train_fraction, name)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must have shape (n, n_features) and y n rows; got {X.shape} and {np.shape(y)}")
    if not np.isfinite(X).all():
        raise DataError(f"{name}: the features hold NaN or infinite values; remove those rows")
    if task == CLASSIFICATION:
        y = np.asarray(y, dtype=np.int64).reshape(-1)
        present = np.unique(y)
        if len(present) < 2:
            label = class_names[present[0]] if class_names is not None and len(present) else "?"
            raise DataError(f"{name}: the target has one class only ({label!r}); a classifier needs "
                            "two or more: choose another --target, or --task regression")
    else:
        y = np.asarray(y, dtype=np.float64)
        if not np.isfinite(y).all():
            raise DataError(f"{name}: the target holds NaN or infinite values; remove those rows")
    rng = np.random.default_rng(seed)
    train, test = split_indices(y, task, train_fraction, rng)
    n = len(y)
    if len(test) < MIN_PART:
        raise DataError(f"{name}: the test part would hold {len(test)} of {n} examples at train fraction "
                        f"{train_fraction:g}; it needs {MIN_PART}: use more rows or a smaller --train-fraction")
    if len(train) < MIN_PART:
        raise DataError(f"{name}: the train part would hold {len(train)} of {n} examples at train fraction "
                        f"{train_fraction:g}; it needs {MIN_PART}: use more rows or a larger --train-fraction")
    mean, std, _ = _mean_std(X[train])
    X_train = (X[train] - mean) / std
    X_test = (X[test] - mean) / std
    if task == CLASSIFICATION:
        return X_train, y[train], X_test, y[test], Scaling(mean, std)
    y_mean, y_std, constant = _mean_std(y[train])
    if np.any(constant):
        value = float(np.ravel(y_mean)[np.argmax(np.ravel(constant))])
        raise DataError(f"{name}: the target is the same number ({value:g}) in every example to train on; "
                        "a regression needs a target that varies: choose another --target")
    y_train = (y[train] - y_mean) / y_std
    y_test = (y[test] - y_mean) / y_std
    return X_train, y_train, X_test, y_test, Scaling(mean, std, y_mean, y_std)


def make_dataset(name: str, task: str, X: np.ndarray, y: np.ndarray, *, feature_names: Sequence[str],
                 target_name: str, class_names: Sequence[str] | None, description: str,
                 train_fraction: float, seed: int) -> Dataset:
    """Split and scale ``X``, ``y`` and wrap them, read-only, in a ``Dataset``."""
    X_train, y_train, X_test, y_test, scaling = split_and_scale(
        X, y, task=task, train_fraction=train_fraction, seed=seed, name=name, class_names=class_names)
    arrays = [X_train, y_train, X_test, y_test, scaling.target_mean, scaling.target_std]
    for a in arrays:
        if a is not None:
            a.setflags(write=False)
    return Dataset(
        name=name, task=task, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test,
        feature_names=tuple(feature_names), target_name=target_name,
        class_names=tuple(class_names) if task == CLASSIFICATION else None,
        description=description, target_mean=scaling.target_mean, target_std=scaling.target_std)
