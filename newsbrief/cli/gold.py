"""``newsbrief gold draft|check``: start gold from a model's summary, then validate it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from newsbrief.cli.kit import CONTEXT_SETTINGS, prompts_dir_option, stderr_console
from summarize.core.errors import InputError

if TYPE_CHECKING:
    from summarize.text.inputs import LoadedArticle


@click.group("gold", context_settings=CONTEXT_SETTINGS)
def gold_group() -> None:
    """Your own gold: draft it from a model's summary, correct it, check it."""


@gold_group.command("draft", context_settings=CONTEXT_SETTINGS)
@click.argument("articles", nargs=-1, required=True, metavar="ARTICLE...")
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="where <stem>.json goes (default: beside each article)",
)
@click.option("--model", metavar="M", help="model string (default: the default model)")
@click.option("--prompt", metavar="P", help="prompt version (default: the default prompt)")
@click.option("--force", is_flag=True, help="overwrite an existing <stem>.json")
@prompts_dir_option
def draft_command(
    articles: tuple[str, ...],
    out_dir: Path | None,
    model: str | None,
    prompt: str | None,
    force: bool,
) -> int:
    """Write the model's summary of each ARTICLE as <stem>.json in the gold format.

    Every item is marked "review": true; the loader and `gold check` refuse the file
    until a person has checked each item against the article and deleted the marker.
    An article that is not plain .txt gets a <stem>.txt of the text the quotes refer to.
    """
    from summarize.preflight import check_model, check_prompts
    from summarize.providers.registry import default_model
    from summarize.text.inputs import read_article

    if out_dir is not None and not out_dir.is_dir():
        raise FileNotFoundError(f"no such folder: {out_dir}")
    plans: list[tuple[Path, Path, LoadedArticle]] = []
    for name in articles:
        path = Path(name)
        if not path.is_file():
            raise InputError(
                f"no such file: {path}"
                if not path.is_dir()
                else f"{path} is a folder; name article files"
            )
        target = (out_dir or path.parent) / f"{path.stem}.json"
        copy = target.with_suffix(".txt")
        for existing in (target, copy):
            if (
                existing.exists()
                and not force
                and existing.resolve() != path.resolve()
                and not (existing == copy and _same_text(copy, path))
            ):
                raise InputError(f"{existing} exists; pass --force to overwrite it")
        plans.append((path, target, read_article(path)))  # unreadable input fails here
    model = model or default_model()
    check_model(model)
    check_prompts([prompt])

    from evals.gold.draft import draft_gold
    from summarize.pipeline import Summarizer

    err = stderr_console()
    summarizer = Summarizer(model, prompt)
    for path, target, article in plans:
        with err.status(f"Drafting {escape(path.name)} with {escape(model)}…"):
            run = summarizer.run(article.text, published=article.published)
        article_txt = target.with_suffix(".txt")
        if article_txt.resolve() != path.resolve():
            # The suite layout: <stem>.txt beside <stem>.json. A .txt article is copied as
            # it is; any other (HTML) becomes the text the pipeline read, which the quotes
            # come from.
            body = path.read_text("utf-8") if path.suffix.lower() == ".txt" else run.text
            article_txt.write_text(body, encoding="utf-8")
        data = draft_gold(run.summary, article_txt.name)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(target)
    err.print(
        f'[dim]{len(plans)} draft(s) written, every item marked "review": true; '
        "correct them (evals/ANNOTATION_GUIDE.md), then: newsbrief gold check DIR[/]"
    )
    return 0


def _same_text(copy: Path, article: Path) -> bool:
    """True when ``copy`` already holds the article's text (a re-draft into the same folder)."""
    try:
        return article.suffix.lower() == ".txt" and copy.read_bytes() == article.read_bytes()
    except OSError:
        return False


@gold_group.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("gold", type=click.Path(path_type=Path), metavar="DIR|FILE.jsonl")
@click.option(
    "--articles",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="where the <stem>.txt articles are (default: beside the gold)",
)
def check_command(gold: Path, articles: Path | None) -> int:
    """Validate gold: schema, verbatim quotes, party references, required flags, review.

    Prints one `file: item: reason` line per problem on stdout; exit 1 if there is any.
    """
    from evals.gold.check import check_gold_dir

    report = check_gold_dir(gold, articles)
    for problem in report.problems:
        print(problem)
    err = stderr_console()
    for article in report.without_gold:
        err.print(f"[dim]note: {escape(str(article))} has no gold[/]")
    files = {p.path for p in report.problems}
    err.print(
        f"{report.checked} gold file(s) checked: "
        + (
            f"{len(report.problems)} problem(s) in {len(files)} file(s)"
            if report.problems
            else "no problems"
        )
    )
    return 1 if report.problems else 0


__all__ = ["gold_group"]
