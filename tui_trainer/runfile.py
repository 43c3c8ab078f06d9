"""A saved run: one .npz holding the weights, the optimizer's state, the settings, the history
and the random states, so a run saved at epoch k and resumed to epoch n gives the same numbers,
bit for bit, as one never stopped.

The file (written with ``np.savez``, read with ``allow_pickle=False``):

    __tui_trainer__     a 0-d string array: JSON {"format": "tui-trainer run", "version": 1,
                        "program": "0.1.0", "config": RunConfig fields, "trainer": the trainer's
                        state_dict metadata (live settings, epoch, steps, seed, RNG states,
                        events), "data_sha256": digest of the data trained on, "arrays": [names]}
    param.<i>           the network's weights and biases, in the network's dtype
    optimizer.<name>    the optimizer's step count ``t`` and its per-parameter state
    history.<column>    the per-epoch columns (epoch, steps, train_cost, test_cost, ...)

The data are not stored: they are made again from the config (a built-in set from its seed, a
CSV file from its path, stored absolute), and checked against the digest.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .atomic import atomic_write
from .config import TRAINING_FIELDS, RunConfig
from .configcheck import ConfigError, show
from .data import DataError
from .engine import Change, Settings, Trainer
from .filemessages import no_such_file

MARKER = "__tui_trainer__"
FORMAT = "tui-trainer run"
VERSION = 1
RESUMABLE_FIELDS = ("epochs", *TRAINING_FIELDS)  # what a resumed run may change
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first bytes: a local file header, or an empty zip
NPY_MAGIC = b"\x93NUMPY"
SAVE_ONE = "save one with --save FILE.npz"


class RunFileError(ValueError):
    """A run file that cannot be read or resumed; ``str()`` is one line naming the file."""


def save_run(path: str | Path, config: RunConfig, trainer: Trainer) -> None:
    """Write the run to ``path`` (atomically): ``config`` is the config ``trainer`` was made from."""
    arrays, meta = trainer.state_dict()
    config_values = config.to_dict()
    if config.data is not None:  # so the run resumes from any directory
        config_values["data"] = str(Path(config.data).resolve())
    header = {"format": FORMAT, "version": VERSION, "program": __version__, "config": config_values,
              "trainer": meta, "data_sha256": data_digest(trainer), "arrays": sorted(arrays)}
    with atomic_write(path, "wb") as f:
        np.savez(f, **{MARKER: np.array(json.dumps(header))}, **arrays)


def read_config(path: str | Path) -> RunConfig:
    """The config of a saved run, its training fields at their values when saved."""
    header, _ = read_run(path)
    return _saved_config(path, header)


def load_run(path: str | Path, config: RunConfig | None = None) -> tuple[RunConfig, Trainer]:
    """The saved run's config (training fields at their live values) and a trainer at the
    saved epoch, ready to go on.

    ``config``, if given, is what the caller wants: usually ``read_config(path)`` with
    changes. A different ``epochs`` sets the total to train to; different training settings
    (learning rate, dropout, ...) are applied as a change at the saved epoch; a different data
    set or network raises ConfigError (a saved run keeps them).
    Raises RunFileError (not ours, damaged, data missing or changed) or DataError.
    """
    header, arrays = read_run(path)
    saved = _saved_config(path, header)
    if saved.data is not None and not Path(saved.data).is_file():
        raise RunFileError(f"{path}: its data file {saved.data} is missing; resuming needs the same file")
    try:
        dataset = saved.load_data()
        trainer = saved.make_trainer(dataset)
    except (DataError, ValueError) as err:
        if saved.data is None:  # a built-in set, made again from its seed: not a changed file
            raise
        # they made a network when saved: a file that fails now has changed (e.g. into regression data)
        raise RunFileError(f"{path}: the data ({saved.data}) are not those the run was saved with "
                           f"({_short(err)}); resuming needs the same data") from None
    if data_digest(trainer) != header.get("data_sha256"):
        raise RunFileError(f"{path}: the data ({saved.data or saved.dataset or dataset.name}) are not those "
                           "the run was saved with; resuming needs the same data")
    try:
        trainer.load_state_dict(arrays, header["trainer"])
    except (KeyError, ValueError, TypeError) as err:
        raise RunFileError(f"{path}: damaged run file ({_short(err)})") from None
    current = saved.with_settings(trainer.settings)
    wanted = current if config is None else config
    for name in RunConfig.__dataclass_fields__:
        if name not in RESUMABLE_FIELDS and getattr(wanted, name) != getattr(current, name):
            raise ConfigError(name, getattr(wanted, name),
                              f"cannot change a saved run (it has {show(getattr(current, name))}); "
                              "leave it out, or start a new run")
    changes = {name: getattr(wanted, name) for name in TRAINING_FIELDS
               if getattr(wanted, name) != getattr(current, name)}
    if changes:
        trainer.apply(Change(changes))  # raises ValueError (e.g. a loss that does not fit the task)
    trainer.max_epochs = wanted.epochs
    return wanted, trainer


def read_run(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and the arrays of a run file (RunFileError if it is not one, or damaged)."""
    path = Path(path)
    if not path.is_file():
        raise RunFileError(f"{path}: {no_such_file('--load')}" if not path.exists() else f"{path}: not a file")
    try:
        with path.open("rb") as f:
            magic = f.read(len(NPY_MAGIC))
    except OSError as err:
        raise RunFileError(f"{path}: cannot be read ({err.strerror}); check the path and its permissions") from None
    if magic.startswith(NPY_MAGIC):
        raise RunFileError(f"{path}: not a tui-trainer run file (a single .npy array); {SAVE_ONE}")
    if not magic.startswith(ZIP_MAGIC):
        # np.load would try the file as a pickle, and refuse it with advice to load it unsafely
        raise RunFileError(f"{path}: not a tui-trainer run file ({SAVE_ONE})")
    try:
        with np.load(path, allow_pickle=False) as npz:
            if MARKER not in npz.files:
                raise RunFileError(f"{path}: not a tui-trainer run file (an .npz without its {MARKER} marker)")
            header = json.loads(str(npz[MARKER][()]))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise RunFileError(f"{path}: not a tui-trainer run file (unknown format marker)")
            version = header.get("version")
            if not isinstance(version, int) or version > VERSION:
                raise RunFileError(f"{path}: written by a newer tui-trainer (run file format {version}; "
                                   f"this one, {__version__}, reads format {VERSION}); upgrade to load it")
            arrays = {name: npz[name] for name in header["arrays"]}
    except RunFileError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as err:
        # an array of Python objects: numpy's text suggests allow_pickle, which is not a way out here
        detail = "it holds Python objects" if "pickle" in str(err) else _short(err)
        raise RunFileError(f"{path}: not a tui-trainer run file, or a damaged one ({detail})") from None
    return header, arrays


def data_digest(trainer: Trainer) -> str:
    """SHA-256 of the data a trainer trains and tests on (in its dtype)."""
    h = hashlib.sha256()
    for a in (trainer.X_train, trainer.y_train, trainer.X_test, trainer.y_test):
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _saved_config(path: str | Path, header: dict[str, Any]) -> RunConfig:
    try:
        config = RunConfig.from_dict(header["config"])
        settings = header["trainer"]["settings"]
        return config.with_settings(Settings(**{**settings, "betas": tuple(settings["betas"])}))
    except (ConfigError, KeyError, TypeError, ValueError) as err:
        raise RunFileError(f"{path}: damaged run file ({_short(err)})") from None


def _short(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + " ..."  # a whole word last
