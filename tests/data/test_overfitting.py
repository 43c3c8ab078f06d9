"""The default data set and the overfit preset, trained by the real engine: the gap between
the test cost and the train cost opens, and dropout narrows it.

Training settings are the run's defaults (tui_trainer.config: tanh, Adam, learning rate 0.01,
mini-batches of 32), seed 0: deterministic, so these cannot flicker.
"""

import numpy as np
import pytest

from tui_trainer import engine
from tui_trainer.data import DATASETS, DEFAULT_DATASET, PRESETS, load_dataset

pytestmark = pytest.mark.slow


def costs(data, hidden, epochs, *, activation="tanh", **settings):
    trainer = engine.Trainer(data, hidden=hidden, activation=activation, settings=engine.Settings(**settings), seed=0)
    return np.array([(r.train_cost, r.test_cost) for r in trainer.epochs(epochs)])


def test_default_set_overfits_and_dropout_narrows_the_gap():
    info = DATASETS[DEFAULT_DATASET]
    data = load_dataset(DEFAULT_DATASET)
    plain = costs(data, info.hidden, 300)
    train, test = plain[-1]
    assert train < 0.3 and test - train > 0.5  # the gap has opened...
    assert test > 1.3 * plain[:, 1].min()  # ...because the test cost turned back up
    dropped = costs(data, info.hidden, 300, dropout=0.5)
    assert dropped[-1, 1] - dropped[-1, 0] < 0.5 * (test - train)
    assert dropped[-1, 1] < test


def preset_costs(seed, dropout):
    preset = PRESETS["overfit"]
    data = load_dataset(preset["dataset"], train_fraction=preset["train_fraction"], seed=seed)
    trainer = engine.Trainer(data, hidden=preset["hidden"], activation=preset["activation"], seed=seed,
                             settings=engine.Settings(dropout=dropout, optimizer=preset["optimizer"],
                                                      learning_rate=preset["learning_rate"], loss=preset["loss"],
                                                      batch_size=preset["batch_size"]))
    return np.array([(r.train_cost, r.test_cost) for r in trainer.epochs(preset["epochs"])])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_overfit_preset_opens_the_gap_on_digits_and_dropout_narrows_it(seed):
    assert PRESETS["overfit"]["dropout"] == 0.0
    plain = preset_costs(seed, 0.0)
    train, test = plain[-1]
    assert train < 0.01 and test - train > 0.1  # train learnt by heart, test far behind
    assert (plain[25:, 1] - plain[25:, 0]).min() > 0.1  # and the gap stays open
    dropped_train, dropped_test = preset_costs(seed, 0.2)[-1]
    assert dropped_test - dropped_train < 0.4 * (test - train)
    assert test - dropped_test > 0.5 * (test - train)  # mostly by a lower test cost
