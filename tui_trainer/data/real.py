"""Real data sets shipped inside the package, in data/files/*.npz (written by _build_files.py;
sources and licences in data/NOTICE.md). Nothing is downloaded."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .dataset import CLASSIFICATION, REGRESSION, Dataset
from .prepare import make_dataset

FILES = Path(__file__).with_name("files")


@dataclass(frozen=True)
class RealSet:
    task: str
    describe: str  # "{n} flowers, {d} measurements, {k} species": filled in from the file


REAL_SETS: dict[str, RealSet] = {
    "iris": RealSet(CLASSIFICATION, "{n} flowers, {d} measurements, {k} species"),
    "wine": RealSet(CLASSIFICATION, "{n} wines, {d} chemical measurements, {k} cultivars"),
    "breast_cancer": RealSet(CLASSIFICATION, "{n} tumours, {d} cell-nucleus features, benign or malignant"),
    "digits": RealSet(CLASSIFICATION, "{n} handwritten digits, 8x8 = {d} pixels, {k} classes"),
    "diabetes": RealSet(REGRESSION, "{n} patients, {d} baseline measurements, disease progression"),
}


@lru_cache(maxsize=None)
def read_file(name: str) -> dict[str, np.ndarray]:
    """The arrays of ``files/{name}.npz`` (read once; read-only)."""
    with np.load(FILES / f"{name}.npz", allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def load_real(name: str, *, train_fraction: float, seed: int) -> Dataset:
    """The shipped data set ``name``, split and scaled."""
    spec = REAL_SETS[name]
    f = read_file(name)
    X, y = f["X"], f["y"]
    class_names = tuple(f["class_names"].tolist()) if "class_names" in f else None
    n, d = X.shape
    what = spec.describe.format(n=f"{n:,}", d=d, k=len(class_names or ()))
    return make_dataset(
        name, spec.task, X, y, feature_names=tuple(f["feature_names"].tolist()),
        target_name=str(f["target_name"]), class_names=class_names, train_fraction=train_fraction,
        seed=seed, description=f"{name}: {what} (real)")
