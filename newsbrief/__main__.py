"""``python -m newsbrief ...``: the same as the ``newsbrief`` command (its only main)."""

import sys

from newsbrief.cli import main

sys.exit(main())
