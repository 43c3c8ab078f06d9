"""The history file: CSV or JSON by extension, exact floats, the changes made."""

import csv
import json

import pytest

from tui_trainer.config import RunConfig
from tui_trainer.engine import Change
from tui_trainer.export import ExportError, check_history_path, write_history


@pytest.fixture
def trainer():
    trainer = RunConfig(dataset="spiral", samples=40, hidden=(4,), epochs=4).make_trainer()
    list(trainer.epochs(2))
    trainer.send(Change({"learning_rate": 0.001}))
    list(trainer.epochs(2))
    return trainer


def test_csv_has_one_row_per_epoch_with_exact_floats_and_the_changes(tmp_path, trainer):
    write_history(tmp_path / "h.csv", trainer)
    with open(tmp_path / "h.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "steps", "train_cost", "test_cost", "gap", "train_accuracy",
                             "test_accuracy", "changes"]
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]
    h = trainer.history
    assert [float(r["test_cost"]) for r in rows] == list(h["test_cost"])  # repr round-trips exactly
    assert [float(r["gap"]) for r in rows] == list(h["test_cost"] - h["train_cost"])
    assert [r["changes"] for r in rows] == ["", "", "learning_rate 0.01 -> 0.001", ""]


def test_json_has_the_epochs_and_the_events(tmp_path, trainer):
    write_history(tmp_path / "h.json", trainer)
    document = json.loads((tmp_path / "h.json").read_text())
    assert document["metric"] == "accuracy"
    assert document["columns"] == ["epoch", "steps", "train_cost", "test_cost", "gap", "train_accuracy",
                                   "test_accuracy"]
    assert [e["epoch"] for e in document["epochs"]] == [1, 2, 3, 4]
    assert [e["train_cost"] for e in document["epochs"]] == list(trainer.history["train_cost"])
    assert document["events"] == [{"after_epoch": 2, "text": "learning_rate 0.01 -> 0.001"}]


def test_no_wall_clock_times_so_equal_runs_give_equal_files(tmp_path, trainer):
    write_history(tmp_path / "h.json", trainer)
    assert "seconds" not in (tmp_path / "h.json").read_text()


def test_regression_names_its_metric(tmp_path):
    trainer = RunConfig(dataset="sine", samples=40, hidden=(4,), epochs=1).make_trainer()
    list(trainer.epochs(1))
    write_history(tmp_path / "h.csv", trainer)
    assert (tmp_path / "h.csv").read_text().splitlines()[0].endswith("train_r2,test_r2,changes")


def test_an_empty_history(tmp_path):
    trainer = RunConfig(dataset="spiral", samples=40, hidden=(4,)).make_trainer()
    write_history(tmp_path / "h.json", trainer)
    assert json.loads((tmp_path / "h.json").read_text())["epochs"] == []


@pytest.mark.parametrize("name", ["h.txt", "h", "h.csv.gz"])
def test_another_extension_is_refused_naming_both(name):
    with pytest.raises(ExportError, match=r"must end in \.csv or \.json"):
        check_history_path(name)


def test_the_extension_is_case_blind():
    assert check_history_path("H.CSV") == ".csv"
