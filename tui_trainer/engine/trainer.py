"""The trainer: steps epochs, evaluates, records history, and takes live commands."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import replace
from typing import Any, Callable, Iterator, Protocol, Sequence

import numpy as np

from .history import EpochStats, Event, History
from .losses import LOSSES
from .metrics import METRICS
from .mlp import MLP
from .optimizers import OPTIMIZERS, Optimizer
from .settings import Change, Reset, Settings, apply_changes
from .threads import AUTO, blas_threads, check_threads, largest_product, threads_for

WHOLE_SHUFFLE_BYTES = 8 << 20  # above it, a training set is shuffled a batch at a time
POLL_INTERVAL = 0.002  # seconds between calls of the host's ``poll`` within an epoch
# Bump when state_dict's layout changes (1: parameters and optimizer state as flat vectors).
STATE_VERSION = 1


class Split(Protocol):
    """What the trainer needs of a data set (``tui_trainer.data.Dataset`` is one)."""

    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def n_outputs_for(data: Split) -> int:
    if data.task == "classification":
        return int(max(data.y_train.max(), data.y_test.max())) + 1
    return 1 if data.y_train.ndim == 1 else data.y_train.shape[1]


class Trainer:
    """Trains an ``MLP`` on a data split, one epoch at a time.

    Parameters
    ----------
    data : Split
        ``task`` ("classification" or "regression"), ``X_train`` of shape (n, n_features),
        ``y_train`` (int classes of shape (n,), or floats of shape (n,) or (n, k)),
        ``X_test``, ``y_test``.
    hidden : sequence of int
        Widths of the hidden layers.
    activation : str
    settings : Settings
        The live settings (loss, optimizer, learning rate, batch, dropout, ...).
    seed : int
        Seeds the weights, the shuffling and the dropout masks.
    dtype : "float64" or "float32"
    max_epochs : int or None
        After this many epochs the state is "finished" (training can still go on).
    threads : "auto" or int
        BLAS threads for the matrix products (a plain attribute, read at every epoch):
        "auto" keeps small products on one thread (a second gains little on them, and costs
        a lot when the machine is busy) and leaves large ones to the BLAS library's own
        choice (see ``engine.threads``).

    Commands (``Change``, ``Reset``) given to ``send`` are applied between steps. A host
    running the trainer elsewhere can set ``poll``: a callable the trainer calls about
    every 2 ms within an epoch, that ``send``s whatever has arrived.
    """

    def __init__(self, data: Split, *, hidden: Sequence[int] = (32, 32), activation: str = "tanh",
                 settings: Settings = Settings(), seed: int = 0, dtype: str = "float64",
                 max_epochs: int | None = None, threads: int | str = AUTO):
        self.task = data.task
        if self.task not in METRICS:
            raise ValueError(f"unknown task {self.task!r}; choose classification or regression")
        LOSSES[settings.loss].check_task(self.task)
        self.dtype = np.dtype(dtype)
        self.X_train = np.ascontiguousarray(data.X_train, dtype=self.dtype)
        self.X_test = np.ascontiguousarray(data.X_test, dtype=self.dtype)
        ydtype = np.int64 if self.task == "classification" else self.dtype
        self.y_train = np.ascontiguousarray(data.y_train, dtype=ydtype)
        self.y_test = np.ascontiguousarray(data.y_test, dtype=ydtype)
        self.n_train = len(self.X_train)
        if self.n_train < 1 or len(self.X_test) < 1:
            raise ValueError("the training and test parts each need at least one example")
        self.hidden = tuple(int(h) for h in hidden)
        self.activation = activation
        self.sizes = [self.X_train.shape[1], *self.hidden, n_outputs_for(data)]
        self.settings = settings
        self.seed = int(seed)
        self.max_epochs = max_epochs
        self.threads = check_threads(threads)
        self.metric_name, self._metric = METRICS[self.task]
        self.inbox: deque[Change | Reset] = deque()
        self._deferred: list[Reset] = []
        self.poll: Callable[[], None] | None = None
        self._build()

    # -- set-up -------------------------------------------------------------------------
    def _build(self) -> None:
        model_seq, shuffle_seq = np.random.SeedSequence(self.seed).spawn(2)
        self.model = MLP(self.sizes, self.activation, self.settings.dropout, model_seq, self.dtype)
        self.shuffle_rng = np.random.default_rng(shuffle_seq)
        self.loss = LOSSES[self.settings.loss]
        self.optimizer = self._make_optimizer(self.settings)
        self.history = History()
        self.epoch = 0
        self.steps = 0
        self.diverged_at: int | None = None
        self._pending_events: list[Event] = []
        self._order = np.empty(self.n_train, dtype=np.intp)
        # A small training set is shuffled as a whole once an epoch (one call); a large one a
        # batch at a time, into a buffer the batch's forward pass then finds in cache, and
        # without a second copy of the set in memory (60,000 x 784 float64 is 376 MB).
        if self.X_train.nbytes <= WHOLE_SHUFFLE_BYTES:
            self._Xs, self._ys = np.empty_like(self.X_train), np.empty_like(self.y_train)
        else:
            self._Xs = self._ys = None
        self._Xb = self._yb = None

    def _make_optimizer(self, s: Settings) -> Optimizer:
        cls = OPTIMIZERS[s.optimizer]
        kwargs: dict[str, Any] = {"lr": s.learning_rate}
        if s.weight_decay is not None:
            kwargs["weight_decay"] = s.weight_decay
        if "momentum" in cls.hyper_names and s.optimizer == "momentum":
            kwargs.update(momentum=s.momentum, nesterov=s.nesterov)
        if "betas" in cls.hyper_names:
            kwargs["betas"] = s.betas
        return cls(self.model.params, **kwargs)

    @property
    def state(self) -> str:
        if self.diverged_at is not None:
            return "diverged"
        if self.max_epochs is not None and self.epoch >= self.max_epochs:
            return "finished"
        return "training" if self.epoch else "ready"

    # -- commands -------------------------------------------------------------------------
    def send(self, command: Change | Reset) -> None:
        """Queue a command: a ``Change`` applies before the next step, a ``Reset`` at the end
        of the epoch under way. A change that cannot apply raises ValueError here and is not
        queued."""
        if isinstance(command, Change):
            self.check(command)
        self.inbox.append(command)

    def check(self, change: Change) -> Settings:
        """The settings ``change`` would give; ValueError (one line) if it cannot apply."""
        return apply_changes(self.settings, change.changes, self.task)

    def apply_queued(self) -> None:
        """Apply the queued commands now, in the order they were sent (between two epochs;
        e.g. before a host resets the network, so that a change sent before the reset is
        part of the settings the new network starts with)."""
        self._apply_pending(poll=False)

    def _apply_pending(self, mid_epoch: bool = False, poll: bool = True) -> None:
        if poll and self.poll is not None:
            self.poll()
        while self.inbox:
            command = self.inbox.popleft()
            if mid_epoch and isinstance(command, Reset):
                self._deferred.append(command)  # a reset replaces the model: not mid-epoch
                continue
            try:
                self.apply(command)
            except ValueError as err:  # made invalid by a change queued before it
                self._pending_events.append(
                    Event(self.epoch, f"refused: {err}", command.sent_at, time.monotonic()))

    def apply(self, command: Change | Reset) -> None:
        """Apply a command now. A bad change raises ValueError and changes nothing."""
        if isinstance(command, Reset):
            if command.seed is not None:
                self.seed = int(command.seed)
            self._build()
            self._pending_events.append(Event(0, f"reset, seed {self.seed}", command.sent_at, time.monotonic()))
            return
        old = self.settings
        new = self.check(command)
        self.settings = new
        self.model.dropout = new.dropout
        self.loss = LOSSES[new.loss]
        if new.optimizer != old.optimizer:
            self.optimizer = self._make_optimizer(new)  # same weights, fresh state
        else:
            opt = self.optimizer
            opt.lr = new.learning_rate
            opt.weight_decay = (type(opt).default_weight_decay if new.weight_decay is None
                                else new.weight_decay)
            if new.optimizer == "momentum":
                opt.momentum, opt.nesterov = new.momentum, new.nesterov
            if hasattr(opt, "betas"):
                opt.betas = new.betas
        changed = [k for k in command.changes if getattr(old, k) != getattr(new, k)]
        if changed:
            text = ", ".join(f"{k} {_fmt(getattr(old, k))} -> {_fmt(getattr(new, k))}" for k in changed)
            self._pending_events.append(Event(self.epoch, text, command.sent_at, time.monotonic()))

    # -- training -------------------------------------------------------------------------
    def run_epoch(self) -> EpochStats:
        """One pass over the training set (reshuffled), then an evaluation with dropout off.

        If a cost or a parameter becomes non-finite, the weights and optimizer state from
        the start of the epoch are restored, the state becomes "diverged" (training can go
        on, e.g. after lowering the learning rate) and the record is not added to history.
        """
        self.inbox.extendleft(reversed(self._deferred))
        self._deferred.clear()
        self._apply_pending()
        snapshot = self._snapshot()
        started = time.perf_counter()
        n = self.n_train
        self._order[:] = self.shuffle_rng.permutation(n)
        if self._Xs is not None:
            # mode="clip": with the default "raise", take buffers its whole output; the
            # indices are a permutation, always in range
            np.take(self.X_train, self._order, axis=0, out=self._Xs, mode="clip")
            np.take(self.y_train, self._order, axis=0, out=self._ys, mode="clip")
        poll_at = time.perf_counter() + POLL_INTERVAL if self.poll is not None else None
        # a soaring cost overflows on its way to NaN: that is the divergence reported below as
        # a state, not something to warn about at every step
        batch = self.settings.batch_size_for(n)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
                blas_threads(threads_for(self.threads, largest_product(self.sizes, batch))):
            self._train_steps(poll_at)
        seconds = time.perf_counter() - started
        self.epoch += 1
        train_cost, test_cost, train_metric, test_metric = self.evaluate()
        events, self._pending_events = tuple(self._pending_events), []
        finite = np.isfinite(train_cost) and np.isfinite(test_cost) and all(
            np.isfinite(p).all() for p in self.model.params)
        if not finite:
            self._restore(snapshot)
            self.diverged_at = self.epoch
            self.epoch -= 1
            return EpochStats(self.diverged_at, self.steps, train_cost, test_cost, train_metric,
                              test_metric, self.metric_name, seconds, self.settings, "diverged", events)
        self.diverged_at = None
        stats = EpochStats(self.epoch, self.steps, train_cost, test_cost, train_metric, test_metric,
                           self.metric_name, seconds, self.settings, "training", events)
        self.history.append(stats)
        if self.state == "finished":
            stats = replace(stats, state="finished")
        return stats

    def _train_steps(self, poll_at: float | None) -> None:
        """One pass over the shuffled training set, a batch a step; commands between steps."""
        model, n, pos = self.model, self.n_train, 0
        while pos < n:
            size = self.settings.batch_size_for(n)
            if self._Xs is not None:
                Xb, yb = self._Xs[pos:pos + size], self._ys[pos:pos + size]
            else:
                Xb, yb = self._gather(self._order[pos:pos + size])
            out = model.forward(Xb, train=True)
            self.optimizer.step(model.backward(self.loss.grad(out, yb)))
            self.steps += 1
            pos += size
            if self.inbox:
                self._apply_pending(mid_epoch=True)
            elif poll_at is not None and time.perf_counter() >= poll_at:
                self._apply_pending(mid_epoch=True)
                poll_at = time.perf_counter() + POLL_INTERVAL

    def _gather(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The examples at ``index``, copied into the batch buffers (grown as needed)."""
        k = len(index)
        if self._Xb is None or len(self._Xb) < k:
            self._Xb = np.empty((k, *self.X_train.shape[1:]), self.X_train.dtype)
            self._yb = np.empty((k, *self.y_train.shape[1:]), self.y_train.dtype)
        Xb = np.take(self.X_train, index, axis=0, out=self._Xb[:k], mode="clip")
        yb = np.take(self.y_train, index, axis=0, out=self._yb[:k], mode="clip")
        return Xb, yb

    def epochs(self, n: int | None = None) -> Iterator[EpochStats]:
        """Yield the record of each epoch: ``n`` of them, or until ``max_epochs``, or forever.
        Stops after a diverged epoch."""
        count = 0
        while (n is None or count < n) and (n is not None or self.state != "finished"):
            stats = self.run_epoch()
            count += 1
            yield stats
            if stats.state == "diverged":
                return

    def evaluate(self) -> tuple[float, float, float, float]:
        """Train cost, test cost, train metric, test metric, with dropout off."""
        rows = max(len(self.X_train), len(self.X_test))
        with np.errstate(all="ignore"), blas_threads(threads_for(self.threads, largest_product(self.sizes, rows))):
            results = []
            for X, y in ((self.X_train, self.y_train), (self.X_test, self.y_test)):
                out = self.model.forward(X, train=False)
                results.append((self.loss.cost(out, y), self._metric(out, y)))
        (train_cost, train_metric), (test_cost, test_metric) = results
        return train_cost, test_cost, train_metric, test_metric

    def per_example_loss(self, part: str = "train") -> np.ndarray:
        """The loss of each example of the train or test part, dropout off, shape (n,)."""
        X, y = (self.X_train, self.y_train) if part == "train" else (self.X_test, self.y_test)
        return self.loss.per_example(self.model.forward(X, train=False), y)

    def gradient_check(self, n_examples: int = 16, eps: float = 1e-5, with_dropout: bool = True) -> float:
        """Largest relative error between backprop's gradients and central differences,
        on the current model and the first ``n_examples`` training examples (dropout masks,
        if any, held fixed)."""
        from .gradcheck import gradient_check

        X, y = self.X_train[:n_examples], self.y_train[:n_examples]
        return gradient_check(self.model, self.loss, X, y, eps=eps, with_dropout=with_dropout)

    # -- snapshots --------------------------------------------------------------------------
    def _snapshot(self) -> tuple[list[np.ndarray], dict[str, np.ndarray], int]:
        opt_state = {k: v.copy() for k, v in self.optimizer.state_arrays().items()}
        return self.model.flat_params.copy(), opt_state, self.steps

    def _restore(self, snapshot) -> None:
        params, opt_state, steps = snapshot
        self.model.flat_params[...] = params
        self.optimizer.load_state_arrays(opt_state)
        self.steps = steps

    def state_dict(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Everything needed to resume bit for bit: (arrays, JSON-able metadata)."""
        arrays: dict[str, np.ndarray] = {}
        for i, p in enumerate(self.model.params):
            arrays[f"param.{i}"] = p.copy()
        for k, v in self.optimizer.state_arrays().items():
            arrays[f"optimizer.{k}"] = np.asarray(v).copy()
        for k, v in self.history.as_arrays().items():
            arrays[f"history.{k}"] = v
        meta = {
            "state_version": STATE_VERSION,
            "epoch": self.epoch,
            "steps": self.steps,
            "seed": self.seed,
            "settings": _settings_to_json(self.settings),
            "rng": {
                "shuffle": self.shuffle_rng.bit_generator.state,
                "init": self.model.init_rng.bit_generator.state,
                "dropout": self.model.dropout_rng.bit_generator.state,
            },
            "events": [[e.epoch, e.text] for e in self.history.events],
        }
        return arrays, meta

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        """Restore a ``state_dict`` taken from a trainer built with the same data and network."""
        version = meta.get("state_version", 0)
        if version != STATE_VERSION:
            raise ValueError(f"this state was saved by engine state version {version}; "
                             f"this version reads version {STATE_VERSION} only")
        self.settings = Settings(**{**meta["settings"], "betas": tuple(meta["settings"]["betas"])})
        self.model.dropout = self.settings.dropout
        self.loss = LOSSES[self.settings.loss]
        for i, p in enumerate(self.model.params):
            q = arrays[f"param.{i}"]
            if q.shape != p.shape:
                raise ValueError(f"parameter {i} has shape {q.shape}, the network expects {p.shape}")
            p[...] = q
        self.optimizer = self._make_optimizer(self.settings)
        prefix = "optimizer."
        self.optimizer.load_state_arrays({k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)})
        self.history = History.from_arrays(
            {k[len("history."):]: v for k, v in arrays.items() if k.startswith("history.")},
            [Event(int(e), str(t)) for e, t in meta["events"]])
        self.epoch, self.steps, self.seed = int(meta["epoch"]), int(meta["steps"]), int(meta["seed"])
        self.shuffle_rng.bit_generator.state = meta["rng"]["shuffle"]
        self.model.init_rng.bit_generator.state = meta["rng"]["init"]
        self.model.dropout_rng.bit_generator.state = meta["rng"]["dropout"]
        self.diverged_at = None


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _settings_to_json(s: Settings) -> dict[str, Any]:
    from dataclasses import asdict

    d = asdict(s)
    d["betas"] = list(s.betas)
    return d
