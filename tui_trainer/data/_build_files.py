"""MAINTAINER'S SCRIPT, never run or imported by tui-trainer: writes data/files/*.npz.

It takes the values of the real data sets from the copies scikit-learn ships (sources and
licences in data/NOTICE.md) and needs scikit-learn, which tui-trainer does not::

    .venv/bin/python -m tui_trainer.data._build_files

Each file holds, without pickled objects: ``X`` (n, n_features), ``y`` (n,),
``feature_names``, ``target_name`` and, for classification, ``class_names``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FILES = Path(__file__).with_name("files")


def _arrays() -> dict[str, dict[str, np.ndarray]]:
    from sklearn import datasets

    iris = datasets.load_iris()
    wine = datasets.load_wine()
    cancer = datasets.load_breast_cancer()
    digits = datasets.load_digits()
    diabetes = datasets.load_diabetes(scaled=False)  # the raw values: we standardise ourselves
    assert digits.data.min() >= 0 and digits.data.max() <= 16 and np.all(digits.data == np.round(digits.data))
    return {
        "iris": dict(X=iris.data, y=iris.target, feature_names=iris.feature_names,
                     target_name="species", class_names=iris.target_names),
        "wine": dict(X=wine.data, y=wine.target, feature_names=wine.feature_names,
                     target_name="cultivar", class_names=["cultivar 1", "cultivar 2", "cultivar 3"]),
        "breast_cancer": dict(X=cancer.data, y=cancer.target, feature_names=cancer.feature_names,
                              target_name="diagnosis", class_names=cancer.target_names),
        "digits": dict(X=digits.data.astype(np.uint8), y=digits.target.astype(np.uint8),
                       feature_names=[f"pixel {r},{c}" for r in range(8) for c in range(8)],
                       target_name="digit", class_names=[str(d) for d in range(10)]),
        "diabetes": dict(X=diabetes.data, y=diabetes.target, feature_names=diabetes.feature_names,
                         target_name="progression"),
    }


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for name, arrays in _arrays().items():
        path = FILES / f"{name}.npz"
        np.savez_compressed(path, **{k: np.asarray(v) if k in ("X", "y") else np.asarray(v, dtype=str)
                                     for k, v in arrays.items()})
        print(f"{path}: {path.stat().st_size:,} bytes, X {arrays['X'].shape} {arrays['X'].dtype}")


if __name__ == "__main__":
    main()
