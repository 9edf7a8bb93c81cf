"""``newsbrief digest``: one story told by several articles, unified across sources.

newsbrief digest DIR|FILE ... [--model M] [--prompt P] [--ask-model [--digest-prompt D]]
                            [--json] [--html OUT.html] [--no-cache]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsbrief.cli.kit import (
    CONTEXT_SETTINGS,
    check_ask_model_flags,
    check_output_file,
    prompts_dir_option,
    stderr_console,
)
from newsbrief.cli.summarize import article_files, load_summarizer
from summarize.core.errors import InputError


@click.command("digest", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, metavar="DIR|FILE ...")
@click.option(
    "--model",
    metavar="M",
    help="model string, e.g. local/qwen2.5-coder-1.5b, openai/gpt-4o (see newsbrief models)",
)
@click.option(
    "--prompt",
    metavar="P",
    help="prompt version of the per-article summaries, e.g. summary/v8 (see newsbrief prompts)",
)
@click.option(
    "--ask-model",
    is_flag=True,
    help="also ask the model the digest prompt's yes/no questions (two events, two stances, "
    "two versions of a fact: one and the same? in conflict?); for a stronger endpoint "
    "model: with the embedded 1.5B they bought almost nothing (figures above)",
)
@click.option(
    "--digest-prompt",
    metavar="D",
    help="prompt version of the questions --ask-model asks (default digest/v1)",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="print the full record as JSON: the digest, every article's summary run "
    "(its text, which evidence offsets point into), cached ids, calls, seconds",
)
@click.option(
    "--html",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="OUT.html",
    help="also write a self-contained page: timeline, party x source matrix, "
    "positions, disputes, discrepancies, and every article with its evidence "
    "highlighted and linked both ways",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="summarize every article again (default: reuse summaries cached in "
    "$NEWSBRIEF_CACHE_DIR, else the per-user cache folder)",
)
@click.option(
    "--code-only",
    is_flag=True,
    help="deprecated: the default now (no judgement calls); kept so old scripts run",
)
@prompts_dir_option
def digest_command(
    inputs: tuple[str, ...],
    model: str | None,
    prompt: str | None,
    digest_prompt: str | None,
    as_json: bool,
    html: Path | None,
    no_cache: bool,
    ask_model: bool,
    code_only: bool,
) -> int:
    """Digest one story told by several articles (files, or folders of *.txt, *.md, *.html):
    parties across sources, a timeline, positions, disputes and where the sources disagree.

    Each article is summarized (or served from the summary cache), then the summaries are
    unified; every item keeps its evidence in the articles.

    The digest step asks the model nothing by default: code unifies parties by name and
    alias and merges only near-identical events, positions and disputes. --ask-model also
    asks the model yes/no questions on the pairs code cannot decide, for a stronger endpoint
    model. With the embedded 1.5B they bought almost nothing on the story gold (summary/v8
    summaries; measured with newsbrief eval run --task digest --model
    local/qwen2.5-coder-1.5b, with and without --code-only, when asking was the default):
    seeds event F1 0.733 asked vs 0.750 code-only, party, position, merge and dispute F1
    equal; dev/tune position F1 0.370 vs 0.357, all else equal; dev/test all equal; the
    questions cost 26 calls and about 30 s on the seeds.
    """
    from summarize.digest import DEFAULT_DIGEST_PROMPT, Digester
    from summarize.digest.sources import story_articles
    from summarize.preflight import check_digest_prompt, check_model, check_prompts
    from summarize.providers.registry import default_model
    from summarize.text.inputs import load_text

    if "-" in inputs:
        raise InputError("digest reads files and folders, not - (stdin)")
    check_ask_model_flags(ask_model, code_only, digest_prompt)
    paths = article_files(inputs)
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
    summarizer = load_summarizer(model, prompt, err)
    digester = Digester(
        summarizer=summarizer,
        digest_prompt=digest_prompt,
        cache=not no_cache,
        ask_model=ask_model,
    )
    labels = {a.id: f"A{i + 1}" for i, a in enumerate(sources)}
    total = len(sources)
    with err.status("", spinner="dots") as status:
        done = 0

        def step(article_id: str | None) -> None:
            if article_id is None:
                status.update(f"Digesting {total} article(s) ({digester.digest_prompt.name})…")
            else:
                status.update(
                    f"Summarizing {escape(article_id)} ({done + 1}/{total}) with "
                    f"{summarizer.backend.model_id}…"
                )

        def on_article(article_id: str, run: Any, hit: bool) -> None:
            nonlocal done
            done += 1
            how = "cached" if hit else f"summarized in {run.wall_s:.1f} s"
            err.print(
                f"[dim][{done}/{total}][/] {labels.get(article_id, '')} "
                f"{escape(article_id)}: {'[cyan]' if hit else ''}{how}"
                f"{'[/]' if hit else ''}"
            )
            step(sources[done].id if done < total else None)

        def on_failure(article_id: str, exc: Exception) -> None:
            nonlocal done
            done += 1
            err.print(
                f"[dim][{done}/{total}][/] {labels.get(article_id, '')} "
                f"{escape(article_id)}: [red]failed[/] ({escape(type(exc).__name__)}: "
                f"{escape(str(exc))[:200]}); the digest is made of the others"
            )
            step(sources[done].id if done < total else None)

        step(sources[0].id)
        run = digester.run(sources, on_article=on_article, on_failure=on_failure)
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
    n_failed = len(run.failed)
    err.print(
        f"[dim]{total} article(s): {total - n_cached - n_failed} summarized, {n_cached} "
        f"cached{f', {n_failed} failed' if n_failed else ''} · "
        f"digest step: {len(run.calls)} model call(s) · {run.summaries_s:.1f} s "
        f"summaries + {run.digest_s:.1f} s digest[/]"
    )
    return 1 if n_failed else 0  # as a batch with failed articles: the digest is still out


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
        return f"“{quote if len(quote) <= limit else quote[: limit - 1] + '…'}”"

    def table(
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        expand: bool = True,
        **column_options: Any,
    ) -> None:
        out = Table(
            title=f"{title} ({len(rows)})", title_justify="left", show_lines=True, expand=expand
        )
        for column in columns:
            out.add_column(column, overflow="fold", **column_options.get(column, {}))
        for row in rows:
            out.add_row(*map(escape, row))
        if rows:
            console.print(out)
        else:
            console.print(f"[bold]{escape(title)}[/] [dim](none)[/]")

    console.print(f"[bold]Story digest: {len(digest.articles)} articles[/]")
    console.print(
        f"[dim]{escape(run.model)} · {escape(run.prompt)} · {escape(run.digest_prompt)}[/]"
    )
    table(
        "Articles",
        ["", "article", "title", "published"],
        [[labels[a.id], a.id, a.title or "", str(a.published or "")] for a in digest.articles],
        **{"": {"no_wrap": True}},
    )
    centred = {labels[a.id]: {"justify": "center", "no_wrap": True} for a in digest.articles}
    table(
        "Parties × sources",
        ["party", *labels.values()],
        [
            [
                f"{p.name} ({p.kind})",
                *(
                    "●" if a in {m.article for m in p.mentions} | set(p.articles) else ""
                    for a in labels
                ),
            ]
            for p in digest.parties
        ],
        expand=False,
        **centred,
    )
    table(
        "Timeline",
        ["date", "event", "sources"],
        [
            [
                f"{e.value} ({precision(e.value)})" if e.value else "undated",
                e.event,
                "\n".join(
                    f"{labels[d.article]} “{d.text}”" + (f" → {d.value}" if d.value else "")
                    for d in e.dates
                ),
            ]
            for e in digest.timeline
        ],
    )
    table(
        "Positions",
        ["party", "topic", "stance", "polarity", "sources"],
        [[p.party, p.topic, p.stance, p.polarity, srcs(p.articles)] for p in digest.positions],
    )
    table(
        "Disputes",
        ["sides", "issue", "description", "sources"],
        [
            [
                " vs ".join(", ".join(side) for side in d.sides),
                d.issue,
                d.description,
                srcs(d.articles),
            ]
            for d in digest.disputes
        ],
    )
    if not digest.discrepancies:
        console.print("[bold]Discrepancies[/] [dim](none)[/]")
    for i, d in enumerate(digest.discrepancies):
        out = Table(
            title=f"Discrepancy {i + 1}/{len(digest.discrepancies)} ({d.kind}): {escape(d.about)}",
            title_justify="left",
            expand=True,
        )
        for v in d.versions:
            out.add_column(f"{labels[v.article]} {escape(v.article)}", overflow="fold", ratio=1)
        out.add_row(
            *(
                escape(v.claim + "\n" + "\n".join(short(e.quote) for e in v.evidence))
                for v in d.versions
            )
        )
        console.print(out)


__all__ = ["digest_command", "render_digest"]
