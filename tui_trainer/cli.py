"""The command line: parse the options, build a RunConfig, then start the dashboard or a
headless run.

Settings are layered, later wins: the defaults < ``--preset`` < ``--config FILE.toml`` < the
options given on the command line. Every option defaults to None, so the layer of the command
line holds exactly the options the user typed.

Exit status: 0 done, 1 the training diverged, 2 a usage, settings, data or file error (one
line on stderr, never a traceback), 130 a headless run stopped by Ctrl+C. The dashboard's
Ctrl+C is a key like q: it quits, with 0 (SIGTERM and SIGHUP: 128 + the signal's number).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence, TextIO

from . import __version__
from .clioptions import FIELD_OPTIONS, build_parser, parse_values
from .config import TRAINING_FIELDS, RunConfig, merge, preset, read_toml, write_toml
from .configcheck import ConfigError, closest
from .data import DataError
from .engine.threads import AUTO
from .entry import EXIT_INTERRUPTED
from .export import ExportError, check_history_path, write_history
from .filemessages import no_such_directory
from .runfile import RunFileError, load_run, read_config, save_run

PROG = "tui-trainer"
EXIT_OK, EXIT_DIVERGED, EXIT_USAGE, EXIT_BROKEN_PIPE = 0, 1, 2, 141
OPTION_NAMES = FIELD_OPTIONS  # how an error names a field: as its option
RESUMABLE_OPTIONS = ("epochs", *TRAINING_FIELDS)


class UsageError(Exception):
    """A one-line error for the user; ``main`` prints it and exits 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    for name in ("stdout", "stderr"):  # closed by the caller (`>&-`): Python made it None
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except UsageError as err:
        return _fail(str(err))
    except ConfigError as err:
        return _fail(err.message(OPTION_NAMES))
    except (DataError, RunFileError, ExportError) as err:
        return _fail(str(err))
    except KeyboardInterrupt:  # a second Ctrl+C (mid-epoch: the run is not saved), or one before training
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `| head`) before training: stop quietly, as other tools do
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _main(argv: list[str]) -> int:
    parser = build_parser(PROG, __version__, error=_usage_error)
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version
        return int(done.code or 0)
    given = parse_values(args)
    if args.threads != AUTO and not (args.headless or args.write_config):
        raise UsageError("--threads applies to --headless runs: the dashboard trains on one thread, "
                         "leaving a core to the screen; add --headless or drop --threads")
    _check_file_names(args)
    config = resolve(args, given)
    _check_no_input_overwritten(args, config.data)
    if args.write_config:
        _check_writable(args.write_config)
        ok = _write(lambda: write_toml(args.write_config, config), args.write_config, args,
                    f"wrote {args.write_config}")
        return EXIT_OK if ok else EXIT_USAGE
    if args.history:
        check_history_path(args.history)
    for path in (args.history, args.save):
        if path:
            _check_writable(path)
    # made here for the dashboard too: a bad setting or file is one line, before any interface starts
    if args.load:
        config, trainer = _loaded(args.load, config)
    else:
        trainer = _trainer(config)
    if not args.headless:
        return _dashboard(config, args)
    trainer.threads = args.threads
    return _headless(config, trainer, args)


def resolve(args: argparse.Namespace, given: dict[str, Any]) -> RunConfig:
    """The run's config: defaults < preset < config file < the options given; with --load, the
    saved run's config with the options given (only --epochs and the training settings)."""
    if args.load:
        if args.preset or args.config:
            raise UsageError("--load resumes a saved run with its own settings; "
                             "it cannot be combined with --preset or --config")
        fixed = [OPTION_NAMES[name] for name in given if name not in RESUMABLE_OPTIONS]
        if fixed:
            allowed = ", ".join(OPTION_NAMES[name] for name in RESUMABLE_OPTIONS)
            raise UsageError(f"{fixed[0]} cannot be used with --load: a saved run keeps its data and "
                             f"network (options that apply: {allowed})")
        return RunConfig(**merge(read_config(args.load).to_dict(), given))
    layers = []
    if args.preset:
        try:
            layers.append(preset(args.preset))
        except ConfigError as err:
            raise err.at(None, "--preset") from None
    if args.config:
        layers.append(read_toml(args.config))
    return RunConfig(**merge(*layers, given))


# -- the two ways to run ---------------------------------------------------------------------
def _dashboard(config: RunConfig, args: argparse.Namespace) -> int:
    if not _has_terminal():
        raise UsageError("the dashboard needs a terminal; add --headless to train without it")
    try:
        from .ui.app import run_dashboard  # imported here: --help and headless runs never load textual
    except ImportError as err:
        raise UsageError(f"the dashboard cannot start ({err}); add --headless to train without it") from None
    return run_dashboard(config, resume=args.load, pace=args.pace)


