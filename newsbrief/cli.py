"""``newsbrief``: ``summarize``, ``models``, ``prompts`` and ``eval ...`` in one command.

Composed here, at the top of the import graph, so that the library (``summarize``) never
imports the harness (``evals``) and the harness never reaches up into a command line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from evals.cli import register as register_eval
from summarize import cli as library_cli


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``newsbrief`` with ``argv`` (default: the process arguments); return the exit code."""
    return library_cli.main(argv, extensions=[register_eval])


if __name__ == "__main__":
    sys.exit(main())
