"""RunConfig: checks with one-line messages, TOML in and out, presets and precedence."""

from pathlib import Path

import pytest

from tui_trainer.config import RunConfig, check_mapping, load_toml, merge, preset, read_toml, toml_text, write_toml
from tui_trainer.configcheck import ConfigError
from tui_trainer.data import PRESETS

SMALL = dict(dataset="spiral", samples=40, hidden=(4,), epochs=3)


@pytest.mark.parametrize("field, value, expected", [
    ("learning_rate", 0, "learning_rate 0 is out of range; it must be in [1e-06, 10]"),
    ("learning_rate", -1.0, "it must be in [1e-06, 10]"),
    ("dropout", 0.95, "dropout 0.95 is out of range; it must be in [0, 0.9]"),
    ("dropout", -0.1, "it must be in [0, 0.9]"),
    ("batch_size", 0, "batch_size 0 is out of range; it must be a whole number >= 1"),
    ("hidden", tuple([8] * 17), "hidden 8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8 has 17 layers; at most 16 are allowed"),
    ("hidden", (32, 0), "hidden 32,0 has a layer of width 0; each width must be in [1, 4096]"),
    ("epochs", 0, "epochs 0 is out of range; it must be a whole number >= 1"),
    ("train_fraction", 1.0, "train_fraction 1 is out of range; it must be in [0.05, 0.95]"),
    ("train_fraction", 0.0, "must be in [0.05, 0.95]"),
    ("samples", 5, "samples 5 is out of range; it must be a whole number in [20, 20000]"),
    ("noise", -0.5, "noise -0.5 is out of range"),
    ("momentum", 1.0, "momentum 1 is out of range; it must be in [0, 1)"),
    ("weight_decay", -1e-3, "weight_decay -0.001 is out of range; it must be >= 0"),
    ("seed", -1, "seed -1 is out of range; it must be a whole number >= 0"),
    ("learning_rate", float("nan"), "learning_rate nan is not a finite number"),
])
def test_a_number_out_of_range_says_the_allowed_range(field, value, expected):
    with pytest.raises(ConfigError) as info:
        RunConfig(**{field: value})
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("field, value, valid", [
    ("activation", "sigmod", "did you mean 'sigmoid'? choose one of: relu, leaky_relu, tanh, sigmoid, linear"),
    ("optimizer", "adma", "did you mean 'adam'?"),
    ("loss", "crossentropy", "did you mean 'cross_entropy'?"),
    ("batch_mode", "minibatch", "choose one of: batch, sgd, mini-batch"),
    ("dtype", "float16", "choose one of: float64, float32"),
    ("dataset", "spirl", "did you mean 'spiral'?"),
    ("task", "clasification", "did you mean 'classification'?"),
])
def test_an_unknown_name_lists_the_valid_ones(field, value, valid):
    with pytest.raises(ConfigError) as info:
        RunConfig(**{field: value})
    assert f"{field} {value!r} is not a known" in str(info.value)
    assert valid in str(info.value)


@pytest.mark.parametrize("field, value, expected", [
    ("epochs", "500", "epochs has the wrong type: it must be a whole number, not a string ('500')"),
    ("epochs", 5.0, "it must be a whole number, not a number (5)"),
    ("learning_rate", "0.1", "it must be a number, not a string"),
    ("learning_rate", True, "it must be a number, not true/false"),
    ("nesterov", 1, "it must be true or false, not a whole number (1)"),
    ("hidden", "32,32", "it must be a list of whole numbers"),
    ("hidden", [32, 1.5], "it must be a list of whole numbers"),
    ("activation", 3, "it must be a string"),
])
def test_a_value_of_the_wrong_type_is_named(field, value, expected):
    with pytest.raises(ConfigError) as info:
        RunConfig(**{field: value})
    assert expected in str(info.value)


def test_values_are_normalised():
    config = RunConfig(hidden=[8, 4], learning_rate=1)
    assert config.hidden == (8, 4) and isinstance(config.learning_rate, float)
    assert config == RunConfig(hidden=(8, 4), learning_rate=1.0)


