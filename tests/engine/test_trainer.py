"""The trainer: determinism, live commands, batch modes, divergence, save and resume."""

import subprocess
import sys
import warnings
from dataclasses import replace

import numpy as np
import pytest

from tui_trainer.engine import Change, Reset, Settings, Trainer


def run(data, epochs=5, **kwargs):
    trainer = Trainer(data, **kwargs)
    stats = list(trainer.epochs(epochs))
    return trainer, stats


def test_same_seed_same_history_bit_for_bit(spiral_like):
    settings = Settings(dropout=0.2, batch_size=8)
    a, _ = run(spiral_like, settings=settings, seed=3)
    b, _ = run(spiral_like, settings=settings, seed=3)
    c, _ = run(spiral_like, settings=settings, seed=4)
    for column in ("train_cost", "test_cost", "train_metric"):
        assert a.history[column].tobytes() == b.history[column].tobytes()
    assert a.history["train_cost"].tobytes() != c.history["train_cost"].tobytes()
    for p, q in zip(a.model.params, b.model.params):
        assert p.tobytes() == q.tobytes()


@pytest.mark.parametrize("mode,size,steps_per_epoch", [("batch", 32, 1), ("sgd", 32, 84), ("mini-batch", 32, 3),
                                                        ("mini-batch", 10, 9)])
def test_batch_modes_are_one_mechanism(spiral_like, mode, size, steps_per_epoch):
    trainer, stats = run(spiral_like, epochs=2, settings=Settings(batch_mode=mode, batch_size=size))
    assert len(spiral_like.X_train) == 84
    assert stats[-1].steps == 2 * steps_per_epoch  # the last short batch is kept


def test_training_lowers_the_cost(spiral_like):
    trainer, stats = run(spiral_like, epochs=40, settings=Settings(learning_rate=0.05))
    assert stats[-1].train_cost < 0.5 * stats[0].train_cost
    assert stats[-1].train_metric > 0.8
    assert stats[-1].gap == pytest.approx(stats[-1].test_cost - stats[-1].train_cost)


def test_costs_are_evaluated_without_dropout(spiral_like):
    trainer, stats = run(spiral_like, epochs=1, settings=Settings(dropout=0.9))
    out = trainer.model.forward(trainer.X_train, train=False)
    assert stats[0].train_cost == trainer.loss.cost(out, trainer.y_train)


def test_live_change_applies_at_the_next_step_and_is_recorded(spiral_like):
    trainer = Trainer(spiral_like, settings=Settings(batch_size=4))
    trainer.run_epoch()
    calls = []

    def poll():
        calls.append(trainer.steps)
        if len(calls) == 1:
            trainer.send(Change({"learning_rate": 0.5, "dropout": 0.25}))

    trainer.poll = poll
    stats = trainer.run_epoch()
    assert trainer.optimizer.lr == 0.5 and trainer.model.dropout == 0.25
    assert stats.settings.learning_rate == 0.5
    (event,) = stats.events
    assert "learning_rate 0.01 -> 0.5" in event.text and "dropout 0 -> 0.25" in event.text
    assert event.epoch == 1 and event.applied_at >= event.sent_at
    assert trainer.history.events == [event]


def test_switching_optimizer_keeps_weights_and_starts_fresh_state(spiral_like):
    trainer, _ = run(spiral_like, epochs=2)
    weights = [p.copy() for p in trainer.model.params]
    assert trainer.optimizer.t > 0
    trainer.apply(Change({"optimizer": "rmsprop"}))
    assert trainer.optimizer.name == "rmsprop" and trainer.optimizer.t == 0
    assert trainer.optimizer.lr == 0.01  # the run's learning rate, not rmsprop's default
    for p, w in zip(trainer.model.params, weights):
        np.testing.assert_array_equal(p, w)
    trainer.run_epoch()  # the new optimizer updates the model's own arrays
    assert not np.array_equal(trainer.model.params[0], weights[0])


def test_switching_loss_keeps_going(spiral_like):
    trainer, _ = run(spiral_like, epochs=2)
    trainer.apply(Change({"loss": "hinge"}))
    stats = trainer.run_epoch()
    assert stats.settings.loss == "hinge" and np.isfinite(stats.train_cost)


def test_bad_change_is_refused_and_changes_nothing(spiral_like, make_regression):
    trainer = Trainer(spiral_like)
    with pytest.raises(ValueError, match=r"\[0, 0.9\]"):
        trainer.apply(Change({"dropout": 1.5}))
    assert trainer.settings == Settings()
    with pytest.raises(ValueError, match="unknown setting"):
        Change({"learnng_rate": 1})
    reg = Trainer(make_regression, settings=Settings(loss="mse"))
    with pytest.raises(ValueError, match="cross_entropy cannot train a regression task"):
        reg.apply(Change({"loss": "cross_entropy"}))
    assert reg.settings.loss == "mse"


