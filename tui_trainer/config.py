"""The settings of a run, as one frozen dataclass: data, network and training; TOML in and out.

A ``RunConfig`` checks itself: a wrong type or a value out of range raises ``ConfigError``, one
line that names the setting and says what it may be. The command line, a TOML file, a preset and
a saved run all build one through the same checks.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .configcheck import FIELD_KINDS, ConfigError, check_field, closest
from .engine import Settings, Trainer
from .filemessages import no_such_file, not_utf8

if TYPE_CHECKING:
    from .data import Dataset

TRAINING_FIELDS = ("loss", "optimizer", "learning_rate", "batch_mode", "batch_size", "dropout",
                   "weight_decay", "momentum", "nesterov")
DATA_FIELDS = ("dataset", "data", "target", "task", "drop_missing", "samples", "noise", "train_fraction")
NETWORK_FIELDS = ("hidden", "activation", "dtype")
RUN_FIELDS = ("seed", "weight_seed", "epochs")  # the --help's group "run"
COMMAND_LINE_ONLY = ("speed", "threads", "every", "quiet", "headless")  # options that are no setting


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. The command line, a TOML file and the dashboard all
    build one of these; ``make_trainer`` turns it into a ready ``Trainer``.

    ``None`` means "the default for the data set": its size, noise, train fraction and
    suggested hidden layers; cross-entropy for classification and MSE for regression.
    Raises ``ConfigError`` (a ValueError) for a wrong type or a value out of range.
    """

    # data
    dataset: str | None = None          # a built-in name; None: the default data set
    data: str | None = None             # a CSV file instead of a built-in set
    target: str | None = None
    task: str | None = None
    drop_missing: bool = False
    samples: int | None = None
    noise: float | None = None
    train_fraction: float | None = None
    # network
    hidden: tuple[int, ...] | None = None
    activation: str = "tanh"
    dtype: str = "float64"
    # run
    seed: int = 0
    weight_seed: int | None = None      # seeds the weights, shuffling and dropout; None: seed
    epochs: int = 500
    # training: the live settings' starting values
    loss: str | None = None
    optimizer: str = "adam"
    learning_rate: float = 1e-2
    batch_mode: str = "mini-batch"
    batch_size: int = 32
    dropout: float = 0.0
    weight_decay: float | None = None   # None: the optimizer's own default
    momentum: float = 0.9
    nesterov: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and FIELD_KINDS[f.name].optional:
                continue
            object.__setattr__(self, f.name, check_field(f.name, value))
        if self.dataset is not None and self.data is not None:
            raise ConfigError("dataset", self.dataset, "and {data} exclude each other: choose one")
        if self.data is None:
            for name in ("target", "task"):
                if getattr(self, name) is not None:
                    raise ConfigError(name, getattr(self, name), "needs a CSV file ({data})")
            if self.drop_missing:
                raise ConfigError("drop_missing", None, "needs a CSV file ({data})")
        else:
            for name in ("samples", "noise"):
                if getattr(self, name) is not None:
                    raise ConfigError(name, getattr(self, name), "applies to generated data sets only, "
                                      "not to a CSV file ({data})")

    def replace(self, **changes: Any) -> "RunConfig":
        return replace(self, **changes)

    def with_settings(self, settings: Settings) -> "RunConfig":
        """This config with the training fields taken from live ``settings``."""
        return replace(self, **{name: getattr(settings, name) for name in TRAINING_FIELDS})

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set (not None), in field order; hidden as a list. TOML- and JSON-able."""
        out = {}
        for name, value in asdict(self).items():
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], where: str | None = None) -> "RunConfig":
        """A config from field names and values, every key and type checked."""
        return cls(**check_mapping(values, where))

    @property
    def dataset_name(self) -> str:
        """The data set's name as shown: the built-in set's, or the CSV file's."""
        if self.data is not None:
            return Path(self.data).name
        from .data import DEFAULT_DATASET

        return self.dataset or DEFAULT_DATASET

    def load_data(self) -> "Dataset":
        """The data set this config names (raises ``tui_trainer.data.DataError``)."""
        from .data import DEFAULT_DATASET, load_csv, load_dataset

        if self.data is not None:
            return load_csv(self.data, target=self.target, task=self.task, drop_missing=self.drop_missing,
                            train_fraction=0.8 if self.train_fraction is None else self.train_fraction,
                            seed=self.seed)
        return load_dataset(self.dataset or DEFAULT_DATASET, samples=self.samples, noise=self.noise,
                            train_fraction=self.train_fraction, seed=self.seed)

    def loss_for(self, task: str) -> str:
        if self.loss is not None:
            return self.loss
        return "cross_entropy" if task == "classification" else "mse"

    def hidden_for(self, dataset: "Dataset") -> tuple[int, ...]:
        if self.hidden is not None:
            return tuple(self.hidden)
        from .data import DATASETS

        info = DATASETS.get(dataset.name)
        return tuple(info.hidden) if info is not None else (32, 32)

    def settings(self, task: str) -> Settings:
        """The engine's live settings at the start of the run (raises ValueError)."""
        return Settings(loss=self.loss_for(task), optimizer=self.optimizer, learning_rate=self.learning_rate,
                        batch_mode=self.batch_mode, batch_size=self.batch_size, dropout=self.dropout,
                        weight_decay=self.weight_decay, momentum=self.momentum, nesterov=self.nesterov)

    def make_trainer(self, dataset: "Dataset | None" = None) -> Trainer:
        """A trainer for this config (loads the data unless given)."""
        dataset = dataset if dataset is not None else self.load_data()
        return Trainer(dataset, hidden=self.hidden_for(dataset), activation=self.activation,
                       settings=self.settings(dataset.task),
                       seed=self.seed if self.weight_seed is None else self.weight_seed, dtype=self.dtype,
                       max_epochs=self.epochs)


