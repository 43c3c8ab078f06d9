"""The ``tui-trainer`` command's entry point. It loads the command line's modules (NumPy and
the rest take ~0.15 s) inside a guard, so that a Ctrl+C pressed while they load ends the
command as one pressed later does, with a line and status 130, not a traceback."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130


def main() -> int:
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        print("tui-trainer: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return cli_main()
