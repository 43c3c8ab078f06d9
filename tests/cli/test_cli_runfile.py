"""Saved runs: an exact resume, and files that are not ours (or damaged) refused with one line."""

import json
import zipfile

import numpy as np
import pytest

from tui_trainer.config import RunConfig
from tui_trainer.configcheck import ConfigError
from tui_trainer.data import DataError
from tui_trainer.runfile import MARKER, RunFileError, load_run, read_config, read_run, save_run

SMALL = dict(dataset="spiral", samples=60, hidden=(8, 8), epochs=8)
CASES = {
    "adam+dropout+mini-batch": RunConfig(**SMALL, optimizer="adam", dropout=0.3, batch_size=7),
    "nesterov+batch+decay": RunConfig(**SMALL, optimizer="momentum", nesterov=True, batch_mode="batch",
                                      weight_decay=1e-3, learning_rate=0.05),
    "rmsprop+sgd+float32": RunConfig(**SMALL, optimizer="rmsprop", batch_mode="sgd", dtype="float32",
                                     learning_rate=1e-3, dropout=0.1),
    "adagrad+regression": RunConfig(dataset="sine", samples=40, hidden=(6,), epochs=8, optimizer="adagrad"),
    "adamw": RunConfig(**SMALL, optimizer="adamw", dropout=0.2),
}


def _state(trainer):
    arrays, meta = trainer.state_dict()
    return {k: v for k, v in arrays.items() if k != "history.seconds"}, meta


@pytest.mark.parametrize("name", CASES)
def test_a_resumed_run_gives_the_same_numbers_bit_for_bit(tmp_path, name, same_history):
    config = CASES[name]
    never_stopped = config.make_trainer()
    list(never_stopped.epochs(8))

    first = config.make_trainer()
    list(first.epochs(3))
    save_run(tmp_path / "run.npz", config, first)
    _, resumed = load_run(tmp_path / "run.npz")
    assert resumed.epoch == 3 and resumed.max_epochs == 8
    list(resumed.epochs())  # to max_epochs

    assert same_history(never_stopped.history, resumed.history)
    (a, meta_a), (b, meta_b) = _state(never_stopped), _state(resumed)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].dtype == b[key].dtype and np.array_equal(a[key], b[key]), key
    assert meta_a == meta_b


def test_a_run_with_changes_made_resumes_with_them(tmp_path, same_history):
    from tui_trainer.engine import Change

    config = CASES["adam+dropout+mini-batch"]
    never_stopped = config.make_trainer()
    list(never_stopped.epochs(2))
    never_stopped.send(Change({"learning_rate": 0.002, "dropout": 0.0}))
    list(never_stopped.epochs(4))

    first = config.make_trainer()
    list(first.epochs(2))
    first.send(Change({"learning_rate": 0.002, "dropout": 0.0}))
    list(first.epochs(1))
    save_run(tmp_path / "run.npz", config, first)
    loaded_config, resumed = load_run(tmp_path / "run.npz")
    assert loaded_config.learning_rate == 0.002 and loaded_config.dropout == 0.0  # the live values
    list(resumed.epochs(3))
    assert same_history(never_stopped.history, resumed.history)


def test_resuming_with_new_training_settings_applies_them_as_a_change(tmp_path):
    config = CASES["adam+dropout+mini-batch"]
    trainer = config.make_trainer()
    list(trainer.epochs(2))
    save_run(tmp_path / "run.npz", config, trainer)
    wanted = read_config(tmp_path / "run.npz").replace(learning_rate=0.001, epochs=20)
    got, resumed = load_run(tmp_path / "run.npz", wanted)
    assert got == wanted
    assert resumed.settings.learning_rate == 0.001 and resumed.max_epochs == 20
    list(resumed.epochs(1))
    assert [(e.epoch, e.text) for e in resumed.history.events] == [(2, "learning_rate 0.01 -> 0.001")]


