"""``newsbrief summarize``: one article to the terminal, JSON or a page; many to JSON Lines.

    newsbrief summarize FILE|- [--published DATE] [--model M] [--prompt P] [--json]
                                [--html OUT.html]
    newsbrief summarize FILE|DIR|FILE.jsonl ... -o out.jsonl [--concurrency N]   (batch, resumable)
                                [--engine local|ray] [--address ADDR] [--actors N]

Every input, the model string and the prompt are checked before a model loads; errors
follow :mod:`newsbrief.cli.kit`. Heavy modules are imported inside the commands so that
``--help`` is instant.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsbrief.cli.engine import engine_options
from newsbrief.cli.kit import (
    CONTEXT_SETTINGS,
    check_output_file,
    prompts_dir_option,
    stderr_console,
)
from summarize.core.errors import InputError


def _published(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-07-08") from None
    return value


@click.command("summarize", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, metavar="FILE|DIR|- ...")
@click.option(
    "--published",
    callback=_published,
    metavar="YYYY-MM-DD",
    help="publication date, to anchor relative dates",
)
@click.option(
    "--model",
    metavar="M",
    help="model string, e.g. local/qwen2.5-coder-1.5b, openai/gpt-4o (see newsbrief models)",
)
@click.option(
    "--prompt", metavar="P", help="prompt version, e.g. summary/v7 (see newsbrief prompts)"
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="print the full record as JSON: the analysed text, the summary, dropped and "
    "masked items, model, prompt, calls, tokens, seconds",
)
@click.option(
    "--html",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="OUT.html",
    help="also write a self-contained page: the article with each item's evidence "
    "highlighted and linked both ways",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="OUT.jsonl",
    help="batch: write one JSON line per article (resumable)",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="batch: parallel requests (endpoint models only; a local "
    "model runs one article at a time); per actor with --engine ray",
)
@engine_options
@prompts_dir_option
def summarize_command(
    inputs: tuple[str, ...],
    published: str | None,
    model: str | None,
    prompt: str | None,
    as_json: bool,
    html: Path | None,
    output: Path | None,
    concurrency: int,
    engine: Any,
) -> int:
    """Summarize an article (a file, or - for stdin); several files, a folder or a JSONL file
    of articles ({"id", "text", "published"} a line) with -o."""
    from summarize.batch import is_articles_jsonl
    from summarize.engines import check_engine
    from summarize.preflight import check_model, check_prompts
    from summarize.providers.registry import default_model

    stdin = inputs == ("-",)
    articles = [] if stdin else article_files(inputs)
    check_model(model or default_model())
    check_prompts([prompt])
    check_engine(engine)
    if output is None and not stdin and (len(inputs) > 1 or Path(inputs[0]).is_dir()):
        raise InputError("several inputs or a folder need -o OUT.jsonl (one line per article)")
    if output is None and not stdin and is_articles_jsonl(Path(inputs[0])):
        raise InputError("a JSONL file of articles needs -o OUT.jsonl (one line per article)")
    if output is None and engine.name != "local":
        raise InputError(f"--engine {engine.name} runs batches: add -o OUT.jsonl")
    if output is not None:
        if stdin or "-" in inputs:
            raise InputError("- (stdin) is one article; batch mode (-o) reads files")
        if as_json or html is not None:
            raise InputError("--json and --html show one article; batch mode (-o) writes JSONL")
        check_output_file(output, "-o")
        return _summarize_batch(articles, output, model, prompt, concurrency, engine)
    check_output_file(html, "--html")
    return _summarize_one(inputs[0], published, model, prompt, as_json, html)


def article_files(inputs: Sequence[str]) -> list[Path]:
    """The article files the inputs name, each checked readable; a user error otherwise."""
    from summarize.batch import ARTICLE_SUFFIXES, expand_inputs

    if "-" in inputs:
        raise InputError("- (stdin) is one article and cannot be mixed with files")
    for item in map(Path, inputs):
        if not item.exists():
            raise InputError(f"no such file or folder: {item}")
        if item.is_dir() and not any(
            p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES for p in item.iterdir()
        ):
            raise InputError(f"{item}: no articles in this folder (*.txt, *.md, *.html)")
    articles = expand_inputs([Path(p) for p in inputs])
    for path in articles:
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return articles


def _summarize_one(
    source: str,
    published: str | None,
    model: str | None,
    prompt: str | None,
    as_json: bool,
    html: Path | None,
) -> int:
    from summarize.text.inputs import read_article

    article = read_article(source)  # an HTML page's own date comes with its text
    err = stderr_console()
    summarizer = load_summarizer(model, prompt, err)
    with err.status("Summarizing…", spinner="dots") as status:
        started = time.perf_counter()
        status.update(f"Summarizing with {summarizer.backend.model_id} ({summarizer.prompt_name})…")
        run = summarizer.run(article.text, published=published or article.published)
    elapsed = time.perf_counter() - started
    if as_json:
        # Plain stdout, not rich: the record is for programs, and must not be wrapped.
        sys.stdout.write(run.model_dump_json(indent=2) + "\n")
    else:
        render_summary(run, Console())
    if html is not None:
        from summarize.render.html import write_html

        write_html(run, html)
        err.print(f"[dim]wrote {escape(str(html))}[/]")
    err.print(
        f"[dim]{elapsed:.1f} s, {len(run.calls)} model call(s), {run.prompt_tokens} prompt + "
        f"{run.completion_tokens} output tokens"
        + (f", {len(run.dropped)} ungrounded item(s) dropped" if run.dropped else "")
        + "[/]"
    )
    return 0


def load_summarizer(model: str | None, prompt: str | None, err: Console) -> Any:
    """Build the Summarizer under progress indicators (weights assembly, model load)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from summarize.pipeline import Summarizer
    from summarize.providers.registry import default_model

    name = model or default_model()
    options: dict[str, Any] = {}
    progress_bar: Progress | None = None
    if name.startswith("local/"):
        progress_bar = Progress(
            TextColumn("Preparing model weights"),
            BarColumn(),
            DownloadColumn(),
            console=err,
            transient=True,
        )
        task = progress_bar.add_task("weights", total=None)

        def on_progress(done: int, total: int) -> None:
            assert progress_bar is not None
            if not progress_bar.live.is_started:
                progress_bar.start()
            progress_bar.update(task, completed=done, total=total)

        options["progress"] = on_progress
    try:
        summarizer = Summarizer(name, prompt, backend_options=options)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    warm_up = getattr(summarizer.backend, "warm_up", None)
    if warm_up is not None:
        with err.status(f"Loading {name}…", spinner="dots"):
            warm_up()
    return summarizer