def test_cross_entropy_on_regression_is_refused_at_the_start(make_regression):
    with pytest.raises(ValueError, match="regression"):
        Trainer(make_regression, settings=Settings(loss="hinge"))


def test_regression_reports_r2(make_regression):
    trainer, stats = run(make_regression, epochs=30, settings=Settings(loss="mse", learning_rate=0.02))
    assert stats[-1].metric == "r2" and stats[-1].test_metric > 0.5


def test_divergence_is_a_state_not_an_exception(spiral_like):
    trainer, stats = run(spiral_like, epochs=3, settings=Settings(learning_rate=1.0))
    before = [p.copy() for p in trainer.model.params]
    epoch_before = trainer.epoch
    trainer.apply(Change({"optimizer": "sgd", "learning_rate": 10.0, "loss": "mse"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow on the way to NaN is the state, not a warning
        records = list(trainer.epochs(50))
    last = records[-1]
    assert last.state == "diverged" and trainer.state == "diverged"
    assert trainer.diverged_at == last.epoch == trainer.epoch + 1
    assert not np.isfinite(last.train_cost)
    assert all(np.isfinite(p).all() for p in trainer.model.params)  # the weights from before
    assert len(trainer.history) == trainer.epoch >= epoch_before
    # lower the rate and go on
    trainer.apply(Change({"learning_rate": 1e-3}))
    stats = trainer.run_epoch()
    assert stats.state == "training" and np.isfinite(stats.train_cost)
    del before


def test_reset_gives_the_weights_of_a_fresh_run(spiral_like):
    fresh = Trainer(spiral_like, seed=5)
    trainer, _ = run(spiral_like, epochs=3, seed=5)
    trainer.apply(Reset())
    assert trainer.epoch == 0 and len(trainer.history) == 0
    for p, q in zip(trainer.model.params, fresh.model.params):
        np.testing.assert_array_equal(p, q)
    trainer.apply(Reset(seed=6))
    assert trainer.seed == 6
    assert not np.array_equal(trainer.model.params[0], fresh.model.params[0])


def test_finished_after_max_epochs(spiral_like):
    trainer = Trainer(spiral_like, max_epochs=3)
    records = list(trainer.epochs())
    assert [r.state for r in records] == ["training", "training", "finished"]


def test_state_dict_resumes_bit_for_bit(spiral_like):
    settings = Settings(optimizer="adam", dropout=0.3, batch_size=16)
    straight, _ = run(spiral_like, epochs=6, settings=settings, seed=9)
    first, _ = run(spiral_like, epochs=3, settings=settings, seed=9)
    arrays, meta = first.state_dict()
    resumed = Trainer(spiral_like, settings=Settings(), seed=0)
    resumed.load_state_dict(arrays, meta)
    list(resumed.epochs(3))
    assert resumed.history["test_cost"].tobytes() == straight.history["test_cost"].tobytes()
    for p, q in zip(resumed.model.params, straight.model.params):
        assert p.tobytes() == q.tobytes()


def test_float32_trains_in_float32(spiral_like):
    trainer, stats = run(spiral_like, epochs=3, dtype="float32")
    assert all(p.dtype == np.float32 for p in trainer.model.params)
    assert np.isfinite(stats[-1].train_cost)


def test_gradient_check_on_the_current_model(spiral_like):
    trainer, _ = run(spiral_like, epochs=2, settings=Settings(dropout=0.2))
    assert trainer.gradient_check() < 1e-6


def test_engine_imports_neither_textual_nor_plotext():
    code = ("import sys, tui_trainer.engine, tui_trainer.config; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'plotext', 'textual_plotext', 'rich')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_weight_decay_none_means_the_optimizers_own_default(spiral_like):
    assert Trainer(spiral_like, settings=Settings(optimizer="adamw")).optimizer.weight_decay == 0.01
    assert Trainer(spiral_like, settings=Settings(optimizer="adamw", weight_decay=0.0)).optimizer.weight_decay == 0
    trainer = Trainer(spiral_like, settings=Settings(optimizer="adam", weight_decay=0.1))
    trainer.apply(Change({"weight_decay": None}))
    assert trainer.optimizer.weight_decay == 0.0


def test_reset_sent_mid_epoch_waits_for_the_epoch_to_end(spiral_like, monkeypatch):
    monkeypatch.setattr("tui_trainer.engine.trainer.POLL_INTERVAL", 0.0)  # poll between every two steps
    trainer = Trainer(spiral_like, settings=Settings(batch_size=4), seed=1)
    sent = []

    def poll():  # called before the first step too: send once a step has been taken
        if not sent and trainer.steps > 0:
            sent.append(trainer.steps)
            trainer.send(Reset(seed=2))

    trainer.poll = poll
    stats = trainer.run_epoch()
    assert sent and stats.epoch == 1 and stats.steps == 21  # the whole epoch ran on one model
    assert trainer.seed == 1
    trainer.poll = None
    trainer.run_epoch()  # the reset applies before this epoch's first step
    assert trainer.seed == 2 and trainer.epoch == 1 and len(trainer.history) == 1


def test_send_refuses_a_change_that_cannot_apply(make_regression):
    trainer = Trainer(make_regression, settings=Settings(loss="mse"))
    with pytest.raises(ValueError, match="regression"):
        trainer.send(Change({"loss": "hinge"}))
    with pytest.raises(ValueError, match="learning rate"):
        trainer.send(Change({"learning_rate": 0.0}))
    assert not trainer.inbox


def test_a_change_made_invalid_by_an_earlier_one_is_refused_as_an_event(spiral_like):
    trainer = Trainer(spiral_like)
    trainer.send(Change({"loss": "hinge"}))
    trainer.inbox.append(Change({"loss": "cross_entropy"}))  # fine alone
    trainer.inbox.append(Change({"batch_size": 0}))         # never valid: bypasses send's check
    stats = trainer.run_epoch()
    assert stats.settings.loss == "cross_entropy"
    assert any(e.text.startswith("refused: batch size 0") for e in stats.events)


def test_describe_batch_says_what_a_step_uses():
    assert Settings(batch_mode="batch").describe_batch(84) == "batch GD (84)"
    assert Settings(batch_mode="sgd").describe_batch(84) == "SGD (1)"
    assert Settings(batch_size=16).describe_batch(84) == "mini-batch 16"
    assert Settings(batch_size=128).describe_batch(84) == "mini-batch 128 (all 84)"


def test_per_example_losses_average_to_the_cost(spiral_like):
    trainer, stats = run(spiral_like, epochs=2, settings=Settings(dropout=0.5))
    train = trainer.per_example_loss("train")
    test = trainer.per_example_loss("test")
    assert train.shape == (84,) and test.shape == (36,) and (train >= 0).all()
    assert train.mean() == pytest.approx(stats[-1].train_cost, rel=1e-12)
    assert test.mean() == pytest.approx(stats[-1].test_cost, rel=1e-12)
    assert trainer.model.n_parameters == (2 * 32 + 32) + (32 * 32 + 32) + (32 * 3 + 3)


def test_a_large_set_shuffled_a_batch_at_a_time_trains_the_same_bit_for_bit(spiral_like, monkeypatch):
    settings = Settings(dropout=0.2, batch_size=10)
    whole, _ = run(spiral_like, epochs=3, settings=settings, seed=5)
    assert whole._Xs is not None
    monkeypatch.setattr("tui_trainer.engine.trainer.WHOLE_SHUFFLE_BYTES", 0)
    batched = Trainer(spiral_like, settings=settings, seed=5)
    assert batched._Xs is None
    stats = list(batched.epochs(2))
    batched.send(Change({"batch_size": 32}))  # a larger batch than the buffer holds
    stats.append(batched.run_epoch())
    whole_again, _ = run(spiral_like, epochs=2, settings=settings, seed=5)
    whole_again.send(Change({"batch_size": 32}))
    whole_again.run_epoch()
    assert whole.history["train_cost"][:2].tobytes() == batched.history["train_cost"][:2].tobytes()
    for p, q in zip(whole_again.model.params, batched.model.params):
        assert p.tobytes() == q.tobytes()
    assert stats[-1].steps == 9 + 9 + 3  # 84 = 8 x 10 + 4, then 2 x 32 + 20


def test_a_change_that_is_not_a_mapping_says_how_to_write_one():
    with pytest.raises(TypeError, match=r"Change\(\{'learning_rate': 0.02\}\)"):
        Change("batch_size", 32)


def test_evaluation_forwards_and_backwards_between_steps_change_no_number(spiral_like, monkeypatch):
    monkeypatch.setattr("tui_trainer.engine.trainer.POLL_INTERVAL", 0.0)  # poll between every two steps
    settings = Settings(dropout=0.3, batch_size=8)
    plain, _ = run(spiral_like, epochs=3, settings=settings, seed=2)
    probed = Trainer(spiral_like, settings=settings, seed=2)
    probes = []

    def probe():  # e.g. a view asking for the gradient of the test cost, between two steps
        for X, y in ((probed.X_test, probed.y_test), (probed.X_train[:5], probed.y_train[:5])):
            out = probed.model.forward(X, train=False)
            probed.model.backward(probed.loss.grad(out, y))
        probes.append(probed.steps)

    probed.poll = probe
    list(probed.epochs(3))
    assert len(probes) > 3 * 10
    for column in ("train_cost", "test_cost", "train_metric", "test_metric"):
        assert plain.history[column].tobytes() == probed.history[column].tobytes()
    assert plain.model.flat_params.tobytes() == probed.model.flat_params.tobytes()
