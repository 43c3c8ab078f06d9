"""``python -m tui_trainer.ui``: the dashboard on the default run.

Imports stay inside ``main``: the training process, spawned, loads this module again.
"""

import sys


def main() -> int:
    from ..config import RunConfig
    from .app import run_dashboard

    return run_dashboard(RunConfig())


if __name__ == "__main__":
    sys.exit(main())