def _headless(config: RunConfig, trainer, args: argparse.Namespace) -> int:
    from .headless import (EpochLines, GuardedOutput, Progress, ProgressBar, divergence_message, stop_on_sigint,
                           summary, train)

    if trainer.epoch >= config.epochs:
        _note(args, f"the run is at epoch {trainer.epoch} already, of {config.epochs}: nothing to train "
                    "(raise --epochs to go on)")
    with stop_on_sigint() as stop:
        out = GuardedOutput(sys.stdout, stop)
        if args.quiet:
            progress = Progress()
        elif out.isatty():
            progress = ProgressBar(out)
        else:
            progress = EpochLines(out, args.every or 1)
        outcome = train(trainer, config.epochs, progress, stop)
    if not args.quiet:
        out.write("\n".join(summary(trainer, outcome)) + "\n")
        out.flush()
    written, ok = [], True
    if args.history:
        if _write_or_keep(lambda path: write_history(path, trainer), args.history, args, "wrote", out):
            written.append(f"--history {args.history}")
        else:
            ok = False
    if args.save:
        if _write_or_keep(lambda path: save_run(path, config, trainer), args.save, args, "saved", out,
                          lambda path: f" (epoch {trainer.epoch}; resume with --load {path})"):
            written.append(f"--save {args.save}")
        else:
            ok = False
    if stop.output_error is not None:
        return _output_failed(stop.output_error, trainer.epoch, written)
    if not ok:
        return EXIT_USAGE
    if outcome.status == "diverged":
        print(f"{PROG}: {divergence_message(trainer, outcome.diverged)}", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_INTERRUPTED if outcome.status == "stopped" else EXIT_OK


def _output_failed(err: OSError, epoch: int, written: list[str]) -> int:
    """The output could not be written: training stopped after that epoch; ``written``: the
    files that were."""
    if isinstance(err, BrokenPipeError):  # the reader went away (`| head`): quietly, as other tools do
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return _fail(f"cannot write the output: {err.strerror or err}; training stopped at epoch {epoch}"
                 + (f" ({' and '.join(written)} written)" if written else "")
                 + "; send the output elsewhere, or add --quiet")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's last flush at exit has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _trainer(config: RunConfig):
    try:
        return config.make_trainer()
    except (ConfigError, DataError):
        raise
    except ValueError as err:  # the engine's own checks (e.g. a loss that does not fit the task)
        raise UsageError(str(err)) from None


def _loaded(path: str, config: RunConfig):
    try:
        return load_run(path, config)
    except (ConfigError, DataError, RunFileError):
        raise
    except ValueError as err:
        raise UsageError(f"{path}: {err}") from None


# -- small helpers -----------------------------------------------------------------------------
def _usage_error(message: str, parser: argparse.ArgumentParser) -> None:
    if message.startswith("unrecognized arguments:"):
        unknown = message.split(":", 1)[1].split()
        option = next((u.split("=")[0] for u in unknown if u.startswith("--")), None)
        if option:
            # compared without the dashes, which every option shares: with them, --bogus was
            # "close" to --loss (difflib's ratio 0.77), without them it is not (0.44 < 0.6)
            names = {name[2:]: name for name in parser._option_string_actions if name.startswith("--")}
            # a cut-short name first (--ep: --epochs, which difflib ranked below --help)
            starting = sorted(name for name in names if option[2:] and name.startswith(option[2:]))
            hint = starting[0] if len(starting) == 1 else None if starting else closest(option[2:], names)
            if hint:
                message += f"; did you mean {names[hint]}?"
            elif starting:
                message += f"; did you mean {' or '.join(names[name] for name in starting)}?"
    raise UsageError(f"{message} (see {PROG} --help)")


def _has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _check_file_names(args: argparse.Namespace) -> None:
    """The files' endings, before any is read: each kind of file has its own."""
    if args.write_config and not args.write_config.lower().endswith(".toml"):
        raise UsageError(f"--write-config {args.write_config}: the settings are written as TOML; "
                         "name the file FILE.toml")
    if args.save and not args.save.lower().endswith(".npz"):
        raise UsageError(f"--save {args.save}: a run is saved as .npz; name the file FILE.npz")
    if args.load and not args.load.lower().endswith(".npz"):
        raise UsageError(f"--load {args.load}: a run is saved as .npz; give a FILE.npz written by --save")


def _check_no_input_overwritten(args: argparse.Namespace, data: str | None) -> None:
    """An output file may not be the data file (from --data, --config or --load): --history
    data.csv replaced the user's data."""
    if not data:
        return
    for option, path in (("--history", args.history), ("--save", args.save), ("--write-config", args.write_config)):
        if path and _same_file(path, data):
            raise UsageError(f"{option} {path} is the --data file: writing it would replace your data; "
                             f"name another file for {option}")


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one is not there (yet): compare the paths
        return Path(a).resolve() == Path(b).resolve()


def _check_writable(path: str) -> None:
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise UsageError(no_such_directory(path, parent))
    if Path(path).is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write {path}: the directory {parent} is not writable")


def _write(write, path: str, args: argparse.Namespace, done: str) -> bool:
    """Write a file (``write()``); a failure is reported."""
    try:
        write()
    except OSError as err:
        _fail(f"cannot write {path}: {err.strerror or err}")
        return False
    _note(args, done)
    return True


def _write_or_keep(write, path: str, args: argparse.Namespace, verb: str, out: TextIO,
                   more=lambda path: "") -> bool:
    """Write a file a run made (``write(path)``); if that fails (the directory went away, or
    became read-only, while training), keep the run in the temporary directory instead and say
    where: the training is not lost. False if ``path`` was not written."""
    try:
        write(path)
    except OSError as err:
        kept = _unused_name(os.path.join(tempfile.gettempdir(), os.path.basename(path)))
        try:
            if os.path.dirname(os.path.abspath(kept)) == os.path.dirname(os.path.abspath(path)):
                raise err
            write(kept)
        except OSError:
            _fail(f"cannot write {path}: {err.strerror or err}")
        else:
            _fail(f"cannot write {path}: {err.strerror or err}; {verb} to {kept} instead{more(kept)}")
        return False
    _note(args, f"{verb} {path}{more(path)}", out)
    return True


def _unused_name(path: str) -> str:
    """``path``, or ``stem-2.ext``, ``stem-3.ext``, ...: the first that is not there."""
    stem, ext = os.path.splitext(path)
    n = 1
    while os.path.exists(path):
        n += 1
        path = f"{stem}-{n}{ext}"
    return path


def _note(args: argparse.Namespace, text: str, out: TextIO | None = None) -> None:
    if not args.quiet:
        out = out or sys.stdout
        out.write(text + "\n")
        out.flush()


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
