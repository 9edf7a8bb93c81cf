"""One run directory's article loop: cache, model calls (serial, or parallel for endpoints),
durable records, then the aggregate.

A failure is a record, not an exception: a model that crashes on hard articles must be
charged for them.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from evals.runner.interrupt import RunInterrupted, graceful_sigint
from evals.runner.judge import Judge
from evals.runner.scoring import compute_aggregate, score_prediction
from evals.store import (
    ArticleRecord,
    CacheIndex,
    ErrorInfo,
    RunAggregate,
    RunStore,
    cache_key,
)
from summarize.errors import SummarizeError


def _error_info(exc: BaseException) -> ErrorInfo:
    message = str(exc) or type(exc).__name__
    if not isinstance(exc, SummarizeError):
        # Not an error newsbrief raises on purpose: keep where it came from for the bug report.
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        if frame is not None:
            message += f" (unexpected, at {Path(frame.filename).name}:{frame.lineno})"
    return ErrorInfo(
        type=type(exc).__name__,
        message=message,
        attempts=getattr(exc, "attempts", None),
        raw_output=getattr(exc, "raw_output", None),
    )


def execute(
    store: RunStore,
    summarizer: Any,
    cases: list[Any],
    *,
    index: CacheIndex,
    use_cache: bool,
    judge: Judge | None,
    progress: bool,
    console: Console,
    concurrency: int = 1,
) -> RunAggregate:
    """The article loop of one run directory, then its aggregate.

    Cache hits and records are handled in this thread; with ``concurrency`` > 1 (endpoint
    models only, see :func:`summarize.preflight.is_endpoint`) up to that many model calls
    run in worker threads, and records land in the order they finish.
    """
    cfg = store.config
    done = store.done_keys()
    todo = [
        (case, r) for r in range(cfg.repeats) for case in cases if (case.article_id, r) not in done
    ]
    total = len(cases) * cfg.repeats
    newsbrief_version = cfg.versions.get("newsbrief")
    label = f"{cfg.model} · {cfg.prompt}"
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    written = len(done)
    with (
        graceful_sigint(console) as stop,
        Progress(*columns, console=console, disable=not progress, transient=False) as bar,
    ):
        task = bar.add_task(escape(label), total=total, completed=len(done))

        def record(result: ArticleRecord, key: str, repeat: int) -> None:
            nonlocal written
            line = store.append(result)  # from this thread only: one writer per log
            written += 1
            if result.status == "ok":
                index.add(key, repeat, store.path, line)
            bar.advance(task)

        pool = (
            ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="newsbrief-eval")
            if concurrency > 1
            else None
        )
        pending: dict[Future[ArticleRecord], tuple[str, int]] = {}
        try:
            for case, repeat in todo:
                if stop.requested:
                    raise KeyboardInterrupt
                tag = f" #{repeat + 1}" if cfg.repeats > 1 else ""
                bar.update(task, description=escape(f"{label} · {case.article_id}{tag}"))
                key = cache_key(
                    cfg.model_info,
                    cfg.prompt_hash,
                    case.text,
                    cfg.params,
                    version=newsbrief_version,
                    behaviour_hash=cfg.behaviour_hash,
                )
                hit = index.find(key, repeat) if use_cache else None
                if hit is not None:
                    record(_from_cache(hit, case, repeat, judge), key, repeat)
                elif pool is None:
                    record(_compute(summarizer, case, repeat, key, judge), key, repeat)
                else:
                    future = pool.submit(_compute, summarizer, case, repeat, key, judge)
                    pending[future] = (key, repeat)
                    while len(pending) >= concurrency:  # keep at most N requests in flight
                        _collect(pending, record, stop)
            while pending:
                _collect(pending, record, stop)
        except KeyboardInterrupt:
            raise RunInterrupted(store.path, written, total) from None
        finally:
            if pool is not None:
                # Queued work is cancelled; requests in flight are abandoned, never written.
                pool.shutdown(wait=False, cancel_futures=True)
    aggregate = compute_aggregate(
        cfg.run_id, store.records(), {c.article_id for c in cases if c.gold is not None}
    )
    store.write_aggregate(aggregate)
    return aggregate


def _compute(
    summarizer: Any, case: Any, repeat: int, key: str, judge: Judge | None
) -> ArticleRecord:
    """Call the model for one article; a failure becomes an error record, not an exception."""
    started = time.perf_counter()
    try:
        run = summarizer.run(case.text)
    except Exception as exc:  # recorded with its type; the suite goes on
        return ArticleRecord(
            cache_key=key,
            article_id=case.article_id,
            repeat=repeat,
            status="error",
            error=_error_info(exc),
            calls=list(getattr(exc, "calls", None) or []),
            raw_outputs=[r for r in [getattr(exc, "raw_output", None)] if r],
            wall_s=time.perf_counter() - started,
        )
    prediction = run.summary.model_dump(mode="json")
    return ArticleRecord(
        cache_key=key,
        article_id=case.article_id,
        repeat=repeat,
        status="ok",
        prediction=prediction,
        raw_outputs=list(run.raw_outputs),
        dropped=[d.model_dump(mode="json") for d in run.dropped],
        choices=[c.model_dump(mode="json") for c in run.choices],
        scores=score_prediction(run.summary, case.gold, case.text),
        judge_scores=judge.judge(case.text, prediction) if judge else None,
        calls=list(run.calls),
        wall_s=run.wall_s or (time.perf_counter() - started),
    )


def _from_cache(hit: ArticleRecord, case: Any, repeat: int, judge: Judge | None) -> ArticleRecord:
    """A cached prediction, re-scored against the current gold (and judged if asked).

    The copy keeps the original's calls and wall time: they are what the prediction cost,
    so a cached run reports the same cost figures as the run it copies.
    """
    assert hit.prediction is not None
    judge_scores = hit.judge_scores
    if judge is not None and (judge_scores or {}).get("judge") != judge.model_id:
        judge_scores = judge.judge(case.text, hit.prediction)
    elif judge is None:
        judge_scores = None
    return hit.model_copy(
        update={
            "article_id": case.article_id,
            "repeat": repeat,
            "cached": True,
            "scores": score_prediction(hit.prediction, case.gold, case.text),
            "judge_scores": judge_scores,
        },
        deep=True,
    )


def _collect(
    pending: dict[Future[ArticleRecord], tuple[str, int]],
    record: Callable[[ArticleRecord, str, int], None],
    stop: Any,
) -> None:
    """Wait for the next finished request and record it; honour a pending stop request."""
    finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
    for future in finished:
        key, repeat = pending.pop(future)
        record(future.result(), key, repeat)
    if stop.requested:
        raise KeyboardInterrupt


__all__ = ["execute"]
