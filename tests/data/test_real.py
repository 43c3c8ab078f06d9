"""The real data sets shipped in tui_trainer/data/files: their contents, sizes and notice."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_trainer.data import load_dataset
from tui_trainer.data.real import FILES, REAL_SETS, read_file


@pytest.mark.parametrize("name, shape, counts", [
    ("iris", (150, 4), [50, 50, 50]),
    ("wine", (178, 13), [59, 71, 48]),
    ("breast_cancer", (569, 30), [212, 357]),
    ("digits", (1797, 64), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]),
])
def test_classification_sets(name, shape, counts):
    raw = read_file(name)
    assert raw["X"].shape == shape
    assert np.bincount(raw["y"]).tolist() == counts
    data = load_dataset(name)
    assert data.n_train + data.n_test == shape[0] and data.n_features == shape[1]
    assert data.n_classes == len(counts) == len(data.class_names)
    # stratified: each class split in the train fraction, give or take one example
    train_counts = np.bincount(data.y_train, minlength=len(counts))
    assert np.all(np.abs(train_counts - np.array(counts) * 0.7) <= 1)


def test_known_values():
    iris = read_file("iris")
    assert iris["X"][0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert iris["class_names"].tolist() == ["setosa", "versicolor", "virginica"]
    assert str(iris["target_name"]) == "species"
    digits = read_file("digits")
    assert digits["X"].dtype == np.uint8 and digits["X"].max() == 16
    assert digits["X"][0].reshape(8, 8)[:2].tolist() == [[0, 0, 5, 13, 9, 1, 0, 0], [0, 0, 13, 15, 10, 15, 5, 0]]
    assert read_file("breast_cancer")["class_names"].tolist() == ["malignant", "benign"]
    diabetes = read_file("diabetes")
    assert diabetes["X"].shape == (442, 10) and diabetes["y"].dtype == np.float64
    assert diabetes["X"][0].tolist() == [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]  # raw, unscaled
    assert diabetes["y"].mean() == pytest.approx(152.133, abs=1e-3)


def test_diabetes_target_can_be_restored_to_its_units():
    data = load_dataset("diabetes")
    assert data.task == "regression"
    restored = np.concatenate([data.y_train, data.y_test]) * data.target_std + data.target_mean
    np.testing.assert_allclose(np.sort(restored), np.sort(read_file("diabetes")["y"]))
    assert data.target_mean.shape == ()


def test_digits_pixels_scaled_by_train_statistics():
    data = load_dataset("digits", train_fraction=0.1)
    assert data.n_train == 180 and data.n_test == 1617
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-12)
    assert np.isfinite(data.X_test).all()  # pixels constant in training (std 1) stay finite


def test_files_are_small_and_hold_no_pickles():
    for name in REAL_SETS:
        path = FILES / f"{name}.npz"
        assert path.stat().st_size < 1_000_000
        with np.load(path, allow_pickle=False) as f:
            assert all(f[k].dtype != object for k in f.files)


def test_notice_names_every_set_its_source_and_licence():
    notice = (Path(FILES).parent / "NOTICE.md").read_text()
    for name in REAL_SETS:
        assert f"## {name}" in notice
    assert notice.count("CC BY 4.0") >= 4 and "BSD-3-Clause" in notice and "Least Angle Regression" in notice


def test_importing_data_loads_no_interface_or_sklearn():
    code = ("import sys, tui_trainer.data as d; d.load_dataset('digits'); "
            "print(sorted(m for m in ('textual', 'plotext', 'sklearn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
