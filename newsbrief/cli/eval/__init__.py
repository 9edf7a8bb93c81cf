"""``newsbrief eval``: the harness's commands (``newsbrief gold`` is :mod:`newsbrief.cli.gold`).

    newsbrief eval run                                       (run.py: runs, resume, digests)
    newsbrief eval rescore|compare|report|list|bless|check|injection       (results.py)
    newsbrief eval reading                                   (reading.py: the reading layer)

Errors and exit codes follow :mod:`newsbrief.cli.kit` (0 ok, 1 a gate failed, 2 an error
the user can act on, 130 after Ctrl-C). Heavy modules are imported inside the commands so
that ``newsbrief --help`` stays instant.
"""

from __future__ import annotations

import click

from newsbrief.cli.eval.reading import reading_command
from newsbrief.cli.eval.results import (
    bless_command,
    check_command,
    compare_command,
    injection_command,
    list_command,
    report_command,
    rescore_command,
)
from newsbrief.cli.eval.run import run_command
from newsbrief.cli.kit import CONTEXT_SETTINGS


@click.group("eval", context_settings=CONTEXT_SETTINGS)
def eval_group() -> None:
    """Score summaries against gold: run, rescore, compare, report, list, gate."""


for _command in (
    run_command,
    rescore_command,
    compare_command,
    report_command,
    list_command,
    bless_command,
    check_command,
    injection_command,
    reading_command,
):
    eval_group.add_command(_command)


__all__ = ["eval_group"]
