"""Atomic writes: a write that fails midway leaves the old file intact and no temporary file."""

import os
import stat

import numpy as np
import pytest

import tui_trainer.atomic as atomic
from tui_trainer.atomic import atomic_write, write_text
from tui_trainer.config import RunConfig, write_toml
from tui_trainer.export import write_history
from tui_trainer.runfile import save_run


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "a.txt"
    write_text(path, "one")
    write_text(path, "two")
    assert path.read_text() == "two"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_keeps_the_old_files_permissions(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    write_text(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions_not_mkstemps_0600(tmp_path):
    path = tmp_path / "a.txt"
    write_text(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~atomic._UMASK


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_an_exception_midway_leaves_the_old_file_and_no_temp(tmp_path, error):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(type(error)):
        with atomic_write(path) as f:
            f.write("half of the new")
            raise error
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]


def _small_trainer():
    config = RunConfig(dataset="spiral", samples=40, hidden=(4,), epochs=2)
    trainer = config.make_trainer()
    list(trainer.epochs(2))
    return config, trainer


WRITERS = {
    "toml": lambda path, config, trainer: write_toml(path, config),
    "npz": save_run,
    "csv": lambda path, config, trainer: write_history(path, trainer),
    "json": lambda path, config, trainer: write_history(path, trainer),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_every_writer_is_atomic_when_the_disk_fails(tmp_path, monkeypatch, kind):
    config, trainer = _small_trainer()
    path = tmp_path / f"out.{kind}"
    path.write_bytes(b"the old file")

    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        WRITERS[kind](path, config, trainer)
    assert path.read_bytes() == b"the old file"
    assert os.listdir(tmp_path) == [path.name]


def test_a_save_interrupted_while_writing_leaves_the_old_run(tmp_path, monkeypatch):
    import tui_trainer.runfile as runfile

    config, trainer = _small_trainer()
    path = tmp_path / "run.npz"
    save_run(path, config, trainer)
    before = path.read_bytes()

    def savez_then_ctrl_c(f, **arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(runfile.np, "savez", savez_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        save_run(path, config, trainer)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.npz"]
    assert np.load(path, allow_pickle=False)  # still a good file
