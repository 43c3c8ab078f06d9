"""The real console script, in a subprocess: exit statuses, no traceback, Ctrl+C, a terminal."""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = shutil.which("tui-trainer", path=str(Path(sys.executable).parent))
FAST = ["--dataset", "spiral", "--samples", "60", "--hidden", "8"]

pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the console script is not installed (pip install -e .)")


def _run(*argv, timeout=60):
    return subprocess.run([SCRIPT, *argv], capture_output=True, text=True, timeout=timeout)


def test_a_piped_headless_run_exits_0():
    result = _run("--headless", *FAST, "--epochs", "3")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[0].startswith("epoch 1  train_cost ")
    assert "\r" not in result.stdout


@pytest.mark.parametrize("argv", [["--lr", "0"], ["--hidden", "0"], ["--nope"], ["--load", "missing.npz"]])
def test_errors_exit_2_with_one_line_and_no_traceback(argv):
    result = _run("--headless", *argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("tui-trainer: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_divergence_exits_1():
    result = _run("--headless", "--dataset", "sine", "--samples", "40", "--hidden", "8", "--optimizer", "sgd",
                  "--lr", "10", "--epochs", "300", "--quiet")
    assert result.returncode == 1 and "diverged at epoch" in result.stderr and "Traceback" not in result.stderr


def test_python_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "tui_trainer", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("tui-trainer ")


def _long_run(tmp_path):
    """A headless run of a million epochs with --save and --history, once its first epoch is
    out: (process, save, history)."""
    save, history = tmp_path / "run.npz", tmp_path / "h.csv"
    process = subprocess.Popen([SCRIPT, "--headless", *FAST, "--epochs", "1000000", "--save", str(save),
                                "--history", str(history)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().startswith("epoch 1 ")  # training is under way
    except BaseException:
        process.kill()
        raise
    return process, save, history


def _saved_epoch(save, history) -> int:
    """The epoch the run was saved at; the history holds every epoch up to it."""
    from tui_trainer.runfile import load_run

    _, trainer = load_run(save)
    assert len(history.read_text().splitlines()) == trainer.epoch + 1
    return trainer.epoch


def test_ctrl_c_stops_cleanly_saves_and_exits_130(tmp_path):
    process, save, history = _long_run(tmp_path)
    try:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err and err == ""
    assert "stopped (Ctrl+C)  epoch " in out and f"saved {save}" in out
    _saved_epoch(save, history)


def test_a_reader_gone_stops_training_quietly_and_still_writes_the_files(tmp_path):
    """`| head -1`: the run stopped at the broken pipe and wrote neither --history nor --save."""
    process, save, history = _long_run(tmp_path)
    try:
        process.stdout.close()  # as head does after its line
        err = process.communicate(timeout=60)[1]
    finally:
        process.kill()
    assert process.returncode == 141 and err == ""
    assert 1 <= _saved_epoch(save, history) < 1000000


def test_output_that_cannot_be_written_is_one_line_and_the_files_are_written(tmp_path):
    history = tmp_path / "h.csv"
    with open("/dev/full", "w") as full:
        result = subprocess.run([SCRIPT, "--headless", *FAST, "--epochs", "50", "--history", str(history)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("tui-trainer: error: cannot write the output: No space left on device; "
                                    "training stopped at epoch ")
    assert f"(--history {history} written)" in result.stderr
    assert len(history.read_text().splitlines()) >= 2


def test_a_closed_stdout_is_no_traceback():
    result = subprocess.run([SCRIPT, "--headless", *FAST, "--epochs", "3"], stderr=subprocess.PIPE, text=True,
                            timeout=60, preexec_fn=lambda: os.close(1))
    assert result.returncode == 0 and result.stderr == ""


def test_in_a_terminal_a_progress_line_is_redrawn_in_place(tmp_path):
    main, child = pty.openpty()
    process = subprocess.Popen([SCRIPT, "--headless", *FAST, "--epochs", "40"], stdin=child, stdout=child,
                               stderr=child, close_fds=True)
    os.close(child)
    output, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    assert process.wait(timeout=60) == 0
    text = output.decode()
    assert "\r" in text and "epoch 40/40" in text and "epochs/s" in text
    assert "\nepoch 1  train_cost" not in text  # not the piped lines
    assert "finished  epoch 40/40" in text
