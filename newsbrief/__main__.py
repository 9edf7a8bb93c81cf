"""``python -m newsbrief ...``: the same as the ``newsbrief`` command."""

import sys

from newsbrief.cli import main

sys.exit(main())
