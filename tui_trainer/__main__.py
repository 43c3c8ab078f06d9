"""``python -m tui_trainer``: the same as the ``tui-trainer`` command."""

import sys

from .cli import main

sys.exit(main())