@pytest.mark.parametrize("values, expected", [
    (dict(target="y"), "target 'y' needs a CSV file (data)"),
    (dict(task="regression"), "task 'regression' needs a CSV file (data)"),
    (dict(drop_missing=True), "drop_missing needs a CSV file"),
    (dict(dataset="spiral", data="x.csv"), "dataset 'spiral' and data exclude each other"),
    (dict(data="x.csv", samples=50), "samples 50 applies to generated data sets only"),
])
def test_settings_that_do_not_go_together(values, expected):
    with pytest.raises(ConfigError) as info:
        RunConfig(**values)
    assert expected in str(info.value)


def test_messages_can_name_the_fields_as_options():
    with pytest.raises(ConfigError) as info:
        RunConfig(target="y")
    assert info.value.message({"target": "--target", "data": "--data"}) == "--target 'y' needs a CSV file (--data)"


# -- TOML ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [
    RunConfig(),
    RunConfig(**SMALL),
    RunConfig(dataset="sine", hidden=(16, 8, 4), loss="huber", optimizer="momentum", nesterov=True,
              learning_rate=0.1 + 0.2, batch_mode="batch", dropout=0.25, weight_decay=1e-4, dtype="float32",
              noise=0.05, train_fraction=0.6, seed=2**40),
    RunConfig(data="some file.csv", target="price", task="regression", drop_missing=True),
])
def test_toml_round_trip_gives_the_same_config(tmp_path, config, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative data path is the TOML file's neighbour: here, the same
    path = Path("run.toml")
    write_toml(path, config)
    assert RunConfig(**read_toml(path)) == config
    assert load_toml(path) == config


def test_a_data_path_in_toml_is_relative_to_the_file_wherever_it_is_read(tmp_path, monkeypatch):
    """--write-config sub/c.toml stored the path as typed (relative to where it was run), so
    the file only worked from that directory."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    write_toml("sub/c.toml", RunConfig(data="good.csv"))
    assert 'data = "../good.csv"' in (tmp_path / "sub" / "c.toml").read_text()
    for where in (tmp_path / "sub", tmp_path / "elsewhere", tmp_path):
        monkeypatch.chdir(where)
        data = read_toml(tmp_path / "sub" / "c.toml")["data"]
        assert Path(data).resolve() == tmp_path / "good.csv"
    monkeypatch.chdir(tmp_path / "sub")
    assert read_toml("c.toml")["data"] == "../good.csv"  # as short as it can be, for messages


def test_toml_round_trip_gives_the_same_run_bit_for_bit(tmp_path, same_history):
    config = RunConfig(**SMALL, dropout=0.2, batch_size=8, learning_rate=0.03)
    write_toml(tmp_path / "run.toml", config)
    again = load_toml(tmp_path / "run.toml")
    first, second = config.make_trainer(), again.make_trainer()
    list(first.epochs(3))
    list(second.epochs(3))
    assert same_history(first.history, second.history)


def test_toml_text_is_grouped_and_readable():
    text = toml_text(RunConfig(hidden=(32, 32), learning_rate=0.005))
    assert "hidden = [32, 32]\n" in text
    assert "learning_rate = 0.005\n" in text
    assert "# network" in text and "# training" in text
    assert "loss" not in text  # None: the data set's default, left out


def test_toml_text_puts_each_key_under_its_heading():
    text = toml_text(RunConfig(dataset="moons", hidden=(8,), loss="mse", weight_seed=3, epochs=20, seed=1))
    heading, under = None, {}
    for line in text.splitlines():
        if line.startswith("# ") and " " not in line[2:]:
            heading = line[2:]
        elif "=" in line:
            under[line.split("=")[0].strip()] = heading
    # the headings of --help's groups; seed and epochs were under "network"
    assert {k: v for k, v in under.items() if v != "data"} == {
        "hidden": "network", "activation": "network", "dtype": "network",
        **{k: "training" for k in ("loss", "optimizer", "learning_rate", "batch_mode", "batch_size", "dropout",
                                   "momentum", "nesterov")},
        "seed": "run", "weight_seed": "run", "epochs": "run"}
    assert {k for k, v in under.items() if v == "data"} == {"dataset", "drop_missing"}


def _toml(tmp_path, text):
    path = tmp_path / "run.toml"
    path.write_text(text)
    return path


def test_bad_toml_names_the_line(tmp_path):
    path = _toml(tmp_path, 'dataset = "moons"\nepochs = 10\nlr = = 3\n')
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == f"{path}: not valid TOML: Invalid value (at line 3, column 6)"


# a misspelt key, and keys spelt as the command line's options (--lr, --batch-size)
@pytest.mark.parametrize("key,field", [("learning_rte", "learning_rate"), ("lr", "learning_rate"),
                                       ("batch-size", "batch_size"), ("train-fraction", "train_fraction")])
def test_an_unknown_key_is_named_with_its_line_and_the_closest_name(tmp_path, key, field):
    path = _toml(tmp_path, f'dataset = "moons"\n\n{key} = 0.1\n')
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == f"{path}, line 3: unknown key '{key}'; did you mean '{field}'?"


def test_a_key_with_braces_is_quoted_as_it_is(tmp_path):
    path = _toml(tmp_path, '"{oops" = 1\n')
    with pytest.raises(ConfigError, match="unknown key '{oops'"):
        read_toml(path)


def test_an_unknown_key_with_no_close_name_lists_the_keys(tmp_path):
    path = _toml(tmp_path, "colour = 'blue'\n")
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert "unknown key 'colour'; the keys are: dataset, data," in str(info.value)


@pytest.mark.parametrize("key", ["speed", "threads", "every", "quiet"])
def test_an_option_that_is_no_setting_says_it_belongs_on_the_command_line(tmp_path, key):
    """'speed' was met with "did you mean 'seed'?"."""
    path = _toml(tmp_path, f"{key} = 5\n")
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == (f"{path}, line 1: unknown key '{key}'; --{key} is about how this run is shown "
                               "or paced, not a setting kept in a file: give it on the command line")


def test_a_list_with_an_item_of_the_wrong_type_names_the_item(tmp_path):
    path = _toml(tmp_path, 'hidden = [16, "a"]\n')
    with pytest.raises(ConfigError, match=r"must be a list of whole numbers, e.g. \[32, 32\] \(\[\] for no hidden "
                                          r"layer\), not a list holding a string \('a'\)$"):
        read_toml(path)


def test_hidden_as_a_word_says_how_to_write_no_hidden_layer(tmp_path):
    path = _toml(tmp_path, 'hidden = "none"\n')  # the command line's spelling; a file writes []
    with pytest.raises(ConfigError, match=r"\(\[\] for no hidden layer\), not a string \('none'\)"):
        read_toml(path)


def test_a_wrong_type_in_toml_names_the_key_and_line(tmp_path):
    path = _toml(tmp_path, '# a comment\n  epochs = "10"\n')
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == (f"{path}, line 2: epochs has the wrong type: "
                               "it must be a whole number, not a string ('10')")


def test_a_value_out_of_range_in_toml_names_the_key_and_line(tmp_path):
    path = _toml(tmp_path, 'dataset = "moons"\nlearning_rate = 0\n')
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == f"{path}, line 2: learning_rate 0 is out of range; it must be in [1e-06, 10]"


def test_a_table_is_refused(tmp_path):
    path = _toml(tmp_path, "[data]\nx = 1\n")
    with pytest.raises(ConfigError, match="line 1: data has the wrong type: it must be a string, not a table"):
        read_toml(path)


def test_a_missing_or_unreadable_toml_file(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml: no such file"):
        read_toml(tmp_path / "nope.toml")
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert str(info.value) == f"{path}: not UTF-8 text (byte 0xff at offset 0); save the file as UTF-8"


# -- presets and precedence ----------------------------------------------------------------------
def test_the_overfit_preset():
    values = preset("overfit")
    assert values["dataset"] == "digits" and values["hidden"] == tuple(PRESETS["overfit"]["hidden"])
    RunConfig(**values)  # a valid config


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(ConfigError, match="'overfitt' is unknown; did you mean 'overfit'"):
        preset("overfitt")


def test_later_layers_win():
    assert merge({"epochs": 1, "seed": 1}, {"epochs": 2}, {"seed": 3}) == {"epochs": 2, "seed": 3}


def test_a_later_data_source_drops_the_earlier_one():
    csv = {"data": "x.csv", "target": "y", "task": "regression", "drop_missing": True}
    assert merge(csv, {"dataset": "moons"}) == {"dataset": "moons"}
    assert merge({"dataset": "moons"}, {"data": "x.csv"}) == {"data": "x.csv"}


def test_check_mapping_refuses_a_non_field():
    with pytest.raises(ConfigError, match="unknown key 'lr'"):
        check_mapping({"lr": 0.1})
