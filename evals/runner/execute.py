"""One run directory's article loop: cache, model calls (serial, or parallel for endpoints,
here or on a Ray actor pool), durable records, then the aggregate.

A failure is a record, not an exception: a model that crashes on hard articles must be
charged for them. Whatever the engine, this thread is the one writer of the records.
"""

from __future__ import annotations

import time
import traceback
from contextlib import closing
from dataclasses import dataclass
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
from summarize.engines import EngineOptions, SummarizerWork, make_engine
from summarize.errors import SummarizeError, WorkerLostError


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
    engine: EngineOptions | None = None,
) -> RunAggregate:
    """The article loop of one run directory, then its aggregate.

    Cache hits and records are handled in this thread; the articles the cache does not hold
    go to the ``engine`` (default: this process), with ``concurrency`` > 1 (endpoint models
    only, see :func:`summarize.preflight.is_endpoint`) calls in flight in worker threads
    (per actor with Ray); records land in the order they finish.
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

        try:
            runner = make_engine(engine, console=console)
            # Locally and serially, records land in suite order (cache hits between the
            # articles computed); otherwise hits first, then results as they finish.
            in_order = runner.name == "local" and concurrency <= 1
            entries: list[tuple[Any, int, str, ArticleRecord | None]] = []
            misses: list[EvalItem] = []
            for case, repeat in todo:
                if stop.requested:
                    raise KeyboardInterrupt
                key = cache_key(
                    cfg.model_info,
                    cfg.prompt_hash,
                    case.text,
                    cfg.params,
                    version=newsbrief_version,
                    behaviour_hash=cfg.behaviour_hash,
                )
                hit = index.find(key, repeat) if use_cache else None
                if hit is not None and not in_order:
                    record(_from_cache(hit, case, repeat, judge), key, repeat)
                    continue
                entries.append((case, repeat, key, hit))
                if hit is None:
                    misses.append(EvalItem(case, repeat, key))
            if runner.name != "local":
                bar.update(task, description=escape(f"{label} · {runner.describe()}"))

            def started(item: EvalItem) -> None:
                tag = f" #{item.repeat + 1}" if cfg.repeats > 1 else ""
                bar.update(task, description=escape(f"{label} · {item.case.article_id}{tag}"))

            work = EvalWork(summarizer, cfg.model, judge)
            with closing(
                runner.map(
                    work,
                    misses,
                    concurrency=concurrency,
                    on_start=started,
                    stop=lambda: stop.requested,
                )
            ) as results:
                for case, repeat, key, hit in entries:
                    if hit is not None:
                        record(_from_cache(hit, case, repeat, judge), key, repeat)
                    elif in_order:  # the serial engine computes exactly this one now
                        item, result = next(results)
                        record(result, item.key, item.repeat)
                    if stop.requested:
                        raise KeyboardInterrupt
                for item, result in results:
                    record(result, item.key, item.repeat)
                    if stop.requested:
                        raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RunInterrupted(store.path, written, total) from None
    aggregate = compute_aggregate(
        cfg.run_id, store.records(), {c.article_id for c in cases if c.gold is not None}
    )
    store.write_aggregate(aggregate)
    return aggregate


@dataclass(frozen=True)
class EvalItem:
    """One (article, repeat) the cache does not hold, with its cache key."""

    case: Any
    repeat: int
    key: str


class EvalWork(SummarizerWork[EvalItem, ArticleRecord]):
    """One (article, repeat) into its record: the prediction, scored, judged if asked, or
    an error record; the same :func:`_compute` here and on a Ray actor."""

    def __init__(self, summarizer: Any, model: str, judge: Judge | None) -> None:
        super().__init__(summarizer, model)
        self.judge_model = judge.model_id if judge is not None else None
        self._judge = judge

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_judge"] = None  # a worker builds its own judge
        return state

    def setup(self) -> Any:
        summarizer = self.summarizer()
        if self._judge is None and self.judge_model is not None:
            self._judge = Judge(self.judge_model)
        judge = self._judge
        return lambda item: _compute(summarizer, item.case, item.repeat, item.key, judge)

    def lost(self, item: EvalItem, reason: str) -> ArticleRecord:
        return ArticleRecord(
            cache_key=item.key,
            article_id=item.case.article_id,
            repeat=item.repeat,
            status="error",
            error=_error_info(WorkerLostError(reason)),
        )

    def name(self, item: EvalItem) -> str:
        return item.case.article_id + (f" #{item.repeat + 1}" if item.repeat else "")


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


__all__ = ["EvalItem", "EvalWork", "execute"]
