"""``newsbrief eval reading``: the reading layer measured part by part, without a model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsbrief.cli.kit import CONTEXT_SETTINGS, print_listing


@click.command("reading", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--suite",
    "suites",
    multiple=True,
    metavar="DIR",
    type=click.Path(path_type=Path, exists=True),
    help="a folder of articles with gold (repeatable; default: the seeds)",
)
@click.option(
    "--gold",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    metavar="DIR",
    help="gold folder for a --suite without gold beside it",
)
@click.option(
    "--reading",
    "reading_name",
    metavar="R",
    help="reading version (default: the default prompt's, e.g. reading.v2)",
)
@click.option("--errors", is_flag=True, help="list every miss")
@click.option("--json", "as_json", is_flag=True, help="print the scores as JSON")
def reading_command(
    suites: tuple[Path, ...],
    gold: Path | None,
    reading_name: str | None,
    errors: bool,
    as_json: bool,
) -> int:
    """Score what the parse hands the model, part by part, against gold (no model runs).

    Per article and in total: candidate recall of the required gold parties and candidate
    precision; attribution of each required gold position's evidence (right, wrong
    speaker, none; relays and relative clauses counted apart; "offered": the gold speaker
    was among the options the model is asked to choose from); required date words found;
    required disputes whose sides are both candidates.
    """
    from rich.console import Console

    from evals.gold.suite import default_suite
    from evals.render.reading import COLUMNS, error_lines, reading_rows
    from evals.runner.reading import score_suite, total
    from summarize.core.errors import UnknownPromptError
    from summarize.prompting import DEFAULT_PROMPT, load_prompt
    from summarize.reading import reading_options

    name = reading_name or load_prompt(DEFAULT_PROMPT).reading
    try:
        options = reading_options(name)
    except KeyError as exc:
        raise UnknownPromptError(str(exc.args[0])) from None
    pairs = [(s, gold or s) for s in suites] if suites else [default_suite()]
    out = []
    console = Console()
    for articles, gold_dir in pairs:
        scores = score_suite(articles, gold_dir, options)
        summed = total(scores)
        if as_json:
            out.append(
                {
                    "suite": str(articles),
                    "reading": name,
                    "articles": [s.model_dump() for s in scores],
                    "total": {**summed.model_dump(), "rates": summed.rates()},
                }
            )
        else:
            print_listing(f"{articles} · {name}", COLUMNS, reading_rows(scores, summed), console)
            if errors:
                console.file.write("\n".join(error_lines(summed)) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(out, indent=1) + "\n")
    return 0


__all__ = ["reading_command"]
