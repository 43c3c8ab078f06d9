"""The command line in-process: options, precedence, headless runs, errors (exit 2, one line)."""

import json
import signal
import subprocess
import sys
import time
import types

import pytest

import tui_trainer.cli as cli
from tui_trainer.clioptions import build_parser
from tui_trainer.config import RunConfig, read_toml
from tui_trainer.engine import Trainer
from tui_trainer.headless import SAME_CTRL_C
from tui_trainer.runfile import load_run

# A run small enough to train in milliseconds.
FAST = ["--dataset", "spiral", "--samples", "60", "--hidden", "8"]


# -- help ------------------------------------------------------------------------------------------
def test_help_documents_every_option_with_its_default_or_range(run):
    code, out, _ = run("--help")
    assert code == 0
    parser = build_parser("tui-trainer", "0", error=lambda m, p: None)
    for action in parser._actions:
        for option in action.option_strings:
            assert option in out
        if action.dest in ("help", "version", "headless", "quiet", "config", "load", "save", "history",
                           "write_config", "preset", "data", "target"):
            continue
        assert "default" in action.help or "in [" in action.help, action.dest
    for group in ("data:", "network:", "training", "run:", "output:"):
        assert f"\n{group}" in out
    assert "exit status: 0 done; 1 the training diverged" in out


def test_one_epoch_is_said_in_the_singular(run):
    code, out, _ = run("--headless", *FAST, "--epochs", "1")
    assert code == 0 and "finished  epoch 1/1  trained 1 epoch in " in out


def test_version(run):
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("tui-trainer 0.")


# -- headless, piped -------------------------------------------------------------------------------
def test_headless_prints_a_line_per_epoch_then_a_summary(run):
    code, out, err = run("--headless", *FAST, "--epochs", "3")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines[:3]] == [["epoch", "1"], ["epoch", "2"], ["epoch", "3"]]
    assert lines[0].split()[2::2] == ["train_cost", "test_cost", "gap", "accuracy"]
    assert lines[3].startswith("finished  epoch 3/3  trained 3 epochs in ")
    assert lines[4].startswith("final  train_cost ")
    assert lines[5].startswith("best  test_cost ")
    assert len(lines) == 6


def test_hidden_none_is_a_linear_model_and_xor_defeats_it(run, tmp_path):
    """No hidden layer (offered as "none" in the dashboard, where choosing it crashed the app):
    a linear model, which cannot learn xor; one hidden layer can."""
    import json

    from tui_trainer.runfile import read_config

    accuracy = {}
    for hidden in ("none", "8,8"):
        history, saved = tmp_path / f"{hidden}.json", tmp_path / f"{hidden}.npz"
        code, _, err = run("--headless", "--quiet", "--dataset", "xor", "--hidden", hidden, "--epochs", "300",
                           "--history", str(history), "--save", str(saved))
        assert code == 0 and err == ""
        assert read_config(saved).hidden == (() if hidden == "none" else (8, 8))
        accuracy[hidden] = json.loads(history.read_text())["epochs"][-1]["test_accuracy"]
    assert accuracy["none"] < 0.7 < 0.9 < accuracy["8,8"]


def test_every_k_prints_every_kth_epoch_and_the_last(run):
    code, out, _ = run("--headless", *FAST, "--epochs", "7", "--every", "3")
    epochs = [line.split()[1] for line in out.splitlines() if line.startswith("epoch ")]
    assert code == 0 and epochs == ["3", "6", "7"]


def test_quiet_prints_nothing(run, tmp_path):
    code, out, err = run("--headless", *FAST, "--epochs", "2", "--quiet", "--history", str(tmp_path / "h.csv"))
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "h.csv").exists()


def test_same_seed_and_settings_give_identical_history_files(run, tmp_path):
    for name in ("a", "b"):
        for ext in ("csv", "json"):
            code, _, _ = run("--headless", *FAST, "--epochs", "4", "--dropout", "0.2", "--seed", "7",
                             "--history", str(tmp_path / f"{name}.{ext}"))
            assert code == 0
    for ext in ("csv", "json"):
        assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes()
    assert len((tmp_path / "a.csv").read_text().splitlines()) == 5


