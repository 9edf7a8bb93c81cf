"""``newsbrief``: one click group of the library's commands and the harness's.

    summarize, digest, models, prompts [new]    (summarize.cli, the library)
    eval run|rescore|compare|report|list|bless|check|injection, gold draft|check
                                                (evals.cli, the harness)

Composed here, at the top of the import graph, so that the library (``summarize``) never
imports the harness (``evals``) and the harness never reaches up into a command line.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from evals.cli import register as register_eval
from summarize import cli as library_cli


def build_cli() -> click.Group:
    """The whole ``newsbrief`` group (for shell completion and documentation tools)."""
    return library_cli.build_cli([register_eval])


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``newsbrief`` with ``argv`` (default: the process arguments); return the exit code."""
    return library_cli.main(argv, extensions=[register_eval])