FIELD_NAMES = tuple(f.name for f in fields(RunConfig))


KEY_ALIASES = {"lr": "learning_rate"}  # option names of the command line that are not field names


def check_mapping(values: Mapping[str, Any], where: str | None = None,
                  lines: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Check each key is a field and each value has its type and range; return them normalised.

    ``where`` (a file name) and ``lines`` (key -> line number) locate an error.
    """
    out = {}
    for key, value in values.items():
        at = where if lines is None or key not in lines else f"{where}, line {lines[key]}"
        if key not in FIELD_NAMES:
            # the command line's spellings first: --lr, --batch-size
            hint = KEY_ALIASES.get(key.replace("-", "_"), key.replace("-", "_"))
            hint = hint if hint in FIELD_NAMES else closest(key, FIELD_NAMES)
            if key in COMMAND_LINE_ONLY:
                reason = (f"--{key} is about how this run is shown or paced, not a setting kept in a file: "
                          "give it on the command line")
            else:
                reason = f"did you mean {hint!r}?" if hint else f"the keys are: {', '.join(FIELD_NAMES)}"
            raise ConfigError(key, None, f"unknown key {key!r}; {reason}", where=at, label="")
        try:
            out[key] = check_field(key, value)
        except ConfigError as err:
            raise err.at(at, key) from None
    return out


def merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Later layers win. A layer naming a data source drops the other source of earlier ones,
    so ``--dataset`` overrides a config file's ``data`` (and its target, task, drop_missing)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        if "dataset" in layer:
            for name in ("data", "target", "task", "drop_missing"):
                merged.pop(name, None)
        if "data" in layer:
            merged.pop("dataset", None)
        merged.update(layer)
    return merged


def preset(name: str) -> dict[str, Any]:
    """The checked fields of the preset ``name`` (ConfigError lists the valid names)."""
    from .data import PRESETS as table

    if name not in table:
        hint = closest(name, table)
        hint = f"did you mean {hint!r}? " if hint else ""
        raise ConfigError("preset", name, f"is unknown; {hint}choose one of: {', '.join(table)}")
    return check_mapping(table[name], where=f"preset {name!r}")


# -- TOML --------------------------------------------------------------------------------------
def read_toml(path: str | Path) -> dict[str, Any]:
    """The settings in a TOML file, checked and normalised: RunConfig field name -> value.

    Raises ConfigError naming the file (and the line: of a syntax error, an unknown key, a
    value of the wrong type or out of range).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(None, None, no_such_file("--config"), where=str(path), label="") from None
    except OSError as err:
        raise ConfigError(None, None, f"cannot read it: {err.strerror or err}", where=str(path), label="") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(None, None, not_utf8(raw, err), where=str(path), label="") from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(None, None, f"not valid TOML: {err}", where=str(path), label="") from None
    settings = check_mapping(values, where=str(path), lines=_key_lines(text, values))
    if settings.get("data") is not None:  # a relative path is the file's neighbour, wherever we run
        settings["data"] = os.path.normpath(os.path.join(path.parent, settings["data"]))
    return settings


def write_toml(path: str | Path, config: RunConfig) -> None:
    """Write the config's settings (those not None) as TOML, atomically; ``read_toml`` gives
    them back and ``RunConfig(**read_toml(path)) == config``. A ``data`` path is written
    relative to the TOML file's directory, as ``read_toml`` reads it: the file works from any
    directory, and beside its data when both move."""
    from .atomic import write_text

    if config.data is not None:
        config = config.replace(data=os.path.relpath(os.path.abspath(config.data),
                                                     os.path.dirname(os.path.abspath(path))))
    write_text(path, toml_text(config))


def toml_text(config: RunConfig) -> str:
    """The config as TOML: one ``key = value`` line per field set, grouped with comments."""
    import tomli_w

    values = config.to_dict()
    lines = ["# tui-trainer settings: tui-trainer --config FILE.toml (the options given win)"]
    groups = (("data", DATA_FIELDS), ("network", NETWORK_FIELDS), ("training", TRAINING_FIELDS), ("run", RUN_FIELDS))
    for title, names in groups:  # as the options are grouped in --help
        lines.append(f"\n# {title}")
        for name in names:
            if name in values:
                value = values[name]
                if isinstance(value, list):  # inline, as a person writes it
                    lines.append(f"{name} = [{', '.join(str(int(v)) for v in value)}]")
                else:
                    lines.append(tomli_w.dumps({name: value}).rstrip("\n"))
    return "\n".join(lines) + "\n"


def load_toml(path: str | Path, base: RunConfig = RunConfig()) -> RunConfig:
    """``base`` with the settings of a TOML file over it."""
    return RunConfig(**merge(base.to_dict(), read_toml(path)))


def _key_lines(text: str, values: Mapping[str, Any]) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key in values:
        k = re.escape(key)
        pattern = re.compile(rf"^[ \t]*(?:(?:{k}|\"{k}\"|'{k}')[ \t]*=|\[[ \t]*{k}[ \t]*\])", re.M)
        match = pattern.search(text)
        if match:
            lines[key] = text.count("\n", 0, match.start()) + 1
    return lines