def test_a_different_seed_gives_different_numbers(run, tmp_path):
    for seed in ("1", "2"):
        run("--headless", *FAST, "--epochs", "2", "--seed", seed, "--history", str(tmp_path / f"{seed}.csv"))
    assert (tmp_path / "1.csv").read_bytes() != (tmp_path / "2.csv").read_bytes()


def test_divergence_is_one_line_and_exit_status_1(run, tmp_path):
    code, out, err = run("--headless", "--dataset", "sine", "--samples", "40", "--hidden", "8",
                         "--optimizer", "sgd", "--lr", "10", "--epochs", "300", "--quiet",
                         "--history", str(tmp_path / "h.csv"), "--save", str(tmp_path / "run.npz"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("tui-trainer: diverged at epoch ")
    # the cost had soared long before it overflowed: the weights kept are no place to go on from
    assert ", and by epoch " in err and " it had soared to " in err
    assert err.endswith("; start again, without --load, with a lower --lr (it was 10; e.g. --lr 1)\n")
    diverged_at = int(err.split("epoch ")[1].split(":")[0])
    _, trainer = load_run(tmp_path / "run.npz")  # the last good epoch is saved
    assert trainer.epoch == diverged_at - 1
    assert len((tmp_path / "h.csv").read_text().splitlines()) == diverged_at


def test_the_summary_of_a_diverged_run(run):
    code, out, _ = run("--headless", "--dataset", "sine", "--samples", "40", "--hidden", "8",
                       "--optimizer", "sgd", "--lr", "10", "--epochs", "300", "--every", "1000")
    assert code == 1 and "diverged (at epoch " in out


# -- precedence --------------------------------------------------------------------------------------
def _written(run, tmp_path, *argv):
    path = tmp_path / "out.toml"
    code, out, err = run(*argv, "--write-config", str(path))
    assert code == 0, err
    return RunConfig(**read_toml(path))


def test_precedence_defaults_preset_config_options(run, tmp_path):
    (tmp_path / "c.toml").write_text("learning_rate = 0.005\nepochs = 50\nseed = 4\n")
    config = _written(run, tmp_path, "--preset", "overfit", "--config", str(tmp_path / "c.toml"), "--seed", "9")
    assert config.dataset == "digits" and config.hidden == (256, 256)   # the preset
    assert config.learning_rate == 0.005 and config.epochs == 50        # the file over the preset
    assert config.seed == 9                                             # the option over the file
    assert config.activation == "relu" and config.momentum == 0.9       # preset, default


def test_an_option_given_as_its_default_still_wins(run, tmp_path):
    (tmp_path / "c.toml").write_text("dropout = 0.5\n")
    config = _written(run, tmp_path, "--config", str(tmp_path / "c.toml"), "--dropout", "0")
    assert config.dropout == 0.0


def test_dataset_on_the_command_line_replaces_a_csv_in_the_file(run, tmp_path):
    (tmp_path / "c.toml").write_text('data = "x.csv"\ntarget = "y"\n')
    config = _written(run, tmp_path, "--config", str(tmp_path / "c.toml"), "--dataset", "moons")
    assert (config.dataset, config.data, config.target) == ("moons", None, None)


def test_batch_size_options(run, tmp_path):
    (tmp_path / "c.toml").write_text('batch_mode = "sgd"\n')
    assert _written(run, tmp_path, "--batch-size", "full").batch_mode == "batch"
    config = _written(run, tmp_path, "--config", str(tmp_path / "c.toml"), "--batch-size", "16")
    assert (config.batch_mode, config.batch_size) == ("mini-batch", 16)
    config = _written(run, tmp_path, "--batch-size", "16", "--batch-mode", "mini-batch")
    assert (config.batch_mode, config.batch_size) == ("mini-batch", 16)
    assert _written(run, tmp_path, "--batch-size", "full", "--batch-mode", "batch").batch_mode == "batch"


@pytest.mark.parametrize("mode, why", [("sgd", "one example"), ("batch", "the whole train part")])
def test_a_batch_size_the_batch_mode_ignores_is_refused(run, tmp_path, mode, why):
    # as --batch-size full --batch-mode sgd is: the 16 was dropped without a word
    assert _err(run, "--batch-size", "16", "--batch-mode", mode, "--write-config", str(tmp_path / "c.toml")) == (
        f"tui-trainer: error: --batch-size 16 contradicts --batch-mode {mode} (every step takes {why}); "
        "give one of them\n")
    assert not (tmp_path / "c.toml").exists()


def test_every_option_reaches_the_config(run, tmp_path):
    config = _written(run, tmp_path, "--dataset", "moons", "--samples", "100", "--noise", "0.1",
                      "--train-fraction", "0.6", "--hidden", " 12, 6 ", "--activation", "relu", "--dtype", "float32",
                      "--loss", "hinge", "--optimizer", "momentum", "--lr", "0.2", "--batch-size", "10",
                      "--dropout", "0.1", "--weight-decay", "0.001", "--momentum", "0.8", "--nesterov",
                      "--epochs", "12", "--seed", "3")
    assert config == RunConfig(dataset="moons", samples=100, noise=0.1, train_fraction=0.6, hidden=(12, 6),
                               activation="relu", dtype="float32", loss="hinge", optimizer="momentum",
                               learning_rate=0.2, batch_mode="mini-batch", batch_size=10, dropout=0.1,
                               weight_decay=0.001, momentum=0.8, nesterov=True, epochs=12, seed=3)


def test_csv_options(run, tmp_path, tiny_csv):
    config = _written(run, tmp_path, "--data", str(tiny_csv), "--target", "label", "--task", "classification",
                      "--drop-missing")
    assert (config.data, config.target, config.task, config.drop_missing) == (
        str(tiny_csv), "label", "classification", True)
    code, out, _ = run("--headless", "--data", str(tiny_csv), "--target", "label", "--hidden", "4",
                       "--epochs", "2")
    assert code == 0 and "finished  epoch 2/2" in out


# -- save and load -----------------------------------------------------------------------------------
def test_save_then_load_gives_the_same_history_as_one_run(run, tmp_path):
    options = [*FAST, "--dropout", "0.3", "--batch-size", "7", "--quiet"]
    assert run("--headless", *options, "--epochs", "6", "--history", str(tmp_path / "one.json"))[0] == 0
    assert run("--headless", *options, "--epochs", "2", "--save", str(tmp_path / "run.npz"))[0] == 0
    code, out, err = run("--headless", "--load", str(tmp_path / "run.npz"), "--epochs", "6", "--quiet",
                         "--history", str(tmp_path / "two.json"), "--save", str(tmp_path / "run.npz"))
    assert (code, err) == (0, "")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert load_run(tmp_path / "run.npz")[1].epoch == 6


def test_load_without_epochs_trains_to_the_saved_total(run, tmp_path):
    run("--headless", *FAST, "--epochs", "5", "--quiet", "--save", str(tmp_path / "run.npz"))
    code, out, _ = run("--headless", "--load", str(tmp_path / "run.npz"))
    assert code == 0 and "nothing to train" in out and "epoch 5/5  trained 0 epochs" in out


def test_load_with_a_new_learning_rate_records_the_change(run, tmp_path):
    run("--headless", *FAST, "--epochs", "2", "--quiet", "--save", str(tmp_path / "run.npz"))
    code, out, _ = run("--headless", "--load", str(tmp_path / "run.npz"), "--epochs", "3", "--lr", "0.001",
                       "--quiet", "--history", str(tmp_path / "h.json"))
    events = json.loads((tmp_path / "h.json").read_text())["events"]
    assert code == 0 and events == [{"after_epoch": 2, "text": "learning_rate 0.01 -> 0.001"}]


# -- files a run would overwrite -------------------------------------------------------------------
@pytest.mark.parametrize("how", ["same", "another spelling"])
def test_history_over_the_data_file_is_refused_and_the_data_kept(run, tiny_csv, tmp_path, how, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = tiny_csv.read_bytes()
    target = str(tiny_csv) if how == "same" else f"./../{tmp_path.name}/{tiny_csv.name}"
    code, out, err = run("--headless", "--data", str(tiny_csv), "--epochs", "2", "--history", target)
    assert code == 2 and out == ""
    assert err == (f"tui-trainer: error: --history {target} is the --data file: writing it would replace "
                   "your data; name another file for --history\n")
    assert tiny_csv.read_bytes() == before


def test_history_over_the_data_file_of_a_loaded_run_is_refused(run, tiny_csv, tmp_path):
    assert run("--headless", "--data", str(tiny_csv), "--epochs", "1", "--save", str(tmp_path / "r.npz"),
               "--quiet")[0] == 0
    code, _, err = run("--headless", "--load", str(tmp_path / "r.npz"), "--epochs", "2", "--history", str(tiny_csv))
    assert code == 2 and "is the --data file" in err


def test_files_that_cannot_be_written_after_training_are_kept_in_the_temporary_directory(run, tmp_path,
                                                                                         monkeypatch):
    """The directory went away while training: the run was lost, with one line per file."""
    out_dir, temp = tmp_path / "out", tmp_path / "temp"
    out_dir.mkdir()
    temp.mkdir()
    (temp / "run.npz").write_bytes(b"somebody else's")  # not to be replaced
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(temp))
    original = Trainer.run_epoch

    def run_epoch(self):
        if self.epoch == 2 and out_dir.exists():
            out_dir.rmdir()
        return original(self)

    monkeypatch.setattr(Trainer, "run_epoch", run_epoch)
    code, _, err = run("--headless", *FAST, "--epochs", "4", "--quiet", "--save", str(out_dir / "run.npz"),
                       "--history", str(out_dir / "h.csv"))
    assert code == 2
    assert err.splitlines() == [
        f"tui-trainer: error: cannot write {out_dir / 'h.csv'}: No such file or directory; wrote to "
        f"{temp / 'h.csv'} instead",
        f"tui-trainer: error: cannot write {out_dir / 'run.npz'}: No such file or directory; saved to "
        f"{temp / 'run-2.npz'} instead (epoch 4; resume with --load {temp / 'run-2.npz'})",
    ]
    assert load_run(temp / "run-2.npz")[1].epoch == 4 and len((temp / "h.csv").read_text().splitlines()) == 5
    assert (temp / "run.npz").read_bytes() == b"somebody else's"


# -- Ctrl+C --------------------------------------------------------------------------------------------
def test_ctrl_c_stops_after_the_epoch_writes_the_files_and_exits_130(run, tmp_path, monkeypatch):
    original = Trainer.run_epoch

    def run_epoch(self):
        stats = original(self)
        if self.epoch == 3:
            signal.raise_signal(signal.SIGINT)  # as if Ctrl+C came during epoch 3
        return stats

    monkeypatch.setattr(Trainer, "run_epoch", run_epoch)
    code, out, err = run("--headless", *FAST, "--epochs", "100", "--history", str(tmp_path / "h.csv"),
                         "--save", str(tmp_path / "run.npz"))
    assert code == 130 and err == ""
    assert "stopped (Ctrl+C)  epoch 3/100" in out
    assert len((tmp_path / "h.csv").read_text().splitlines()) == 4
    assert load_run(tmp_path / "run.npz")[1].epoch == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_a_second_ctrl_c_interrupts_at_once_and_writes_nothing(run, tmp_path, monkeypatch):
    original = Trainer.run_epoch

    def run_epoch(self):
        if self.epoch == 1:
            signal.raise_signal(signal.SIGINT)
            time.sleep(SAME_CTRL_C * 2)
            signal.raise_signal(signal.SIGINT)
        return original(self)

    monkeypatch.setattr(Trainer, "run_epoch", run_epoch)
    code, _, err = run("--headless", *FAST, "--epochs", "100", "--save", str(tmp_path / "run.npz"))
    assert code == 130 and err == "tui-trainer: interrupted\n"
    assert not (tmp_path / "run.npz").exists()


def test_ctrl_c_while_the_modules_load_is_a_line_and_130_not_a_traceback(capsys, monkeypatch):
    from tui_trainer import entry

    class Loading(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt  # as if Ctrl+C came while NumPy was importing

    monkeypatch.setitem(sys.modules, "tui_trainer.cli", Loading("tui_trainer.cli"))
    assert entry.main() == 130
    assert capsys.readouterr().err == "tui-trainer: interrupted\n"


def test_one_ctrl_c_delivered_twice_at_once_is_one(run, tmp_path, monkeypatch):
    """`timeout -s INT` signals the command and then its process group: the same request can
    arrive twice in a row, and the second was taken for a second Ctrl+C, losing the run."""
    original = Trainer.run_epoch

    def run_epoch(self):
        stats = original(self)
        if self.epoch == 2:
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
        return stats

    monkeypatch.setattr(Trainer, "run_epoch", run_epoch)
    code, out, err = run("--headless", *FAST, "--epochs", "100", "--save", str(tmp_path / "run.npz"))
    assert code == 130 and err == ""
    assert "stopped (Ctrl+C)  epoch 2/100" in out and load_run(tmp_path / "run.npz")[1].epoch == 2


# -- the dashboard ---------------------------------------------------------------------------------
pace_seen: list = []  # the pace each (stand-in) dashboard was started with


@pytest.fixture
def dashboard(monkeypatch):
    calls = []
    app = types.ModuleType("tui_trainer.ui.app")
    pace_seen.clear()
    app.run_dashboard = (lambda config, resume=None, pace=None:
                         calls.append((config, resume)) or pace_seen.append(pace) or 0)
    monkeypatch.setitem(sys.modules, "tui_trainer.ui.app", app)
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)
    return calls


def test_without_headless_the_dashboard_gets_the_config(run, dashboard):
    code, _, _ = run("--dataset", "moons", "--lr", "0.05")
    assert code == 0 and dashboard == [(RunConfig(dataset="moons", learning_rate=0.05), None)]
    assert pace_seen[-1] == 30  # the default pace


def test_speed_sets_the_dashboards_pace(run, dashboard):
    run("--speed", "12.5")
    run("--speed", "max")
    assert pace_seen[-2:] == [12.5, None]


@pytest.mark.parametrize("value, message", [("0", "it must be a number > 0, or max"), ("-3", "> 0"),
                                            ("fast", "is not a number, nor 'max'")])
def test_bad_speed_is_one_line_and_exit_2(run, value, message):
    code, _, err = run("--speed", value)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_load_without_headless_resumes_in_the_dashboard(run, dashboard, tmp_path):
    run("--headless", *FAST, "--epochs", "2", "--quiet", "--save", str(tmp_path / "run.npz"))
    code, _, _ = run("--load", str(tmp_path / "run.npz"), "--epochs", "9")
    ((config, resume),) = dashboard
    assert code == 0 and resume == str(tmp_path / "run.npz")
    assert config.epochs == 9 and config.hidden == (8,)


def test_a_bad_run_file_is_refused_before_the_dashboard_starts(run, dashboard, tmp_path):
    (tmp_path / "x.npz").write_text("not a zip")
    code, _, err = run("--load", str(tmp_path / "x.npz"))
    assert code == 2 and "not a tui-trainer run file" in err and dashboard == []


def test_a_failed_write_is_reported_and_the_other_file_still_written(run, tmp_path, monkeypatch):
    import tui_trainer.cli as cli_module

    def failing(path, trainer):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli_module, "write_history", failing)
    code, out, err = run("--headless", *FAST, "--epochs", "2", "--history", str(tmp_path / "h.csv"),
                         "--save", str(tmp_path / "run.npz"))
    assert code == 2
    assert err == f"tui-trainer: error: cannot write {tmp_path / 'h.csv'}: No space left on device\n"
    assert (tmp_path / "run.npz").exists() and f"saved {tmp_path / 'run.npz'}" in out


def test_the_dashboard_needs_a_terminal(run, monkeypatch):
    monkeypatch.setattr(cli, "_has_terminal", lambda: False)
    code, _, err = run("--dataset", "moons")
    assert code == 2 and "the dashboard needs a terminal; add --headless" in err


def test_help_and_headless_runs_never_import_textual():
    code = (
        "import sys\n"
        "from tui_trainer.cli import main\n"
        "assert main(['--help']) == 0\n"
        f"assert main(['--headless', *{FAST!r}, '--epochs', '1', '--quiet']) == 0\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'plotext', 'textual_plotext', 'rich')]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# -- errors: exit 2, one line, no traceback ------------------------------------------------------------
@pytest.mark.parametrize("argv, expected", [
    (["--lr", "0"], "--lr 0 is out of range; it must be in [1e-06, 10]"),
    (["--lr", "-0.1"], "--lr -0.1 is out of range; it must be in [1e-06, 10]"),
    (["--lr", "fast"], "--lr 'fast' is not a number"),
    (["--dropout", "0.95"], "--dropout 0.95 is out of range; it must be in [0, 0.9]"),
    (["--dropout", "-0.1"], "--dropout -0.1 is out of range; it must be in [0, 0.9]"),
    (["--batch-size", "0"], "--batch-size 0 is out of range; it must be a whole number >= 1"),
    (["--batch-size", "many"], "--batch-size 'many' is not a whole number, nor 'full'"),
    (["--batch-size", "full", "--batch-mode", "sgd"], "--batch-size 'full' contradicts --batch-mode sgd"),
    (["--hidden", ""], "--hidden '' is empty; give the widths of the hidden layers, e.g. 32,32"),
    (["--hidden", "32,0"], "--hidden 32,0 has a layer of width 0; each width must be in [1, 4096]"),
    (["--hidden", "32,,8"], "--hidden '32,,8' has an empty width"),
    (["--hidden", "32,wide"], "--hidden '32,wide' is not a list of whole numbers"),
    (["--epochs", "0"], "--epochs 0 is out of range; it must be a whole number >= 1"),
    (["--epochs", "2.5"], "--epochs '2.5' is not a whole number"),
    (["--train-fraction", "1"], "--train-fraction 1 is out of range; it must be in [0.05, 0.95]"),
    (["--samples", "5"], "--samples 5 is out of range; it must be a whole number in [20, 20000]"),
    (["--noise", "2"], "--noise 2 is out of range; it must be in [0, 1]"),
    (["--momentum", "1"], "--momentum 1 is out of range; it must be in [0, 1)"),
    (["--weight-decay", "-1"], "--weight-decay -1 is out of range; it must be >= 0"),
    (["--seed", "-3"], "--seed -3 is out of range; it must be a whole number >= 0"),
    (["--every", "0"], "--every 0 is out of range; it must be a whole number >= 1"),
    (["--activation", "sigmod"], "--activation 'sigmod' is not a known activation; did you mean 'sigmoid'? "
                                 "choose one of: relu, leaky_relu, tanh, sigmoid, linear"),
    (["--optimizer", "nadam"], "choose one of: sgd, momentum, rmsprop, adagrad, adam, adamw"),
    (["--loss", "l2"], "choose one of: mse, mae, cross_entropy, hinge, huber"),
    (["--batch-mode", "full"], "choose one of: batch, sgd, mini-batch"),
    (["--dtype", "float16"], "choose one of: float64, float32"),
    (["--dataset", "spirl"], "--dataset 'spirl' is not a known data set; did you mean 'spiral'?"),
    (["--preset", "overfitt"], "--preset 'overfitt' is unknown; did you mean 'overfit'? choose one of: overfit"),
    (["--target", "y"], "--target 'y' needs a CSV file (--data)"),
    (["--dataset", "iris", "--samples", "50"], "iris: a real data set's size cannot be set"),
    (["--dataset", "sine", "--loss", "cross_entropy"], "cross_entropy cannot train a regression task"),
    (["--data", "/no/such.csv"], "/no/such.csv: no such file"),
    (["--config", "/no/such.toml"], "/no/such.toml: no such file"),
    (["--load", "/no/such.npz"], "/no/such.npz: no such file"),
    (["--history", "h.txt"], "history file 'h.txt' must end in .csv or .json"),
    (["--save", "/no/such/dir/run.npz"],
     "cannot write /no/such/dir/run.npz: the directory /no/such/dir does not exist"),
    (["--lrr", "3"], "unrecognized arguments: --lrr 3; did you mean --lr? (see tui-trainer --help)"),
    # a name cut short: the options it begins (difflib alone ranked --help first for --ep)
    (["--ep", "3"], "unrecognized arguments: --ep 3; did you mean --epochs? (see tui-trainer --help)"),
    (["--e", "3"], "unrecognized arguments: --e 3; did you mean --epochs or --every? (see tui-trainer --help)"),
    (["--epochs"], "argument --epochs: expected one argument"),
    (["--batch-size", "full", "--batch-mode", "{x"], "contradicts --batch-mode {x;"),  # braces are not formats
    (["--dataset", "moons", "--data", "x.csv"], "argument --data: not allowed with argument --dataset"),
])
def test_errors_are_one_line_and_exit_2(run, argv, expected):
    code, out, err = run("--headless", *argv)
    assert code == 2 and out == ""
    assert err.startswith("tui-trainer: error: ") and err.count("\n") == 1, err
    assert expected in err
    assert "Traceback" not in err


def _err(run, *argv):
    code, out, err = run(*argv)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# the same problem, the same words, whichever option names the file
def test_a_missing_input_file_is_worded_alike(run, tmp_path):
    for option, name in [("--data", "a.csv"), ("--config", "a.toml"), ("--load", "a.npz")]:
        assert _err(run, "--headless", option, str(tmp_path / name)) == (
            f"tui-trainer: error: {tmp_path / name}: no such file; check the path ({option})\n")


@pytest.mark.parametrize("option, name", [("--write-config", "c.toml"), ("--save", "r.npz"), ("--history", "h.csv")])
def test_a_missing_output_directory_is_worded_alike(run, tmp_path, option, name):
    path = tmp_path / "no" / "dir" / name
    assert _err(run, "--headless", option, str(path)) == (f"tui-trainer: error: cannot write {path}: the "
                                                          f"directory {path.parent} does not exist; create it first\n")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("option, name", [("--config", "latin1.toml"), ("--data", "latin1.csv")])
def test_a_file_that_is_not_utf8_is_said_plainly(run, tmp_path, option, name):
    path = tmp_path / name
    path.write_bytes(b"a,b\n1,caf\xe9\n" if name.endswith(".csv") else b"epochs = 5  # caf\xe9\n")
    offset = path.read_bytes().index(b"\xe9")
    assert _err(run, "--headless", option, str(path)) == (
        f"tui-trainer: error: {path.name if option == '--data' else path}: not UTF-8 text "
        f"(byte 0xe9 at offset {offset}); save the file as UTF-8\n")


@pytest.mark.parametrize("argv", [["--bogus"], ["--verbose"], ["--lr-rate", "3"]])
def test_an_unknown_option_far_from_any_gets_no_suggestion(run, argv):
    # the shared "--" made --bogus look like --loss, --verbose like --version, --lr-rate like --lr
    assert _err(run, *argv) == f"tui-trainer: error: unrecognized arguments: {' '.join(argv)} (see tui-trainer --help)\n"


def test_save_asks_for_npz_as_write_config_asks_for_toml(run, tmp_path):
    # np.savez wrote a zip under any name
    path = tmp_path / "run.txt"
    assert _err(run, "--headless", *FAST, "--epochs", "1", "--save", str(path)) == (
        f"tui-trainer: error: --save {path}: a run is saved as .npz; name the file FILE.npz\n")
    assert not path.exists()


@pytest.mark.parametrize("name", ["c.toml", "run.csv"])
def test_load_asks_for_npz_before_reading_the_file(run, tmp_path, name):
    run("--headless", *FAST, "--epochs", "1", "--quiet", "--save", str(tmp_path / "run.npz"))
    (tmp_path / "run.npz").rename(tmp_path / name)  # a run under another name is refused too
    assert _err(run, "--headless", "--load", str(tmp_path / name)) == (
        f"tui-trainer: error: --load {tmp_path / name}: a run is saved as .npz; give a FILE.npz written by --save\n")


def test_a_bad_toml_names_the_line(run, tmp_path):
    (tmp_path / "c.toml").write_text("epochs = 10\nlearning_rate = = 3\n")
    assert f"{tmp_path / 'c.toml'}: not valid TOML: Invalid value (at line 2, column 17)" in _err(
        run, "--headless", "--config", str(tmp_path / "c.toml"))


def test_a_toml_key_error_names_the_key_and_line(run, tmp_path):
    (tmp_path / "c.toml").write_text("epochs = 10\nlearning_rte = 3\n")
    assert "c.toml, line 2: unknown key 'learning_rte'; did you mean 'learning_rate'?" in _err(
        run, "--headless", "--config", str(tmp_path / "c.toml"))


@pytest.mark.parametrize("content", [b"not a zip", b"epochs = 5\n", bytes(range(256))], ids=["text", "toml", "binary"])
def test_a_file_that_is_not_a_run(run, tmp_path, content):
    (tmp_path / "x.npz").write_bytes(content)
    assert _err(run, "--headless", "--load", str(tmp_path / "x.npz")) == (
        f"tui-trainer: error: {tmp_path / 'x.npz'}: not a tui-trainer run file (save one with --save FILE.npz)\n")


def test_load_refuses_options_that_would_change_the_run(run, tmp_path):
    run("--headless", *FAST, "--epochs", "1", "--quiet", "--save", str(tmp_path / "run.npz"))
    err = _err(run, "--headless", "--load", str(tmp_path / "run.npz"), "--hidden", "4")
    assert "--hidden cannot be used with --load: a saved run keeps its data and network" in err
    err = _err(run, "--headless", "--load", str(tmp_path / "run.npz"), "--preset", "overfit")
    assert "cannot be combined with --preset or --config" in err


def test_a_missing_csv_of_a_saved_run(run, tmp_path, tiny_csv):
    run("--headless", "--data", str(tiny_csv), "--hidden", "4", "--epochs", "1", "--quiet",
        "--save", str(tmp_path / "run.npz"))
    tiny_csv.unlink()
    assert f"its data file {tiny_csv} is missing" in _err(run, "--headless", "--load", str(tmp_path / "run.npz"))


def test_a_sudden_divergence_says_to_lower_the_rate(run):
    code, _, err = run("--headless", "--dataset", "spiral", "--optimizer", "sgd", "--lr", "10", "--activation",
                       "linear", "--loss", "mse", "--epochs", "50", "--quiet")
    assert code == 1
    assert err == "tui-trainer: diverged at epoch 2: the cost became NaN; try a lower --lr (it was 10; e.g. --lr 1)\n"


def test_a_soaring_cost_prints_no_numpy_warnings(run, recwarn):
    """Diabetes with sgd at lr 10: the engine's backward pass overflowed, and NumPy's
    RuntimeWarnings (file, line and source, twice) came out on stderr before the one line."""
    import warnings

    warnings.simplefilter("always")
    code, out, err = run("--headless", "--dataset", "diabetes", "--optimizer", "sgd", "--lr", "10",
                         "--epochs", "50", "--quiet")
    assert code == 1
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
    assert err.count("\n") == 1 and err.startswith("tui-trainer: diverged at epoch ")


def test_write_config_wants_a_toml_file_name(run, tmp_path):
    code, _, err = run("--write-config", str(tmp_path / "settings.json"))
    assert code == 2 and "name the file FILE.toml" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize("value, message", [("0", "it must be a whole number >= 1, or auto"),
                                            ("many", "is not a whole number, nor 'auto'")])
def test_bad_threads_is_one_line_and_exit_2(run, value, message):
    code, _, err = run("--headless", *FAST, "--threads", value)
    assert code == 2 and message in err and "--threads" in err and len(err.strip().splitlines()) == 1


def test_threads_is_for_headless_runs(run, dashboard):
    code, _, err = run("--threads", "2")
    assert code == 2 and "--threads applies to --headless runs" in err and dashboard == []


@pytest.mark.parametrize("value, expected", [("2", 2), ("AUTO", "auto"), (None, "auto")])
def test_headless_trains_with_the_threads_given(run, monkeypatch, value, expected):
    import tui_trainer.headless as headless

    seen, train = [], headless.train
    monkeypatch.setattr(headless, "train", lambda trainer, *a: (seen.append(trainer.threads), train(trainer, *a))[1])
    code, _, _ = run("--headless", *FAST, "--epochs", "1", "--quiet", *(["--threads", value] if value else []))
    assert code == 0 and seen == [expected]


# -- the progress line ---------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [80, 100, 140])
def test_the_progress_line_keeps_the_costs_and_the_test_score_whole(columns, monkeypatch):
    """At 80 columns the line ended at 'accuracy': the bar kept its width, the numbers were cut."""
    import io
    import os

    from tui_trainer.config import RunConfig
    from tui_trainer.headless import MIN_BAR, ProgressBar

    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=None: os.terminal_size((columns, 24)))
    trainer = RunConfig(dataset="spiral", samples=60, hidden=(8,), epochs=1000).make_trainer()
    stats = next(trainer.epochs(1))
    out = io.StringIO()
    bar = ProgressBar(out)
    bar.start(trainer, 1000)
    bar.update(stats, 1.0, 1)
    line = out.getvalue().removeprefix("\r").removesuffix("\x1b[K")
    assert len(line) <= columns - 3
    assert line.startswith("epoch    1/1000 ")
    for number in (stats.train_cost, stats.test_cost, stats.test_cost - stats.train_cost):
        assert f"{number:.6g}" in line
    assert f"{stats.test_metric:.3f}" in line  # the test score, whole
    if columns >= 100:
        assert "-" * MIN_BAR in line or "░" * MIN_BAR in line  # room for the bar too (empty at epoch 1)
        assert f"accuracy {stats.train_metric:.3f}/{stats.test_metric:.3f}" in line
    if columns >= 140:
        assert line.endswith("1 epochs/s")
