"""The learning-rate range test: what it records, where it stops, what it suggests, and that
the trainer it reads is left exactly as it was."""

import math

import numpy as np
import pytest

from tui_trainer.config import RunConfig
from tui_trainer.data import DATASETS
from tui_trainer.engine import MAX_LEARNING_RATE, MIN_LEARNING_RATE, Settings, Trainer, find_learning_rate
from tui_trainer.engine.lr_finder import _steep, _valley, suggest, text_plot


def trained(config, epochs=2):
    trainer = config.make_trainer()
    list(trainer.epochs(epochs))
    return trainer


def test_the_trainer_is_left_exactly_as_it_was():
    config = RunConfig(dataset="spiral", dropout=0.2, optimizer="adam", batch_size=16)
    trainer, twin = trained(config), trained(config)
    arrays, meta = trainer.state_dict()
    optimizer, lr = trainer.optimizer, trainer.optimizer.lr
    result = find_learning_rate(trainer)
    assert len(result.lrs) > 10
    after_arrays, after_meta = trainer.state_dict()
    assert after_meta == meta  # epoch, steps, settings, the three generators' states, events
    assert arrays.keys() == after_arrays.keys()
    for key in arrays:
        assert arrays[key].tobytes() == after_arrays[key].tobytes(), key
    assert trainer.optimizer is optimizer and optimizer.lr == lr
    # and the next epochs give the numbers of a twin that never ran the test
    ours, theirs = list(trainer.epochs(2)), list(twin.epochs(2))
    for a, b in zip(ours, theirs):
        numbers = ("train_cost", "test_cost", "train_metric", "test_metric", "steps")
        assert [getattr(a, k) for k in numbers] == [getattr(b, k) for k in numbers]
    assert trainer.model.flat_params.tobytes() == twin.model.flat_params.tobytes()


def test_the_first_batch_is_the_one_the_trainer_would_draw_next():
    config = RunConfig(dataset="moons", dropout=0.3, batch_size=8)
    trainer, twin = trained(config, 1), trained(config, 1)
    result = find_learning_rate(trainer, steps=5)
    order = twin.shuffle_rng.permutation(twin.n_train)
    rows = order[:8]
    out = twin.model.forward(twin.X_train[rows], train=True)  # the same dropout draw
    assert result.raw_losses[0] == twin.loss.cost(out, twin.y_train[rows])


def test_records_rates_and_bias_corrected_smoothed_losses():
    result = find_learning_rate(RunConfig(dataset="blobs").make_trainer(), start=1e-5, end=1.0, steps=40)
    n = len(result.lrs)
    assert isinstance(result.lrs, np.ndarray) and isinstance(result.losses, np.ndarray)
    assert len(result.losses) == len(result.raw_losses) == n
    np.testing.assert_allclose(result.lrs, 1e-5 * 10 ** (5 * np.arange(n) / 39), rtol=1e-12)
    average, expected = 0.0, []
    for i, loss in enumerate(result.raw_losses):  # written out by hand: beta 0.98, corrected
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** (i + 1)))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    assert result.losses[0] == result.raw_losses[0]


def test_stops_once_the_smoothed_loss_passes_four_times_its_lowest():
    config = RunConfig(dataset="spiral", optimizer="sgd")
    result = find_learning_rate(config.make_trainer(), start=1e-3, end=1e4, steps=300)
    assert result.stopped == "rising" and len(result.lrs) < 300
    assert result.losses[-1] > 4 * result.losses.min()
    assert all(result.losses[i] <= 4 * result.losses[:i + 1].min() for i in range(len(result.losses) - 1))
    assert MIN_LEARNING_RATE <= result.suggestion <= MAX_LEARNING_RATE


def test_a_loss_that_is_not_finite_ends_the_test():
    config = RunConfig(dataset="sine", optimizer="sgd", batch_mode="batch")
    with np.errstate(all="raise"):  # overflow on the way is the stop, not a warning
        # the first step's weights are ~1e300, its outputs' squares beyond the largest float
        result = find_learning_rate(config.make_trainer(), start=1e300, end=1e301, steps=50)
    assert result.stopped == "not finite"
    assert np.isfinite(result.losses).all() and len(result.losses) == 1
    assert result.suggestion == MAX_LEARNING_RATE  # the range test's rates clipped to the trainer's


def test_all_the_steps_run_when_the_loss_never_rises():
    result = find_learning_rate(RunConfig(dataset="plane").make_trainer(), start=1e-7, end=1e-5, steps=30)
    assert result.stopped == "end" and len(result.lrs) == 30 and result.lrs[-1] == pytest.approx(1e-5)


