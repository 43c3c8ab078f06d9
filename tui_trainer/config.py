"""The settings of a run, as one frozen dataclass: data, network and training."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from .engine import Settings, Trainer

if TYPE_CHECKING:
    from .data import Dataset


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. The command line, a TOML file and the dashboard all
    build one of these; ``make_trainer`` turns it into a ready ``Trainer``.

    ``None`` means "the default for the data set": its size, noise, train fraction and
    suggested hidden layers; cross-entropy for classification and MSE for regression.
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
    seed: int = 0
    epochs: int = 500
    # training: the live settings' starting values
    loss: str | None = None
    optimizer: str = "adam"
    learning_rate: float = 1e-2
    batch_mode: str = "mini-batch"
    batch_size: int = 32
    dropout: float = 0.0
    weight_decay: float = 0.0
    momentum: float = 0.9
    nesterov: bool = False

    def replace(self, **changes: Any) -> "RunConfig":
        return replace(self, **changes)

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
                       settings=self.settings(dataset.task), seed=self.seed, dtype=self.dtype,
                       max_epochs=self.epochs)


FIELD_NAMES = tuple(f.name for f in fields(RunConfig))
