"""Losses against their definitions written out element by element (and PyTorch, if installed)."""

import math

import numpy as np
import pytest

from tui_trainer.engine import LOSSES, UnknownNameError

OUT = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 4.0, 1.0]])
Y = np.array([0, 2, 1])


def test_cost_is_the_mean_of_per_example_losses():
    for loss in LOSSES.values():
        per = loss.per_example(OUT, Y)
        assert per.shape == (3,)
        assert loss.cost(OUT, Y) == pytest.approx(per.mean(), rel=1e-15)


def test_cross_entropy_by_hand():
    expected = []
    for row, label in zip(OUT, Y):
        expected.append(-math.log(math.exp(row[label]) / sum(math.exp(v) for v in row)))
    np.testing.assert_allclose(LOSSES["cross_entropy"].per_example(OUT, Y), expected, rtol=1e-14)


def test_binary_cross_entropy_on_one_logit_by_hand():
    z = np.array([[0.3], [-2.0], [5.0]])
    y = np.array([1, 0, 0])
    sig = [1 / (1 + math.exp(-v)) for v in z[:, 0]]
    expected = [-(t * math.log(s) + (1 - t) * math.log(1 - s)) for s, t in zip(sig, y)]
    np.testing.assert_allclose(LOSSES["cross_entropy"].per_example(z, y), expected, rtol=1e-12)


def test_cross_entropy_is_finite_for_huge_logits():
    ce = LOSSES["cross_entropy"]
    out = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    y = np.array([1, 1])
    per = ce.per_example(out, y)
    assert np.isfinite(per).all()
    assert per[0] == pytest.approx(2000.0)
    assert per[1] == pytest.approx(0.0, abs=1e-12)
    assert np.isfinite(ce.grad(out, y)).all()
    binary = np.array([[1000.0], [-1000.0]])
    assert np.isfinite(ce.per_example(binary, np.array([0, 1]))).all()
    assert ce.per_example(binary, np.array([0, 1])) == pytest.approx([1000.0, 1000.0])
    assert np.isfinite(ce.grad(binary, np.array([0, 1]))).all()


def test_mse_mae_huber_on_one_hot_targets_by_hand():
    onehot = np.eye(3)[Y]
    d = OUT - onehot
    np.testing.assert_allclose(LOSSES["mse"].per_example(OUT, Y), (d**2).mean(axis=1))
    np.testing.assert_allclose(LOSSES["mae"].per_example(OUT, Y), np.abs(d).mean(axis=1))
    huber = [[0.5 * v * v if abs(v) < 1 else abs(v) - 0.5 for v in row] for row in d]
    np.testing.assert_allclose(LOSSES["huber"].per_example(OUT, Y), np.mean(huber, axis=1))


def test_mse_has_no_half_and_averages_over_all_elements():
    out = np.array([[1.0, 2.0], [3.0, 5.0]])
    y = np.array([[0.0, 0.0], [3.0, 3.0]])
    assert LOSSES["mse"].cost(out, y) == pytest.approx((1 + 4 + 0 + 4) / 4)
    np.testing.assert_allclose(LOSSES["mse"].grad(out, y), 2 * (out - y) / 4)


def test_mae_gradient_is_zero_where_the_error_is_zero():
    out = np.array([[1.0], [2.0], [3.0]])
    y = np.array([1.0, 0.0, 5.0])
    np.testing.assert_array_equal(LOSSES["mae"].grad(out, y)[:, 0], [0.0, 1 / 3, -1 / 3])


def test_multiclass_hinge_is_crammer_singer_by_hand():
    expected = []
    for row, label in zip(OUT, Y):
        rival = max(v for j, v in enumerate(row) if j != label)
        expected.append(max(0.0, 1 + rival - row[label]))
    np.testing.assert_allclose(LOSSES["hinge"].per_example(OUT, Y), expected)


def test_binary_hinge_maps_targets_to_plus_minus_one():
    z = np.array([[0.5], [-2.0], [2.0]])
    y = np.array([1, 0, 0])
    np.testing.assert_allclose(LOSSES["hinge"].per_example(z, y), [0.5, 0.0, 3.0])


def test_classification_only_losses_refuse_regression_with_a_reason():
    for name in ("cross_entropy", "hinge"):
        with pytest.raises(ValueError, match="regression") as err:
            LOSSES[name].check_task("regression")
        assert "mse" in str(err.value)
    LOSSES["mse"].check_task("regression")


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(UnknownNameError) as err:
        LOSSES["cross-entropy"]
    message = str(err.value)
    for name in ("mse", "mae", "cross_entropy", "hinge", "huber"):
        assert name in message



@pytest.mark.parametrize("name", ["mse", "mae", "huber", "cross_entropy", "bce"])
def test_against_pytorch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    out = rng.normal(scale=3, size=(9, 4 if name != "bce" else 1))
    if name in ("cross_entropy", "bce"):
        y = rng.integers(0, out.shape[1] if name == "cross_entropy" else 2, size=9)
    else:
        y = rng.normal(size=(9, 4))
    t_out = torch.tensor(out, requires_grad=True)
    if name == "cross_entropy":
        t_loss = torch.nn.CrossEntropyLoss()(t_out, torch.tensor(y))
    elif name == "bce":
        t_loss = torch.nn.BCEWithLogitsLoss()(t_out[:, 0], torch.tensor(y, dtype=torch.float64))
    else:
        module = {"mse": torch.nn.MSELoss, "mae": torch.nn.L1Loss, "huber": torch.nn.HuberLoss}[name]
        t_loss = module()(t_out, torch.tensor(y))
    t_loss.backward()
    ours = LOSSES["cross_entropy" if name == "bce" else name]
    assert ours.cost(out, y) == pytest.approx(t_loss.item(), rel=1e-14)
    np.testing.assert_allclose(ours.grad(out, y), t_out.grad.numpy(), rtol=1e-12, atol=1e-16)


def test_accuracy_counts_the_highest_output_first_on_ties():
    from tui_trainer.engine import accuracy

    out = np.array([[0.1, 0.9, 0.0], [2.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -3.0, -0.5]])
    assert accuracy(out, np.array([1, 0, 0, 2])) == 1.0
    assert accuracy(out, np.array([1, 1, 1, 2])) == 0.5
    wide = np.zeros((2, 20))
    wide[0, 17], wide[1, 3] = 1.0, 1.0
    assert accuracy(wide, np.array([17, 4])) == 0.5