def test_valley_is_half_way_down_the_longest_fall():
    lrs = np.arange(1.0, 10.0)
    # the longest decreasing run is 5, 4, 3, 2, 1, 0.5 (indices 1-6); fastai's index:
    # start one before it (0) + int(6 / 3) + int(6 / 6) = 3
    assert _valley(lrs, np.array([3, 5, 4, 3, 2, 1, 0.5, 2, 6.0])) == lrs[3]
    assert _valley(lrs[:3], np.array([1.0, 2.0, 3.0])) == lrs[0]  # no fall at all
    assert _valley(lrs[:3], np.array([2.0, 1.0, 3.0])) == lrs[0]  # a run from the first point


def test_steep_is_the_fastest_fall_against_log_lr():
    lrs = np.array([1e-4, 1e-3, 1e-2, 1e-1])
    assert _steep(lrs, np.array([1.0, 0.9, 0.3, 0.2])) == 1e-3  # -0.6 a decade from 1e-3 on


def test_suggest_leaves_out_the_ends_and_clips_to_the_trainers_range():
    lrs = np.geomspace(1e-7, 10, 100)
    losses = np.ones(100)
    losses[:10] = np.linspace(10, 0, 10)  # a steep fall in the first tenth: left out
    losses[60:] = np.linspace(1, 0.5, 40)  # the fall that counts
    losses[95:] = 0.1  # and the last five: left out
    # the run: one of the 1s, then 61..94 (35 points); fastai's index: one before it (59)
    # + int(35 / 3) + int(35 / 6) = 59 + 11 + 5
    assert suggest(lrs, losses, "valley") == pytest.approx(lrs[75])
    assert suggest(lrs, losses, "minimum") == pytest.approx(lrs[94] / 10)
    assert suggest(np.array([1e-9, 1e-8]), np.array([1.0, 0.5]), "valley") == MIN_LEARNING_RATE
    assert suggest(np.array([50.0, 60.0]), np.array([1.0, 0.5]), "valley") == MAX_LEARNING_RATE


def test_bad_arguments_are_refused_in_one_line():
    trainer = RunConfig(dataset="xor").make_trainer()
    with pytest.raises(ValueError, match="steps 1 must be a whole number >= 2"):
        find_learning_rate(trainer, steps=1)
    with pytest.raises(ValueError, match="0 < start < end; got start 1, end 0.1"):
        find_learning_rate(trainer, start=1.0, end=0.1)
    with pytest.raises(ValueError, match="unknown suggestion rule 'vally'; choose one of: valley, steep, minimum"):
        find_learning_rate(trainer, rule="vally")


def test_text_plot_marks_the_suggestion_on_a_log_axis():
    lrs = np.geomspace(1e-6, 1.0, 61)
    losses = 1 + (np.log10(lrs) + 2) ** 2
    text = text_plot(lrs, losses, 1e-3, width=61, height=10)
    lines = text.splitlines()
    assert len(lines) == 10 + 3
    plot = [line.split("|", 1)[1] for line in lines[:10]]
    assert all(len(row) == 61 for row in plot)
    assert all(row[30] in "|*" for row in plot)  # 1e-3 is half way from 1e-6 to 1e0
    assert plot[-1][40] == "*"  # the lowest loss, at 1e-2, on the bottom row
    assert "1e-6" in lines[-2] and "1e-3" in lines[-2] and "suggested 0.001" in lines[-1]
    assert text.count("*") > 30
    assert text_plot([], [], None) == "(no steps recorded)"


def test_text_plot_of_a_result():
    result = find_learning_rate(RunConfig(dataset="iris").make_trainer(), steps=30)
    text = result.text_plot(40, 8)
    assert len(text.splitlines()) == 11 and f"suggested {result.suggestion:.2g}" in text


# every built-in set at its defaults (Adam), and a few with plain SGD (all 13 pass with SGD
# too: benchmarks/lr_finder_rules.py)
CASES = [(name, "adam") for name in DATASETS] + [("spiral", "sgd"), ("iris", "sgd"), ("diabetes", "sgd")]


@pytest.mark.slow
@pytest.mark.parametrize("dataset,optimizer", CASES)
def test_the_suggested_rate_trains_better_than_a_tenth_of_it(dataset, optimizer):
    config = RunConfig(dataset=dataset, optimizer=optimizer)
    suggestion = find_learning_rate(config.make_trainer()).suggestion
    costs = []
    for lr in (suggestion, suggestion / 10):
        trainer = config.replace(learning_rate=max(lr, MIN_LEARNING_RATE)).make_trainer()
        records = list(trainer.epochs(50))
        assert len(records) == 50 and all(r.state != "diverged" for r in records)
        costs.append(records[-1].train_cost)
    assert math.isfinite(costs[0]) and costs[0] < costs[1]


def test_works_on_a_plain_split_and_full_batch(spiral_like):
    trainer = Trainer(spiral_like, settings=Settings(batch_mode="batch", optimizer="rmsprop"))
    result = find_learning_rate(trainer, steps=20)
    assert len(result.lrs) >= 5 and trainer.steps == 0 and trainer.optimizer.t == 0