def test_resuming_cannot_change_the_network(tmp_path):
    config = CASES["adam+dropout+mini-batch"]
    trainer = config.make_trainer()
    save_run(tmp_path / "run.npz", config, trainer)
    with pytest.raises(ConfigError, match=r"hidden 16 cannot change a saved run \(it has 8,8\)"):
        load_run(tmp_path / "run.npz", read_config(tmp_path / "run.npz").replace(hidden=(16,)))


def test_the_file_format(tmp_path):
    config = CASES["adam+dropout+mini-batch"]
    trainer = config.make_trainer()
    list(trainer.epochs(2))
    save_run(tmp_path / "run.npz", config, trainer)
    with np.load(tmp_path / "run.npz", allow_pickle=False) as npz:
        header = json.loads(str(npz[MARKER][()]))
        assert header["format"] == "tui-trainer run" and header["version"] == 1
        assert RunConfig(**{**header["config"], "hidden": tuple(header["config"]["hidden"])}) == config
        assert header["trainer"]["settings"]["dropout"] == 0.3
        assert set(header["arrays"]) | {MARKER} == set(npz.files)
        assert {"param.0", "optimizer.t", "history.test_cost"} <= set(npz.files)


# -- a CSV run -----------------------------------------------------------------------------------
def test_a_csv_run_resumes_from_another_directory(tmp_path, tiny_csv, monkeypatch):
    monkeypatch.chdir(tiny_csv.parent)
    config = RunConfig(data=tiny_csv.name, target="label", hidden=(4,), epochs=4)
    trainer = config.make_trainer()
    list(trainer.epochs(2))
    save_run(tmp_path / "run.npz", config, trainer)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded, resumed = load_run(tmp_path / "run.npz")
    assert loaded.data == str(tiny_csv.resolve()) and resumed.epoch == 2


def test_a_missing_csv_is_named(tmp_path, tiny_csv):
    config = RunConfig(data=str(tiny_csv), hidden=(4,), epochs=4)
    save_run(tmp_path / "run.npz", config, config.make_trainer())
    tiny_csv.unlink()
    with pytest.raises(RunFileError, match=f"its data file {tiny_csv} is missing"):
        load_run(tmp_path / "run.npz")


def test_a_changed_csv_is_refused(tmp_path, tiny_csv):
    config = RunConfig(data=str(tiny_csv), hidden=(4,), epochs=4)
    save_run(tmp_path / "run.npz", config, config.make_trainer())
    lines = tiny_csv.read_text().splitlines()
    tiny_csv.write_text("\n".join(lines[:-1]) + "\n")  # one row fewer
    with pytest.raises(RunFileError, match="are not those the run was saved with"):
        load_run(tmp_path / "run.npz")


@pytest.mark.parametrize("into", ["regression numbers", "one column"])
def test_a_csv_changed_into_what_the_run_cannot_train_is_named_as_changed(tmp_path, tiny_csv, into):
    """It was refused for the new file's own reason ('cross_entropy cannot train a regression
    task'), as if the run's settings were wrong, not the file."""
    config = RunConfig(data=str(tiny_csv), hidden=(4,), epochs=4)
    save_run(tmp_path / "run.npz", config, config.make_trainer())
    rows = [line.split(",") for line in tiny_csv.read_text().splitlines()]
    if into == "regression numbers":
        rows = [rows[0]] + [[a, b, f"{float(a) * 1.5!r}"] for a, b, _ in rows[1:]]
    else:
        rows = [r[:1] for r in rows]
    tiny_csv.write_text("\n".join(",".join(r) for r in rows) + "\n")
    with pytest.raises(RunFileError, match=rf"the data \({tiny_csv}\) are not those the run was saved with \(.+\); "
                                           "resuming needs the same data") as info:
        load_run(tmp_path / "run.npz")
    if into == "regression numbers":  # a long reason is cut after a whole word ("and a regr..." read as broken)
        assert "cannot train a regression task" in str(info.value)
        assert " ...); resuming needs the same data" in str(info.value)


# -- files that are not ours ----------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    config = CASES["adam+dropout+mini-batch"]
    trainer = config.make_trainer()
    list(trainer.epochs(1))
    save_run(tmp_path / "run.npz", config, trainer)
    return tmp_path / "run.npz"


