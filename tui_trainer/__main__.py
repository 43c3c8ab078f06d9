"""``python -m tui_trainer``: the same as the ``tui-trainer`` command."""

import sys

from .entry import main

if __name__ == "__main__":  # not when a spawned training process imports this module again
    sys.exit(main())
