"""Summarize a folder of articles into one JSONL file: no gold, resumable, optionally parallel.

One line per finished article (``article``, ``status``, ``summary``, ``error``, ``calls``,
``wall_s``, ``model``, ``prompt``), appended with the crash rules of :mod:`summarize.core.jsonl`.
Re-running skips articles with an ``ok`` line and retries failed ones (a failure is often
transient); mixing two models or prompts in one file is refused. ``concurrency > 1`` is for
endpoints: a local model runs one article at a time, since two generations on few cores
make each many times slower.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from summarize.core.errors import CorruptLineError, OutputMismatchError, SummarizeError
from summarize.core.jsonl import JsonlLog

#: File name endings a folder is expanded to.
ARTICLE_SUFFIXES = (".txt", ".md", ".html")


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
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.failed

    def __str__(self) -> str:
        parts = [f"{self.ok} ok", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        return f"{self.total} article(s): {', '.join(parts)} in {self.wall_s:.1f} s -> {self.out}"


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


def _line(
    article: Path,
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
) -> BatchStats:
    """Summarize every input article into ``out`` (JSONL), one line per article as it finishes.

    ``resume=False`` starts ``out`` over. Raises :class:`OutputMismatchError` when ``out`` holds
    another model's or prompt's summaries and :class:`CorruptLineError` when it holds a
    damaged line; article failures are lines with ``"status": "error"``, not exceptions.
    """
    from summarize.pipeline import Summarizer
    from summarize.providers.registry import default_model
    from summarize.text.inputs import read_article

    console = console or Console(stderr=True)
    started_all = time.perf_counter()
    out = Path(out)
    articles = expand_inputs(inputs)
    model_name = model or default_model()
    stats = BatchStats(out=out, total=len(articles))
    if concurrency < 1:
        raise SummarizeError(f"concurrency must be at least 1, not {concurrency}")
    if concurrency > 1 and model_name.startswith("local/"):
        note = (
            f"{model_name} runs in this process: one article at a time "
            f"(--concurrency {concurrency} ignored; parallel generation on few cores is "
            "many times slower)"
        )
        stats.notes.append(note)
        console.print(f"[yellow]note:[/] {escape(note)}")
        concurrency = 1
    stats.concurrency = concurrency

    summarizer = Summarizer(model_name, prompt)
    model_id, prompt_name = summarizer.backend.model_id, summarizer.prompt_name
    hashes = {"prompt_hash": summarizer.prompt_hash, "behaviour_hash": summarizer.behaviour_hash}
    out.parent.mkdir(parents=True, exist_ok=True)
    log = JsonlLog(out)
    if not resume:
        log.rewrite([])
    done = _load_done(log, model_id, prompt_name)
    todo = [a for a in articles if str(a) not in done and str(a.resolve()) not in done]
    stats.skipped = len(articles) - len(todo)

    def one(article: Path) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            loaded = read_article(article)
            run = summarizer.run(loaded.text, published=loaded.published)
        except Exception as exc:  # recorded as an error line; the batch goes on
            return _line(article, model_id, prompt_name, started, exc=exc, hashes=hashes)
        return _line(article, model_id, prompt_name, started, run=run, hashes=hashes)

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
        task = bar.add_task(
            escape(f"{model_id} · {prompt_name}"), total=len(articles), completed=stats.skipped
        )
        if concurrency == 1:
            for article in todo:
                bar.update(task, description=escape(f"{model_id} · {article.name}"))
                record(one(article))
                bar.advance(task)
        else:
            pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="newsbrief-batch")
            try:
                pending: set[Future[dict[str, Any]]] = {pool.submit(one, a) for a in todo}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        record(future.result())  # appended by this thread only
                        bar.advance(task)
            finally:
                # On Ctrl-C: queued articles are cancelled, the ones in flight are abandoned
                # (their lines are never written), what was written stays.
                pool.shutdown(wait=False, cancel_futures=True)
    stats.wall_s = time.perf_counter() - started_all
    return stats


__all__ = ["ARTICLE_SUFFIXES", "BatchStats", "expand_inputs", "summarize_folder"]
