"""The options of ``tui-trainer``: the parser (each help gives the default and the range), and
the typing of the values given into RunConfig fields.

Values arrive as text and are typed here, not by argparse, so every bad value gets the same
kind of one-line message: ``--lr 0 is out of range; it must be in [1e-06, 10]``.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

from .config import RunConfig
from .ui.protocol import DEFAULT_PACE  # no textual: the protocol is the training side's too
from .configcheck import MAX_LAYERS, MAX_WIDTH, ConfigError
from .data import DATASETS, DEFAULT_DATASET, NOISE_RANGE, PRESETS, SAMPLES_RANGE, TASKS, TRAIN_FRACTION_RANGE
from .engine import (ACTIVATIONS, BATCH_MODES, DTYPES, LOSSES, MAX_DROPOUT, MAX_LEARNING_RATE, MIN_LEARNING_RATE,
                     OPTIMIZERS)
from .engine.threads import AUTO

D = RunConfig()  # the defaults, for the help

# RunConfig field -> its option (the rest are "--" + the field with dashes)
FIELD_OPTIONS = {name: "--" + name.replace("_", "-") for name in RunConfig.__dataclass_fields__}
FIELD_OPTIONS["learning_rate"] = "--lr"

EPILOG = """\
data sets (--dataset):
{datasets}

presets (--preset): {presets}

settings are taken, later winning, from: the defaults, --preset, --config FILE.toml (keys are the
option names with underscores, --lr as learning_rate: e.g. hidden = [32, 32]), then the options
given. tui-trainer --write-config FILE.toml writes them.

exit status: 0 done; 1 the training diverged (try a lower --lr); 2 a bad option, setting, data
or file (one line on stderr); 130 a --headless run stopped by Ctrl+C (after the epoch under way;
--history and --save are still written). In the dashboard q and Ctrl+C both quit, with 0.

examples:
  tui-trainer                                     the dashboard, on the spiral
  tui-trainer --dataset moons --hidden 16,16 --lr 0.03
  tui-trainer --preset overfit --headless --history overfit.csv
  tui-trainer --headless --epochs 200 --save run.npz
  tui-trainer --headless --load run.npz --epochs 400 --lr 0.001