def _refused(path, *expected):
    with pytest.raises(RunFileError) as info:
        load_run(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    for text in expected:
        assert text in message
    return message


def test_a_missing_file(tmp_path):
    _refused(tmp_path / "nope.npz", "no such file")


def test_a_directory(tmp_path):
    _refused(tmp_path, "not a file")


def test_a_plain_npz(tmp_path):
    np.savez(tmp_path / "plain.npz", weights=np.ones(3))
    _refused(tmp_path / "plain.npz", "not a tui-trainer run file", MARKER)


def test_a_single_npy(tmp_path):
    np.save(tmp_path / "a.npy", np.ones(3))
    _refused(tmp_path / "a.npy", "not a tui-trainer run file")


@pytest.mark.parametrize("content", [b"hello\n", b"epochs = 5\n", bytes(range(256)) * 4, b""],
                         ids=["text", "toml", "binary", "empty"])
def test_a_file_that_is_no_zip_says_how_to_make_one(tmp_path, content):
    (tmp_path / "notes.npz").write_bytes(content)
    message = _refused(tmp_path / "notes.npz")
    # numpy would read it as a pickle and advise loading it unsafely: none of that reaches the user
    assert message == f"{tmp_path / 'notes.npz'}: not a tui-trainer run file (save one with --save FILE.npz)"


def test_a_zip_holding_python_objects_gives_no_pickle_advice(saved, tmp_path):
    with np.load(saved, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    header = json.loads(str(arrays[MARKER][()]))
    header["arrays"].append("objects")
    arrays[MARKER] = np.array(json.dumps(header))
    np.savez(tmp_path / "objects.npz", objects=np.array([{"a": 1}], dtype=object), **arrays)
    message = _refused(tmp_path / "objects.npz", "not a tui-trainer run file, or a damaged one")
    assert "pickle" not in message


def test_a_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    _refused(saved, "not a tui-trainer run file, or a damaged one")


def test_a_file_with_a_damaged_array(saved):
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as z:
        info = z.getinfo("param.0.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[start] ^= 0xFF  # a flipped byte inside the weights: the CRC no longer matches
    saved.write_bytes(bytes(data))
    _refused(saved, "damaged")


def test_a_file_missing_an_array(saved, tmp_path):
    with np.load(saved, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if k != "param.0"}
    np.savez(tmp_path / "less.npz", **arrays)
    _refused(tmp_path / "less.npz", "damaged")


def _rewrite_header(saved, tmp_path, change):
    with np.load(saved, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    header = json.loads(str(arrays[MARKER][()]))
    change(header)
    arrays[MARKER] = np.array(json.dumps(header))
    np.savez(tmp_path / "changed.npz", **arrays)
    return tmp_path / "changed.npz"


def test_a_newer_format_asks_for_an_upgrade(saved, tmp_path):
    path = _rewrite_header(saved, tmp_path, lambda h: h.update(version=2))
    _refused(path, "written by a newer tui-trainer (run file format 2", "upgrade")


def test_another_format_marker(saved, tmp_path):
    path = _rewrite_header(saved, tmp_path, lambda h: h.update(format="something else"))
    _refused(path, "not a tui-trainer run file (unknown format marker)")


def test_a_damaged_config(saved, tmp_path):
    path = _rewrite_header(saved, tmp_path, lambda h: h["config"].update(learning_rate="fast"))
    _refused(path, "damaged run file", "learning_rate has the wrong type")


def test_weights_of_the_wrong_shape(saved, tmp_path):
    path = _rewrite_header(saved, tmp_path, lambda h: h["config"].update(hidden=[5, 5]))
    _refused(path, "damaged run file")


def test_read_run_gives_header_and_arrays(saved):
    header, arrays = read_run(saved)
    assert header["trainer"]["epoch"] == 1 and "param.0" in arrays


def test_data_errors_pass_through(saved, tmp_path):
    path = _rewrite_header(saved, tmp_path, lambda h: h["config"].update(dataset="iris", samples=50))
    with pytest.raises(DataError, match="cannot be set"):
        load_run(path)
