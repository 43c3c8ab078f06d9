"""The default data set and the overfit preset, trained by the real engine: the gap between
the test cost and the train cost opens, and on the default set dropout narrows it.

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


def test_overfit_preset_opens_the_gap_on_digits():
    preset = PRESETS["overfit"]
    data = load_dataset(preset["dataset"], train_fraction=preset["train_fraction"])
    run = costs(data, preset["hidden"], 20, activation=preset["activation"], dropout=preset["dropout"],
                optimizer=preset["optimizer"], learning_rate=preset["learning_rate"], loss=preset["loss"],
                batch_size=preset["batch_size"])
    train, test = run[-1]
    assert train < 0.05 and test > 4 * train + 0.15  # train learnt by heart, test far behind
