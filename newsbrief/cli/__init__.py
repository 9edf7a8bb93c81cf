"""``newsbrief``: one click group of the library's commands and the harness's.

    summarize, digest, models, prompts [new]        (the library: summarize.py, digest.py,
                                                     models.py, prompts.py)
    eval run|rescore|compare|report|list|bless|check|injection      (the harness: eval/)
    gold draft|check                                                 (gold.py)

The command line lives here, at the top of the import graph, so that neither the library
(``summarize``) nor the harness (``evals``) imports click or one another's commands: this
package is the only one that sees both. :mod:`newsbrief.cli.kit` is what every command
shares (one-line errors, exit codes, listings that never cut a name, ``--version``); the
model and prompt checks before anything loads are the library's
(:mod:`summarize.preflight`), since the harness runs them too.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from newsbrief.cli.digest import digest_command
from newsbrief.cli.eval import eval_group
from newsbrief.cli.gold import gold_group
from newsbrief.cli.kit import CONTEXT_SETTINGS, run_cli, version
from newsbrief.cli.models import models_command
from newsbrief.cli.prompts import prompts_group
from newsbrief.cli.summarize import summarize_command


def build_cli() -> click.Group:
    """The whole ``newsbrief`` group (for shell completion and documentation tools)."""

    @click.group(name="newsbrief", context_settings=CONTEXT_SETTINGS)
    @click.version_option(
        version(), "--version", "-V", prog_name="newsbrief", message="%(prog)s %(version)s"
    )
    def cli() -> None:
        """Typed, source-grounded structured summaries of news articles, and the harness
        that scores them against gold.

        Shell completion (bash): eval "$(_NEWSBRIEF_COMPLETE=bash_source newsbrief)"
        """

    for command in (
        summarize_command,
        digest_command,
        models_command,
        prompts_group,
        eval_group,
        gold_group,
    ):
        cli.add_command(command)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``newsbrief`` with ``argv`` (default: the process arguments); return the exit code."""
    return run_cli(build_cli(), argv)


__all__ = ["build_cli", "main"]
