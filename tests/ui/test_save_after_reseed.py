"""A run saved from the dashboard after `R` (new weight seed) loads back to the same run."""

import numpy as np

from tui_trainer.config import RunConfig, read_toml, write_toml
from tui_trainer.engine import Reset
from tui_trainer.runfile import load_run, save_run
from tui_trainer.ui.session import config_with_settings


def test_save_after_new_weight_seed_resumes_exactly(tmp_path):
    config = RunConfig(dataset="moons", samples=120, epochs=50, seed=3)
    trainer = config.make_trainer()
    list(trainer.epochs(2))
    trainer.apply(Reset(seed=4))  # what R does: new weights, same data
    list(trainer.epochs(3))
    saved = config_with_settings(config, trainer.settings, seed=trainer.seed)
    assert saved.seed == 3 and saved.weight_seed == 4
    save_run(tmp_path / "run.npz", saved, trainer)
    _, resumed = load_run(tmp_path / "run.npz")
    list(trainer.epochs(2))
    list(resumed.epochs(2))
    assert resumed.history["test_cost"].tobytes() == trainer.history["test_cost"].tobytes()
    np.testing.assert_array_equal(resumed.model.flat_params, trainer.model.flat_params)


def test_settings_written_after_new_weight_seed_rebuild_that_run(tmp_path):
    config = RunConfig(dataset="moons", samples=120, epochs=50, seed=3)
    trainer = config.make_trainer()
    trainer.apply(Reset(seed=9))
    write_toml(tmp_path / "run.toml", config_with_settings(config, trainer.settings, seed=trainer.seed))
    again = RunConfig(**read_toml(tmp_path / "run.toml")).make_trainer()
    np.testing.assert_array_equal(again.X_train, trainer.X_train)  # the data of seed 3
    np.testing.assert_array_equal(again.model.flat_params, trainer.model.flat_params)  # weights of 9
