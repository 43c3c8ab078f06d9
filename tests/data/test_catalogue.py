"""The built-in data sets: the catalogue, load_dataset's settings and errors, the generators."""

import numpy as np
import pytest

from tui_trainer.data import (DATASETS, DEFAULT_DATASET, NOISE_RANGE, PRESETS, SAMPLES_RANGE, DataError,
                              Dataset, load_dataset)
from tui_trainer.data.generated import GENERATORS, circles, moons, spiral, xor

GENERATED = [name for name, info in DATASETS.items() if info.kind == "generated"]
REAL = [name for name, info in DATASETS.items() if info.kind == "real"]
ARRAYS = ("X_train", "y_train", "X_test", "y_test")


def test_catalogue_lists_every_set_the_issue_asks_for():
    assert GENERATED == ["spiral", "moons", "circles", "xor", "blobs", "sine", "plane", "polynomial"]
    assert REAL == ["iris", "wine", "breast_cancer", "digits", "diabetes"]
    assert DEFAULT_DATASET in DATASETS
    for name, info in DATASETS.items():
        assert info.name == name
        assert info.task in ("classification", "regression")
        assert (info.samples is None) == (info.noise is None) == (info.kind == "real")
        assert all(isinstance(h, int) and h > 0 for h in info.hidden) and info.hidden
        assert "\n" not in info.summary


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_set_loads_with_its_defaults(name):
    info = DATASETS[name]
    data = load_dataset(name)
    assert isinstance(data, Dataset) and data.name == name and data.task == info.task
    n = data.n_train + data.n_test
    if info.samples is not None:
        assert n == info.samples
        assert f"{info.samples} points, noise {info.noise:g} (generated)" in data.description
    assert data.n_train == round(n * info.train_fraction)
    assert data.X_train.shape == (data.n_train, data.n_features) == (data.n_train, len(data.feature_names))
    assert data.X_test.shape == (data.n_test, data.n_features)
    assert data.X_train.dtype == np.float64
    assert data.description.startswith(f"{name}: ") and "\n" not in data.description
    if data.task == "classification":
        assert data.y_train.dtype == np.int64 and data.target_mean is None
        assert data.n_outputs == data.n_classes == len(data.class_names)
        assert set(np.unique(data.y_train)) == set(range(data.n_classes))  # every class in training
    else:
        assert data.y_train.dtype == np.float64 and data.class_names is None and data.n_classes is None
        assert data.n_outputs == 1 and data.y_train.shape == (data.n_train,)
        assert data.target_mean is not None and data.target_std > 0
    for field in ARRAYS:
        with pytest.raises(ValueError):
            getattr(data, field)[0] = 0  # read-only: a frozen data set


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_follow_samples_noise_and_seed(name):
    a = load_dataset(name, samples=60, noise=0.05, train_fraction=0.5, seed=7)
    b = load_dataset(name, samples=60, noise=0.05, train_fraction=0.5, seed=7)
    assert a.n_train == a.n_test == 30
    for field in ARRAYS:
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    c = load_dataset(name, samples=60, noise=0.05, train_fraction=0.5, seed=8)
    assert not np.array_equal(a.X_train, c.X_train)
    assert "noise 0.05" in a.description


def test_real_sets_same_seed_same_split():
    a, b, c = (load_dataset("wine", seed=s) for s in (3, 3, 4))
    for field in ARRAYS:
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    assert not np.array_equal(a.y_train, c.y_train)


def test_noise_is_the_standard_deviation_of_the_shift():
    for make in (moons, circles, xor, spiral):
        X0, y0 = make(2000, 0.0, np.random.default_rng(1))
        X1, y1 = make(2000, 0.3, np.random.default_rng(1))
        assert np.array_equal(y0, y1)
        assert np.std(X1 - X0) == pytest.approx(0.3, rel=0.05), make.__name__


def test_generators_draw_their_shapes():
    rng = np.random.default_rng(0)
    X, y = circles(101, 0.0, rng)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.5)
    assert np.bincount(y).tolist() == [51, 50]
    X, y = xor(500, 0.0, rng)
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] > 0)
    X, y = spiral(300, 0.0, rng)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0
    X, y = moons(100, 0.0, rng)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)


def test_regression_generators_follow_their_formulas():
    for name, f in [("sine", lambda X: np.sin(X[:, 0])), ("plane", lambda X: 0.8 * X[:, 0] - 0.5 * X[:, 1]),
                    ("polynomial", lambda X: (X[:, 0] ** 3 - 3 * X[:, 0]) / 2)]:
        X, y = GENERATORS[name].make(100, 0.0, np.random.default_rng(0))
        np.testing.assert_allclose(y, f(X), atol=1e-12)


def test_stratified_generated_split():
    data = load_dataset("blobs", samples=300, train_fraction=0.3)
    assert np.bincount(data.y_train).tolist() == [30, 30, 30]


def test_unknown_name_lists_the_names():
    with pytest.raises(DataError, match="unknown data set 'mnist'; choose one of: spiral, moons, .*diabetes"):
        load_dataset("mnist")


@pytest.mark.parametrize("kwargs, words", [
    (dict(samples=SAMPLES_RANGE[0] - 1), "samples 19 is out of range; choose a whole number in [20, 20,000]"),
    (dict(samples=SAMPLES_RANGE[1] + 1), "out of range"),
    (dict(samples=100.5), "samples 100.5 is out of range"),
    (dict(noise=NOISE_RANGE[1] + 0.5), "noise 1.5 is out of range; choose one in [0, 1]"),
    (dict(noise=-0.1), "noise -0.1 is out of range"),
    (dict(train_fraction=0.99), "train fraction 0.99 is out of range; choose one in [0.05, 0.95]"),
    (dict(train_fraction=0.0), "out of range"),
    (dict(seed=-1), "seed -1 is out of range"),
])
def test_out_of_range_settings(kwargs, words):
    with pytest.raises(DataError) as info:
        load_dataset("moons", **kwargs)
    assert words in str(info.value)


def test_real_sets_have_no_size_or_noise_to_set():
    with pytest.raises(DataError, match="iris: a real data set's size cannot be set"):
        load_dataset("iris", samples=100)
    with pytest.raises(DataError, match="noise cannot be set"):
        load_dataset("digits", noise=0.1)


def test_overfit_preset():
    preset = PRESETS["overfit"]
    assert set(preset) == {"dataset", "train_fraction", "hidden", "dropout", "optimizer", "learning_rate",
                           "loss", "activation", "batch_size", "epochs"}
    assert preset["dataset"] in DATASETS
    data = load_dataset(preset["dataset"], train_fraction=preset["train_fraction"])
    assert data.n_train < data.n_test
