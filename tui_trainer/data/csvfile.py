"""The user's own data: a CSV file with a header row, numeric features and one target column.

``csvread`` turns the file into numbers; here the target becomes classes or values, the task
is inferred, missing values are refused or dropped, and the rows are split and scaled.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .csvread import MISSING, is_number, read_table
from .dataset import CLASSIFICATION, REGRESSION, TASKS, DataError, Dataset
from .prepare import check_train_fraction, encode_labels, make_dataset

MAX_GUESSED_CLASSES = 20  # a target of at most this many distinct whole numbers is taken as classes
MAX_CLASSES = 200
SHOW_MISSING = 3  # rows with missing values named in the message


def load_csv(path: str | os.PathLike, *, target: str | None = None, task: str | None = None,
             drop_missing: bool = False, train_fraction: float = 0.8, seed: int = 0) -> Dataset:
    """Load a CSV file, split and scale it.

    Parameters
    ----------
    path : path of a UTF-8 CSV file (commas; semicolons or tabs are recognised from the
        header) with a header row of column names, at most ``MAX_CSV_BYTES``.
    target : the target column's name; the last column if None.
    task : "classification", "regression", or None to infer it: a target of text, or of at
        most ``MAX_GUESSED_CLASSES`` distinct whole numbers, is classification.
    drop_missing : drop the rows with missing values (empty, NA, NaN, null, ?) instead of
        refusing the file.
    train_fraction, seed : as ``split_and_scale``.

    Raises
    ------
    DataError
        With a one-line message naming the problem and the way out.
    """
    path = Path(path)
    if task is not None and task not in TASKS:
        raise DataError(f"unknown task {task!r}; choose classification or regression (--task)")
    check_train_fraction(train_fraction, path.name or str(path))
    table = read_table(path, target)
    name, features, target, lines, X = table.name, table.features, table.target, table.lines, table.X
    target_cells = table.target_cells
    y_missing = np.array([c.lower() in MISSING for c in target_cells], dtype=bool)
    labels, numeric = _target_values(target_cells, y_missing)
    if numeric and np.isinf(labels).any():
        row = int(np.flatnonzero(np.isinf(labels))[0])
        raise DataError(f"{name}: row {lines[row]}, column {target!r}: {target_cells[row]!r} is not a finite "
                        "number; fix the cell or drop the row")
    task = task or _infer_task(labels, numeric)
    if task == REGRESSION and not numeric:
        row = int(np.flatnonzero(~y_missing & ~is_number(target_cells))[0])
        raise DataError(f"{name}: column {target!r} holds text ({target_cells[row]!r} in row {lines[row]}); "
                        "a regression target must be numbers: use --task classification or another --target")

    missing = np.isnan(X).any(axis=1) | y_missing
    dropped = int(missing.sum())
    if dropped and not drop_missing:
        raise DataError(_missing_message(name, X, y_missing, lines, features, target))
    if dropped:
        keep = ~missing
        X, labels = X[keep], labels[keep]
        if len(labels) == 0:
            raise DataError(f"{name}: every row has a missing value; fill them in")

    if task == CLASSIFICATION:
        y, class_names = encode_labels(labels)
        if len(class_names) > MAX_CLASSES:
            raise DataError(f"{name}: column {target!r} has {len(class_names):,} distinct values, too many "
                            f"classes (at most {MAX_CLASSES}); use --task regression or another --target")
        what = f"{len(class_names)} classes: {_names(class_names)}"
    else:
        y, class_names = labels.astype(np.float64), None
        what = "regression"
    note = f", {dropped} rows with missing values dropped" if dropped else ""
    return make_dataset(
        name, task, X, y, feature_names=features, target_name=target, class_names=class_names,
        train_fraction=train_fraction, seed=seed,
        description=f"{name}: {len(y):,} rows, {len(features)} features, target {target!r} ({what}){note}")


# -- the target ------------------------------------------------------------------------------

def _target_values(cells: list[str], missing: np.ndarray) -> tuple[np.ndarray, bool]:
    """The target as float64 (NaN where missing) if every present cell is a number, else as text."""
    try:
        values = np.fromiter((np.nan if m else float(c) for c, m in zip(cells, missing)),
                             dtype=np.float64, count=len(cells))
    except ValueError:
        return np.array(cells, dtype=str), False
    return values, True


def _infer_task(labels: np.ndarray, numeric: bool) -> str:
    if not numeric:
        return CLASSIFICATION
    present = labels[~np.isnan(labels)]
    whole = bool(np.all(present == np.round(present)))
    if whole and len(np.unique(present)) <= MAX_GUESSED_CLASSES:
        return CLASSIFICATION
    return REGRESSION


def _missing_message(name: str, X: np.ndarray, y_missing: np.ndarray, lines: np.ndarray,
                     features: list[str], target: str) -> str:
    cell_missing = np.column_stack([np.isnan(X), y_missing])
    names = features + [target]
    rows = np.flatnonzero(cell_missing.any(axis=1))
    where = "; ".join(f"row {lines[r]}: " + ", ".join(repr(names[c]) for c in np.flatnonzero(cell_missing[r]))
                      for r in rows[:SHOW_MISSING])
    more = f"; and {len(rows) - SHOW_MISSING} more rows" if len(rows) > SHOW_MISSING else ""
    count = int(cell_missing.sum())
    return (f"{name}: {count} missing value{'s' if count > 1 else ''} in {len(rows)} row{'s' if len(rows) > 1 else ''} "
            f"({where}{more}); fill them in, or drop those rows with --drop-missing")


def _names(class_names, at_most: int = 6) -> str:
    """The first class names, in label order: ``cat, dog`` or ``0, 1, 2, ... (10)``."""
    shown = ", ".join(str(n) for n in class_names[:at_most])
    return shown if len(class_names) <= at_most else f"{shown}, ..."
