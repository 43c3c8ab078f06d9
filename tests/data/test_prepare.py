"""split_and_scale: stratified, seeded, scaled with the train part's statistics only."""

import numpy as np
import pytest

from tui_trainer.data import DataError, split_and_scale
from tui_trainer.data.prepare import encode_labels


def unbalanced(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [int(n * 0.7), int(n * 0.2), n - int(n * 0.7) - int(n * 0.2)])
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1] + [5.0, -3.0, 0.0] + y[:, None]
    return X, y


def test_stratified_split_keeps_class_proportions():
    X, y = unbalanced()  # 280 / 80 / 40
    X_train, y_train, X_test, y_test, _ = split_and_scale(X, y, task="classification", train_fraction=0.25, seed=1)
    assert len(y_train) == 100 and len(y_test) == 300
    assert np.bincount(y_train).tolist() == [70, 20, 10]
    assert np.bincount(y_test).tolist() == [210, 60, 30]


def test_stratified_rounding_still_gives_the_requested_size():
    y = np.repeat([0, 1, 2], [7, 7, 7])
    _, y_train, _, y_test, _ = split_and_scale(np.arange(21.0)[:, None], y, task="classification",
                                               train_fraction=0.5, seed=0)
    assert len(y_train) == 11 and len(y_test) == 10  # round(10.5) with banker's rounding would give 10
    assert sorted(np.bincount(y_train).tolist()) == [3, 4, 4]


def test_parts_are_shuffled_and_disjoint():
    X, y = unbalanced()
    X[:, 0] = np.arange(len(X))  # an id column, to find each row again
    X_train, y_train, X_test, _, s = split_and_scale(X, y, task="classification", train_fraction=0.5, seed=0)
    ids = np.concatenate([X_train[:, 0], X_test[:, 0]]) * s.feature_std[0] + s.feature_mean[0]
    assert sorted(np.round(ids).astype(int)) == list(range(len(X)))
    assert not np.all(np.diff(y_train) >= 0)  # not grouped by class
    assert y_train.dtype == np.int64


def test_features_scaled_with_train_statistics_only():
    X, y = unbalanced()
    X_train, _, X_test, _, s = split_and_scale(X, y, task="classification", train_fraction=0.5, seed=0)
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X_train.std(axis=0), 1)
    assert np.all(np.abs(X_test.mean(axis=0)) > 1e-6)  # the test part's own mean was not used
    train_rows = (X_train * s.feature_std + s.feature_mean)
    np.testing.assert_allclose(s.feature_mean, train_rows.mean(axis=0))
    assert X_train.dtype == X_test.dtype == np.float64


def test_constant_column_gets_std_one():
    X = np.column_stack([np.full(50, 0.1), np.arange(50.0), np.zeros(50)])
    X_train, _, X_test, _, s = split_and_scale(X, np.arange(50) % 2, task="classification",
                                               train_fraction=0.5, seed=0)
    assert s.feature_std[0] == 1.0 and s.feature_std[2] == 1.0
    assert np.isfinite(X_train).all() and np.isfinite(X_test).all()
    assert np.abs(X_train[:, [0, 2]]).max() < 1e-12


def test_regression_targets_standardised():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    Y = np.column_stack([X[:, 0] * 50 + 1000, X[:, 1] - 7])  # two targets
    _, y_train, _, y_test, s = split_and_scale(X, Y, task="regression", train_fraction=0.6, seed=0)
    assert y_train.shape == (60, 2) and y_test.shape == (40, 2)
    np.testing.assert_allclose(y_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y_train.std(axis=0), 1)
    assert s.target_mean.shape == (2,)
    assert abs(s.target_mean[0] - 1000) < 20


@pytest.mark.parametrize("factor", [1e200, 1e300, -1e307])
def test_huge_values_are_standardised_like_ordinary_ones(factor):
    """Squares overflow from ~1e154: the std was inf, the column became zeros and trained on
    nothing, silently. A column scaled by a huge factor gives the same standardised values."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = X[:, 0] - 2 * X[:, 1]
    with np.errstate(all="raise"):  # no overflow, no warning
        plain = split_and_scale(X, y, task="regression", train_fraction=0.6, seed=0)
        huge = split_and_scale(X * [factor, 1.0], y * factor, task="regression", train_fraction=0.6, seed=0)
    for a, b in zip(plain[:4], huge[:4]):
        np.testing.assert_allclose(b, a * np.sign(factor) if a.ndim == 1 else a * [np.sign(factor), 1],
                                   rtol=1e-12, atol=1e-12)
    assert abs(huge[4].target_std / abs(factor) / plain[4].target_std - 1) < 1e-12


def test_a_constant_regression_target_is_refused():
    X = np.random.default_rng(0).normal(size=(40, 2))
    with pytest.raises(DataError, match=r"the target is the same number \(3.5\) in every example"):
        split_and_scale(X, np.full(40, 3.5), task="regression", train_fraction=0.5, seed=0)


def test_same_seed_same_bits_other_seed_other_split():
    X, y = unbalanced()
    a = split_and_scale(X, y, task="classification", train_fraction=0.7, seed=5)
    b = split_and_scale(X, y, task="classification", train_fraction=0.7, seed=5)
    c = split_and_scale(X, y, task="classification", train_fraction=0.7, seed=6)
    for x, z in zip(a[:4], b[:4]):
        assert x.tobytes() == z.tobytes()
    assert not np.array_equal(a[0], c[0])


def test_one_class_only():
    with pytest.raises(DataError, match="one class only"):
        split_and_scale(np.ones((10, 1)), np.zeros(10), task="classification", train_fraction=0.5, seed=0)


@pytest.mark.parametrize("fraction, part", [(0.95, "test"), (0.05, "train")])
def test_parts_need_two_examples(fraction, part):
    with pytest.raises(DataError, match=f"the {part} part would hold 1 of 20 examples"):
        split_and_scale(np.arange(20.0)[:, None], np.arange(20.0), task="regression",
                        train_fraction=fraction, seed=0)


def test_non_finite_features_refused():
    X = np.ones((10, 2))
    X[3, 1] = np.nan
    with pytest.raises(DataError, match="NaN or infinite"):
        split_and_scale(X, np.arange(10) % 2, task="classification", train_fraction=0.5, seed=0)


def test_encode_labels():
    y, names = encode_labels(np.array(["b", "a", "c", "a"]))
    assert y.tolist() == [1, 0, 2, 0] and names == ("a", "b", "c")
    y, names = encode_labels(np.array([10.0, 2.0, 2.0, 1.5]))
    assert y.tolist() == [2, 1, 1, 0] and names == ("1.5", "2", "10")