def _summarize_batch(
    articles: list[Path],
    output: Path,
    model: str | None,
    prompt: str | None,
    concurrency: int,
    engine: Any = None,
) -> int:
    from summarize.batch import summarize_folder

    stats = summarize_folder(
        articles, output, model=model, prompt=prompt, concurrency=concurrency, engine=engine
    )
    stderr_console().print(str(stats))
    return 0 if not stats.failed else 1


def render_summary(run: Any, console: Console) -> None:
    """A readable view: headline, summary, then one table per kind of item with evidence."""
    summary = run.summary
    console.print(f"[bold]{escape(summary.headline)}[/]")
    meta = [f"published {summary.published}" if summary.published else "publication date unknown"]
    if summary.event_location:
        meta.append(f"in {summary.event_location}")
    console.print(
        f"[dim]{escape(' · '.join(meta))} · {escape(run.model)} · {escape(run.prompt)}[/]"
    )
    console.print(escape(summary.summary))

    def quotes(item: Any) -> str:
        return "\n".join(f"“{e.quote}” [{e.start}:{e.end}]" for e in item.evidence)

    tables: list[tuple[str, list[str], list[list[str]]]] = [
        (
            "Parties",
            ["name", "kind", "role", "aliases", "evidence"],
            [
                [p.name, p.kind, p.role or "", ", ".join(p.aliases), quotes(p)]
                for p in summary.parties
            ],
        ),
        (
            "Positions",
            ["party", "topic", "stance", "polarity", "evidence"],
            [[p.party, p.topic, p.stance, p.polarity, quotes(p)] for p in summary.positions],
        ),
        (
            "Dates",
            ["value", "text", "event", "evidence"],
            [[d.value or "?", d.text, d.event, quotes(d)] for d in summary.dates],
        ),
        (
            "Disputes",
            ["sides", "issue", "description", "evidence"],
            [
                [
                    " vs ".join(", ".join(side) for side in d.sides),
                    d.issue,
                    d.description,
                    quotes(d),
                ]
                for d in summary.disputes
            ],
        ),
    ]
    for title, columns, rows in tables:
        table = Table(
            title=f"{title} ({len(rows)})", title_justify="left", show_lines=True, expand=True
        )
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*map(escape, row))
        console.print(table)
    if run.dropped:
        console.print(
            f"[yellow]Dropped {len(run.dropped)} item(s) whose evidence is not in the text:[/]"
        )
        for item in run.dropped:
            console.print(f"  [yellow]- {item.field}:[/] {escape(item.reason)}")


__all__ = ["article_files", "load_summarizer", "render_summary", "summarize_command"]