"""


def _names(table) -> str:
    return ", ".join(table)


def build_parser(prog: str, version: str,
                 error: Callable[[str, argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """The parser; ``error(message, parser)`` replaces argparse's print-usage-and-exit."""
    parser = _Parser(
        prog=prog, allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Watch, and steer, a small neural network learning in your terminal.\n"
                    "Opens the dashboard; with --headless, trains without it.",
        epilog=EPILOG.format(
            datasets="\n".join(f"  {name:<14}{info.task:<15}{info.summary}" for name, info in DATASETS.items()),
            presets=", ".join(f"{name} ({_preset_text(values)})" for name, values in PRESETS.items())))
    parser.on_error = error
    first = next(iter(DATASETS.values()))

    data = parser.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", metavar="NAME",
                        help=f"a built-in data set: {_names(DATASETS)} (default: {DEFAULT_DATASET}; listed below)")
    source.add_argument("--data", metavar="FILE.csv",
                        help="train on a CSV file instead: a header row of column names, then rows of numbers")
    data.add_argument("--target", metavar="COLUMN",
                      help="the CSV column to predict (default: the last column)")
    data.add_argument("--task", metavar="TASK",
                      help=f"for a CSV file: {' or '.join(TASKS)} (default: guessed from the target: "
                           "text or a few whole numbers are classes)")
    data.add_argument("--drop-missing", action=argparse.BooleanOptionalAction, default=None,
                      help="drop CSV rows with missing values (default: refuse the file and name the rows)")
    data.add_argument("--samples", metavar="N",
                      help=f"points to generate, generated sets only, a whole number in "
                           f"[{SAMPLES_RANGE[0]}, {SAMPLES_RANGE[1]}] (default: the set's, e.g. "
                           f"{first.samples} for {first.name})")
    data.add_argument("--noise", metavar="X",
                      help=f"noise of a generated set, in [{NOISE_RANGE[0]:g}, {NOISE_RANGE[1]:g}] "
                           f"(default: the set's, e.g. {first.noise:g} for {first.name})")
    data.add_argument("--train-fraction", metavar="F",
                      help=f"share of the examples to train on, the rest to test on, in "
                           f"[{TRAIN_FRACTION_RANGE[0]:g}, {TRAIN_FRACTION_RANGE[1]:g}] (default: the set's, "
                           f"e.g. {first.train_fraction:g} for {first.name}; 0.8 for a CSV file)")

    network = parser.add_argument_group("network")
    network.add_argument("--hidden", metavar="W,W",
                         help=f"widths of the hidden layers, comma-separated: up to {MAX_LAYERS} layers, each "
                              f"in [1, {MAX_WIDTH}] (default: the set's suggestion, e.g. "
                              f"{','.join(map(str, first.hidden))} for {first.name}); none: no hidden layer, "
                              f"a linear model")
    network.add_argument("--activation", metavar="NAME",
                         help=f"the hidden layers' activation: {_names(ACTIVATIONS)} (default: {D.activation})")
    network.add_argument("--dtype", metavar="TYPE",
                         help=f"the floating-point type: {_names(DTYPES)} (default: {D.dtype})")

    training = parser.add_argument_group("training (also changed live in the dashboard)")
    training.add_argument("--loss", metavar="NAME",
                          help=f"{_names(LOSSES)} (default: cross_entropy for classification, mse for regression)")
    training.add_argument("--optimizer", metavar="NAME", help=f"{_names(OPTIMIZERS)} (default: {D.optimizer})")
    training.add_argument("--lr", metavar="X", dest="learning_rate",
                          help=f"the learning rate, in [{MIN_LEARNING_RATE:g}, {MAX_LEARNING_RATE:g}] "
                               f"(default: {D.learning_rate:g})")
    training.add_argument("--batch-size", metavar="N|full",
                          help=f"examples per step, a whole number >= 1, which sets --batch-mode mini-batch "
                               f"(--batch-mode batch or sgd takes no size); 'full' is the whole training set, "
                               f"--batch-mode batch (default: {D.batch_size})")
    training.add_argument("--batch-mode", metavar="MODE",
                          help=f"{_names(BATCH_MODES)}: batch gradient descent, one example per step, or "
                               f"--batch-size examples per step (default: {D.batch_mode})")
    training.add_argument("--dropout", metavar="P",
                          help=f"the share of hidden units dropped while training, in [0, {MAX_DROPOUT:g}] "
                               f"(default: {D.dropout:g})")
    training.add_argument("--weight-decay", metavar="X",
                          help="weight decay, >= 0: L2 in the gradient, or decoupled for adamw "
                               "(default: the optimizer's own, torch's: 0.01 for adamw, 0 for the others)")
    training.add_argument("--momentum", metavar="X",
                          help=f"for the momentum optimizer, in [0, 1) (default: {D.momentum:g})")
    training.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=None,
                          help="Nesterov momentum, for the momentum optimizer (default: off)")

    run = parser.add_argument_group("run")
    run.add_argument("--epochs", metavar="N", help=f"epochs to train in all, a whole number >= 1 (default: {D.epochs})")
    run.add_argument("--seed", metavar="N",
                     help=f"seeds the data, the split, the weights, the shuffling and dropout; a whole number "
                          f">= 0 (default: {D.seed})")
    run.add_argument("--weight-seed", metavar="N",
                     help="seeds the weights, the shuffling and dropout only, keeping the data of --seed; "
                          "a whole number >= 0 (default: --seed; the dashboard's R key picks a new one)")
    run.add_argument("--preset", metavar="NAME", help=f"start from a preset: {_names(PRESETS)} (listed below)")
    run.add_argument("--config", metavar="FILE.toml", help="read settings from a TOML file (options given win)")
    run.add_argument("--load", metavar="FILE.npz",
                     help="resume a run saved with --save (or the dashboard), to --epochs in all; only --epochs "
                          "and the training options may be given with it")
    run.add_argument("--speed", metavar="N|max",
                     help=f"the dashboard's pace: at most N epochs a second, so the curves can be watched "
                          f"forming (keys f and F change it live), or max for no limit; a number > 0 "
                          f"(default: {DEFAULT_PACE:g}; headless runs never wait)")
    run.add_argument("--threads", metavar="N|auto",
                     help="BLAS threads of a --headless run's matrix products: auto keeps small ones on one "
                          "thread (a second gains little there, and costs a lot on a busy machine) and leaves "
                          "large ones to the BLAS library; "
                          "or a whole number >= 1 (default: auto; the dashboard trains on one thread, leaving "
                          "a core to the screen; the count can change a large network's last bits, so "
                          "--threads 1 reproduces a dashboard run exactly)")
    run.add_argument("--headless", action="store_true",
                     help="train without the dashboard: a progress line in a terminal, one line per epoch "
                          "when piped, then a summary")

    output = parser.add_argument_group("output")
    output.add_argument("--save", metavar="FILE.npz",
                        help="save the run at the end (and on Ctrl+C): weights, optimizer state, settings, "
                             "history, random state")
    output.add_argument("--history", metavar="FILE",
                        help="write the per-epoch history; FILE.csv or FILE.json (with the changes made)")
    output.add_argument("--write-config", metavar="FILE.toml",
                        help="write the settings as TOML (for --config) and exit without training")
    output.add_argument("--every", metavar="K",
                        help="when piped, print every K-th epoch, a whole number >= 1 (default: 1)")
    output.add_argument("--quiet", action="store_true",
                        help="print no progress and no summary (errors still go to stderr)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
    return parser


class _Parser(argparse.ArgumentParser):
    on_error: Callable[[str, argparse.ArgumentParser], None]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.on_error(message, self)
        super().error(message)  # not reached: on_error raises


def _preset_text(values: dict[str, Any]) -> str:
    return " ".join(f"{FIELD_OPTIONS[k]} {_show(v)}" for k, v in values.items())


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- typing the values -------------------------------------------------------------------------
def _whole(text: str) -> int:
    return int(text.replace("_", ""))


def _widths(text: str) -> tuple[int, ...]:
    if text.strip().lower() == "none":
        return ()  # no hidden layer: a linear model
    parts = [p.strip() for p in text.split(",")]
    if parts == [""]:
        raise ValueError("is empty; give the widths of the hidden layers, e.g. 32,32, or none")
    if "" in parts:
        raise ValueError("has an empty width; give whole numbers separated by commas, e.g. 32,32")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError("is not a list of whole numbers, e.g. 32,32") from None


def _threads(text: str) -> int | str:
    """--threads: auto, or a whole number >= 1."""
    if text.strip().lower() == AUTO:
        return AUTO
    try:
        count = _whole(text)
    except ValueError:
        raise ConfigError(None, text, "is not a whole number, nor 'auto'", label="--threads") from None
    if count < 1:
        raise ConfigError(None, count, "is out of range; it must be a whole number >= 1, or auto",
                          label="--threads")
    return count


def _speed(text: str) -> float | None:
    """--speed: epochs a second at most, or None for "max"."""
    if text.strip().lower() == "max":
        return None
    try:
        speed = float(text)
    except ValueError:
        raise ConfigError(None, text, "is not a number, nor 'max'", label="--speed") from None
    if not speed > 0 or speed == float("inf"):
        raise ConfigError(None, text, "is out of range; it must be a number > 0, or max", label="--speed")
    return speed


PARSERS: dict[str, tuple[Callable[[str], Any], str]] = {
    # field: (parse, the reason when it fails)
    "samples": (_whole, "is not a whole number"),
    "seed": (_whole, "is not a whole number"),
    "weight_seed": (_whole, "is not a whole number"),
    "epochs": (_whole, "is not a whole number"),
    "batch_size": (_whole, "is not a whole number, nor 'full'"),
    "noise": (float, "is not a number"),
    "train_fraction": (float, "is not a number"),
    "learning_rate": (float, "is not a number"),
    "dropout": (float, "is not a number"),
    "weight_decay": (float, "is not a number"),
    "momentum": (float, "is not a number"),
    "hidden": (_widths, ""),
}


# the batch modes that take no batch size: a --batch-size given with one is refused, not ignored
IGNORES_BATCH_SIZE = {"batch": "the whole train part", "sgd": "one example"}


def parse_values(args: argparse.Namespace) -> dict[str, Any]:
    """The RunConfig fields given on the command line, typed (ConfigError if a value is not
    of its type); ``--batch-size`` also sets the batch mode unless ``--batch-mode`` is given,
    and is refused with a ``--batch-mode`` that ignores it. Checks ``--every`` too."""
    given: dict[str, Any] = {}
    for name in RunConfig.__dataclass_fields__:
        text = getattr(args, name, None)
        if text is None:
            continue
        if name == "batch_size" and text.strip().lower() == "full":
            if args.batch_mode not in (None, "batch"):
                raise ConfigError("batch_size", "full", f"contradicts --batch-mode {args.batch_mode}; give one of them",
                                  label="--batch-size")
            given["batch_mode"] = "batch"
            continue
        parse, reason = PARSERS.get(name, (None, ""))
        if parse is not None:
            try:
                text = parse(text)
            except ValueError as err:
                raise ConfigError(name, text, reason or str(err), label=FIELD_OPTIONS[name]) from None
        given[name] = text
    if "batch_size" in given:
        if args.batch_mode is None:
            given["batch_mode"] = "mini-batch"
        elif args.batch_mode in IGNORES_BATCH_SIZE:  # as --batch-size full with --batch-mode sgd: refused
            raise ConfigError("batch_size", given["batch_size"],
                              f"contradicts --batch-mode {args.batch_mode} (every step takes "
                              f"{IGNORES_BATCH_SIZE[args.batch_mode]}); give one of them",
                              label="--batch-size")
    args.pace = DEFAULT_PACE if args.speed is None else _speed(args.speed)
    args.threads = AUTO if args.threads is None else _threads(args.threads)
    if args.every is not None:
        try:
            every = _whole(args.every)
        except ValueError:
            raise ConfigError(None, args.every, "is not a whole number", label="--every") from None
        if every < 1:
            raise ConfigError(None, every, "is out of range; it must be a whole number >= 1", label="--every")
        args.every = every
    return given
