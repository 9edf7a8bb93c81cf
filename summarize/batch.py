"""Summarize a folder of articles into one JSONL file: no gold, resumable, optionally parallel.

One line per finished article (``article``, ``status``, ``summary``, ``error``, ``calls``,
``wall_s``, ``model``, ``prompt``), appended with the crash rules of :mod:`summarize.core.jsonl`.
Re-running skips articles with an ``ok`` line and retries failed ones (a failure is often
transient); mixing two models or prompts in one file is refused. ``concurrency > 1`` is for
endpoints: a local model runs one article at a time, since two generations on few cores
make each many times slower.

Inputs are article files, folders of them, and JSONL files of articles, one a line:
``{"id": "a1", "text": "...", "published": "2024-07-08"}`` (``published`` optional; the
line's ``article`` is then the id). Where the articles are computed is the engine's business
(:mod:`summarize.engines`: this process, or a Ray actor pool); this process writes every line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from summarize.core.errors import (
    ArticleLineError,
    CorruptLineError,
    InputError,
    OutputMismatchError,
    SummarizeError,
    WorkerLostError,
)
from summarize.core.jsonl import JsonlLog
from summarize.engines import EngineOptions, SummarizerWork, make_engine

#: File name endings a folder is expanded to.
ARTICLE_SUFFIXES = (".txt", ".md", ".html")
#: A file of articles, one JSON object a line (never found by expanding a folder).
ARTICLES_JSONL_SUFFIX = ".jsonl"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class BatchStats:
    """What one ``summarize_folder`` call did (``failed`` > 0 makes the CLI exit 1)."""

    out: Path
    total: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    wall_s: float = 0.0
    concurrency: int = 1
    engine: str = "local"
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.failed

    def __str__(self) -> str:
        parts = [f"{self.ok} ok", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        where = "" if self.engine == "local" else f" on {self.engine}"
        return (
            f"{self.total} article(s): {', '.join(parts)} in {self.wall_s:.1f} s{where} "
            f"-> {self.out}"
        )


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given; a directory becomes its ``*.txt``, ``*.md``, ``*.html`` files, sorted.

    Duplicates (the same file named twice) are kept once, in first-seen order.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for item in map(Path, inputs):
        if item.is_dir():
            found = sorted(
                p for p in item.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        elif item.is_file():
            found = [item]
        else:
            raise FileNotFoundError(f"no such file or folder: {item}")
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out


@dataclass(frozen=True)
class ArticleSource:
    """One article of a batch: a file (read where it is computed) or a JSONL line's text.

    ``key`` is the ``article`` of its output line: the path as given, or the line's id.
    """

    key: str
    path: Path | None = None
    text: str | None = None
    published: str | None = None

    def load(self) -> tuple[str, dt.date | str | None]:
        """The text and publication date (a JSONL line's, or an HTML page's own)."""
        from summarize.text.inputs import read_article

        if self.path is None:
            return str(self.text), self.published
        loaded = read_article(self.path)
        return loaded.text, loaded.published


def is_articles_jsonl(path: Path) -> bool:
    """True for a ``*.jsonl`` file: articles one a line, not one article."""
    return Path(path).suffix.lower() == ARTICLES_JSONL_SUFFIX and Path(path).is_file()


def read_articles_jsonl(path: Path) -> list[ArticleSource]:
    """Every line of a JSONL file of articles, checked; :class:`ArticleLineError` names the
    line of the first problem. Blank lines are skipped; other keys (a gold, a URL) are
    ignored, so an eval suite in JSONL can be summarized as it is."""
    path = Path(path)
    sources: list[ArticleSource] = []
    seen: set[str] = set()
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ArticleLineError(path, number, f"not UTF-8 ({exc.reason})") from None
        except json.JSONDecodeError as exc:
            raise ArticleLineError(
                path, number, f"not a JSON line: {exc.msg} at column {exc.colno}"
            ) from None
        if not isinstance(value, dict):
            raise ArticleLineError(
                path, number, 'each line is one JSON object: {"id": ..., "text": ...}'
            )
        article_id, text, published = value.get("id"), value.get("text"), value.get("published")
        if not isinstance(article_id, str) or not _ID.fullmatch(article_id):
            raise ArticleLineError(
                path,
                number,
                f"id: a name of letters, digits, _ . - is required, not {article_id!r}",
            )
        if article_id in seen:
            raise ArticleLineError(path, number, f"id: {article_id!r} is used by an earlier line")
        seen.add(article_id)
        if not isinstance(text, str) or not text.strip():
            raise ArticleLineError(
                path, number, "text: the article text is required (a non-empty string)"
            )
        if published is not None:
            try:
                dt.date.fromisoformat(str(published))
            except ValueError:
                raise ArticleLineError(
                    path, number, f"published: a date like 2024-07-08, not {published!r}"
                ) from None
        sources.append(ArticleSource(article_id, text=text, published=published))
    if not sources:
        raise InputError(f"{path}: no articles in this file (one JSON object a line)")
    return sources


def article_sources(inputs: Sequence[Path]) -> list[ArticleSource]:
    """The articles of ``inputs``: files and folders as :func:`expand_inputs` finds them, and
    the lines of each ``*.jsonl`` file, in order. Two articles with one key are refused."""
    sources: list[ArticleSource] = []
    files: list[Path] = []

    def flush() -> None:
        sources.extend(ArticleSource(str(p), path=p.resolve()) for p in expand_inputs(files))
        files.clear()

    for item in map(Path, inputs):
        if is_articles_jsonl(item):
            flush()
            sources.extend(read_articles_jsonl(item))
        else:
            files.append(item)
    flush()
    keys: set[str] = set()
    for source in sources:
        if source.key in keys:
            raise InputError(
                f"two articles are named {source.key!r} (a file and a JSONL id, "
                "or two JSONL files); each needs its own name"
            )
        keys.add(source.key)
    return sources


def _line(
    article: Path | str,
    model: str,
    prompt: str,
    started: float,
    *,
    run: Any = None,
    exc: BaseException | None = None,
    hashes: dict[str, str] | None = None,
) -> dict[str, Any]:
    if run is not None:
        return {
            "article": str(article),
            "status": "ok",
            "summary": run.summary.model_dump(mode="json"),
            "error": None,
            "calls": [c.model_dump(mode="json") for c in run.calls],
            "wall_s": round(time.perf_counter() - started, 3),
            "model": model,
            "prompt": prompt,
            **(hashes or {}),
        }
    assert exc is not None
    return {
        "article": str(article),
        "status": "error",
        "summary": None,
        "error": {
            "type": type(exc).__name__,
            "message": str(exc) or type(exc).__name__,
            "attempts": getattr(exc, "attempts", None),
            "raw_output": getattr(exc, "raw_output", None),
        },
        "calls": [c.model_dump(mode="json") for c in (getattr(exc, "calls", None) or [])],
        "wall_s": round(time.perf_counter() - started, 3),
        "model": model,
        "prompt": prompt,
        **(hashes or {}),
    }


def _load_done(log: JsonlLog, model: str, prompt: str) -> set[str]:
    """Articles with an ok line (as written and resolved); failed lines are dropped (retried)."""
    lines = log.read()
    keep: list[dict[str, Any]] = []
    done: set[str] = set()
    for line in lines:
        value = line.value
        if not isinstance(value, dict) or "article" not in value or "status" not in value:
            raise CorruptLineError(log.path, line.number, "not a batch line (article, status)")
        if value["status"] != "ok":
            continue
        other = (value.get("model"), value.get("prompt"))
        if other != (model, prompt) and None not in other:
            raise OutputMismatchError(
                f"{log.path} holds summaries by {other[0]} with {other[1]}, not {model} with "
                f"{prompt}; write to another file, or delete it to start over"
            )
        keep.append(value)
        done.add(str(value["article"]))
        done.add(str(Path(str(value["article"])).resolve()))
    if len(keep) != len(lines):
        log.rewrite(keep)
    return done


class BatchWork(SummarizerWork[ArticleSource, dict[str, Any]]):
    """One article into one output line (an error line when it fails), wherever it runs."""

    def __init__(self, summarizer: Any, model: str) -> None:
        super().__init__(summarizer, model)
        self.model_id, self.prompt_name = summarizer.backend.model_id, summarizer.prompt_name
        self.hashes = {
            "prompt_hash": summarizer.prompt_hash,
            "behaviour_hash": summarizer.behaviour_hash,
        }

    def compute(self, summarizer: Any, source: ArticleSource) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            text, published = source.load()
            run = summarizer.run(text, published=published)
        except Exception as exc:  # recorded as an error line; the batch goes on
            return self._line(source.key, started, exc=exc)
        return self._line(source.key, started, run=run)

    def _line(self, key: str, started: float, **outcome: Any) -> dict[str, Any]:
        return _line(key, self.model_id, self.prompt_name, started, hashes=self.hashes, **outcome)

    def lost(self, source: ArticleSource, reason: str) -> dict[str, Any]:
        return self._line(source.key, time.perf_counter(), exc=WorkerLostError(reason))

    def name(self, source: ArticleSource) -> str:
        return source.key


def summarize_folder(
    inputs: Sequence[Path],
    out: Path,
    *,
    model: str | None = None,
    prompt: str | None = None,
    concurrency: int = 1,
    resume: bool = True,
    progress: bool = True,
    console: Console | None = None,
    engine: EngineOptions | None = None,
) -> BatchStats:
    """Summarize every input article into ``out`` (JSONL), one line per article as it finishes.

    ``resume=False`` starts ``out`` over. Raises :class:`OutputMismatchError` when ``out`` holds
    another model's or prompt's summaries and :class:`CorruptLineError` when it holds a
    damaged line; article failures are lines with ``"status": "error"``, not exceptions.
    ``engine`` says where articles are computed (default: this process); lines are written
    here either way.
    """
    from summarize.pipeline import Summarizer
    from summarize.providers.registry import default_model

    console = console or Console(stderr=True)
    started_all = time.perf_counter()
    out = Path(out)
    articles = article_sources(inputs)
    model_name = model or default_model()
    runner = make_engine(engine, console=console)
    stats = BatchStats(out=out, total=len(articles), engine=runner.describe())
    if concurrency < 1:
        raise SummarizeError(f"concurrency must be at least 1, not {concurrency}")
    if concurrency > 1 and model_name.startswith("local/"):
        note = (
            f"{model_name} runs in-process{'' if runner.name == 'local' else ' in each actor'}"
            ": one article at a time "
            f"(--concurrency {concurrency} ignored; parallel generation on few cores is "
            "many times slower)"
        )
        stats.notes.append(note)
        console.print(f"[yellow]note:[/] {escape(note)}")
        concurrency = 1
    stats.concurrency = concurrency

    summarizer = Summarizer(model_name, prompt)
    model_id, prompt_name = summarizer.backend.model_id, summarizer.prompt_name
    out.parent.mkdir(parents=True, exist_ok=True)
    log = JsonlLog(out)
    if not resume:
        log.rewrite([])
    done = _load_done(log, model_id, prompt_name)
    todo = [
        a for a in articles if a.key not in done and (a.path is None or str(a.path) not in done)
    ]
    stats.skipped = len(articles) - len(todo)

    def record(line: dict[str, Any]) -> None:
        log.append(line)
        if line["status"] == "ok":
            stats.ok += 1
        else:
            stats.failed += 1

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not progress) as bar:
        where = "" if runner.name == "local" else f" · {runner.describe()}"
        task = bar.add_task(
            escape(f"{model_id} · {prompt_name}{where}"),
            total=len(articles),
            completed=stats.skipped,
        )
        work = BatchWork(summarizer, model_name)

        def started(article: ArticleSource) -> None:
            bar.update(task, description=escape(f"{model_id} · {Path(article.key).name}"))

        # One writer (this thread); on an early exit work queued is cancelled and work in
        # flight abandoned (its line is never written), what was written stays.
        with closing(runner.map(work, todo, concurrency=concurrency, on_start=started)) as results:
            for _article, line in results:
                record(line)
                bar.advance(task)
    stats.wall_s = time.perf_counter() - started_all
    return stats


__all__ = [
    "ARTICLES_JSONL_SUFFIX",
    "ARTICLE_SUFFIXES",
    "ArticleSource",
    "BatchStats",
    "BatchWork",
    "article_sources",
    "expand_inputs",
    "is_articles_jsonl",
    "read_articles_jsonl",
    "summarize_folder",
]
