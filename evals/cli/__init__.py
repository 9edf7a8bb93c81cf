"""The harness's commands: the ``eval`` and ``gold`` groups of ``newsbrief``.

    newsbrief eval run|rescore|compare|report|list|bless|check|injection|reading
    newsbrief gold draft|check

:func:`register` adds both groups to the ``newsbrief`` click group that
:mod:`newsbrief.cli` builds; errors and exit codes follow :mod:`summarize.clikit` (0 ok,
1 a gate failed, 2 an error the user can act on, 130 after Ctrl-C). Heavy modules are
imported inside the commands so that ``newsbrief --help`` stays instant.
"""

from __future__ import annotations

import click

from evals.cli.gold import gold_group
from evals.cli.reading import reading_command
from evals.cli.results import (
    bless_command,
    check_command,
    compare_command,
    injection_command,
    list_command,
    report_command,
    rescore_command,
)
from evals.cli.run import run_command
from summarize.clikit import CONTEXT_SETTINGS


@click.group("eval", context_settings=CONTEXT_SETTINGS)
def eval_group() -> None:
    """Score summaries against gold: run, rescore, compare, report, list, gate."""


for _command in (run_command, rescore_command, compare_command, report_command, list_command,
                 bless_command, check_command, injection_command, reading_command):
    eval_group.add_command(_command)


def register(group: click.Group) -> None:
    """Add the ``eval`` and ``gold`` groups to the ``newsbrief`` command."""
    group.add_command(eval_group)
    group.add_command(gold_group)


__all__ = ["eval_group", "gold_group", "register"]
