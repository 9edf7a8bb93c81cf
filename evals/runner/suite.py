"""Run a suite through (model, prompt) pairs, recording every result the moment it lands.

For each article and repeat: skip it if the run already holds it (resume), serve it from
the cache when an earlier run made the same prediction (re-scored against the current
gold), else call the model, score and append. A failure is a record, not an exception: a
model that crashes on hard articles must be charged for them. Models run one after
another, each loaded once: two model processes on 2 cores make each many times slower.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Sequence
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

from evals.errors import RunMismatchError, RunStoreError
from evals.gold import default_suite
from evals.runner.cases import check_resume, kwargs_from_recorded, load_cases
from evals.runner.interrupt import RunInterrupted, graceful_sigint
from evals.runner.judge import Judge
from evals.runner.provenance import git_commit, new_run_id, package_versions
from evals.runner.scoring import compute_aggregate, score_prediction
from evals.store import (
    ArticleRecord,
    CacheIndex,
    ErrorInfo,
    RunAggregate,
    RunConfig,
    RunStore,
    cache_key,
    resolve_recorded_dir,
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

def run_suite(
    models: Sequence[str] | None,
    prompts: Sequence[str | None] | None,
    *,
    suite_dir: Path | None = None,
    gold_dir: Path | None = None,
    repeats: int | None = None,
    runs_root: Path = Path("runs"),
    resume: Path | None = None,
    use_cache: bool = True,
    judge: str | None = None,
    params: dict[str, Any] | None = None,
    progress: bool = True,
    console: Console | None = None,
) -> list[Path]:
    """Run every (model, prompt) pair over the suite; return the run directories in order.

    ``suite_dir=None`` means the built-in seed suite with its gold (``gold_dir`` is then
    ignored); with a ``suite_dir``, ``gold_dir=None`` means no gold (predictions are
    recorded, not scored). ``repeats`` defaults to 1 (to the run's own on resume).
    ``params`` are :class:`~summarize.pipeline.Summarizer` keyword arguments. ``judge`` (a
    model string) adds the LLM-judged faithfulness score to every ok record, labelled with
    the judge; deterministic scores never depend on it. ``use_cache=False`` calls the model
    for every article but still indexes the results for later runs.

    ``resume`` continues that run directory: the model, prompt, suite and judge default to
    the run's own, and any difference in model identity, prompt content, parameters, suite,
    repeats or judge is refused with :class:`RunMismatchError`. Raises
    :class:`RunInterrupted` on Ctrl-C.
    """
    from summarize.pipeline import Summarizer

    console = console or Console(stderr=True)
    runs_root = Path(runs_root)
    dirs: list[Path] = []

    if resume is not None:
        return [_resume(Path(resume), models, prompts, suite_dir=suite_dir, gold_dir=gold_dir,
                        repeats=repeats, use_cache=use_cache, judge=judge, params=params,
                        progress=progress, console=console)]

    if suite_dir is None:
        suite_dir, gold_dir = default_suite()
    cases, digest = load_cases(suite_dir, gold_dir)
    model_list: list[str] = list(models or [])
    if not model_list:
        from summarize.providers.registry import default_model

        model_list = [default_model()]
    prompt_list: list[str | None] = list(prompts or [None])
    n_repeats = 1 if repeats is None else repeats
    if n_repeats < 1:
        raise RunStoreError(f"repeats must be at least 1, not {n_repeats}")
    versions = package_versions()
    commit = git_commit()
    index = CacheIndex(runs_root)
    judge_runner = Judge(judge) if judge else None

    for model in model_list:  # sequential on purpose: one model process per machine
        for prompt in prompt_list:
            summarizer = Summarizer(model, prompt, **dict(params or {}))
            config = RunConfig(
                run_id=new_run_id(runs_root, model, summarizer.prompt_name),
                created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                model=model,
                model_info=summarizer.backend.describe(),
                prompt=summarizer.prompt_name,
                prompt_hash=summarizer.prompt_hash,
                params=summarizer.params,
                repeats=n_repeats,
                suite=str(Path(suite_dir).resolve()),
                gold=str(Path(gold_dir).resolve()) if gold_dir is not None else None,
                suite_hash=digest,
                articles=[c.article_id for c in cases],
                versions=versions,
                git_commit=commit,
                judge=judge_runner.model_id if judge_runner else None,
            )
            store = RunStore.create(runs_root, config)
            dirs.append(store.path)
            _execute(store, summarizer, cases, index=index, use_cache=use_cache,
                     judge=judge_runner, progress=progress, console=console)
    return dirs

def _resume(
    run_dir: Path,
    models: Sequence[str] | None,
    prompts: Sequence[str | None] | None,
    *,
    suite_dir: Path | None,
    gold_dir: Path | None,
    repeats: int | None,
    use_cache: bool,
    judge: str | None,
    params: dict[str, Any] | None,
    progress: bool,
    console: Console,
) -> Path:
    """Continue ``run_dir`` with its own model, prompt, parameters, suite and judge.

    What the caller names explicitly must agree with the run; what it leaves out is taken
    from the run's config. Summarizer arguments come from the recorded effective params.
    """
    from summarize.pipeline import Summarizer

    store = RunStore.open(run_dir)
    cfg = store.config
    if models and list(models) != [cfg.model]:
        raise RunMismatchError(
            f"cannot resume {store.path}: it ran model {cfg.model!r}, not "
            f"{', '.join(map(repr, models))}"
        )
    asked_prompts = [p for p in (prompts or []) if p is not None]
    if asked_prompts and asked_prompts != [cfg.prompt]:
        raise RunMismatchError(
            f"cannot resume {store.path}: it ran prompt {cfg.prompt!r}, not "
            f"{', '.join(map(repr, asked_prompts))}"
        )
    if judge is not None and judge != cfg.judge:
        raise RunMismatchError(
            f"cannot resume {store.path}: it was judged by {cfg.judge or 'no judge'}, not "
            f"{judge}; start a new run to change the judge"
        )
    if suite_dir is None:
        suite_dir = resolve_recorded_dir(cfg.suite, store.path) or Path(cfg.suite)
        gold_dir = (resolve_recorded_dir(cfg.gold, store.path) or Path(cfg.gold)
                    if cfg.gold else None)
    cases, digest = load_cases(suite_dir, gold_dir)
    kwargs = dict(params) if params is not None else kwargs_from_recorded(cfg.params)
    summarizer = Summarizer(cfg.model, cfg.prompt, **kwargs)
    check_resume(store, summarizer, digest, repeats)
    _execute(store, summarizer, cases, index=CacheIndex(store.path.parent),
             use_cache=use_cache, judge=Judge(cfg.judge) if cfg.judge else None,
             progress=progress, console=console)
    return store.path

def _execute(
    store: RunStore,
    summarizer: Any,
    cases: list[Any],
    *,
    index: CacheIndex,
    use_cache: bool,
    judge: Judge | None,
    progress: bool,
    console: Console,
) -> RunAggregate:
    """The article loop of one run directory, then its aggregate."""
    cfg = store.config
    done = store.done_keys()
    todo = [(case, r) for r in range(cfg.repeats) for case in cases
            if (case.article_id, r) not in done]
    total = len(cases) * cfg.repeats
    newsbrief_version = cfg.versions.get("newsbrief")
    label = f"{cfg.model} · {cfg.prompt}"
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    written = len(done)
    with (
        graceful_sigint(console) as stop,
        Progress(*columns, console=console, disable=not progress, transient=False) as bar,
    ):
        task = bar.add_task(escape(label), total=total, completed=len(done))
        try:
            for case, repeat in todo:
                if stop.requested:
                    raise KeyboardInterrupt
                tag = f" #{repeat + 1}" if cfg.repeats > 1 else ""
                bar.update(task, description=escape(f"{label} · {case.article_id}{tag}"))
                key = cache_key(cfg.model_info, cfg.prompt_hash, case.text, cfg.params,
                                version=newsbrief_version)
                record = None
                if use_cache:
                    hit = index.find(key, repeat)
                    if hit is not None:
                        record = _from_cache(hit, case, repeat, judge)
                if record is None:
                    record = _compute(summarizer, case, repeat, key, judge)
                line = store.append(record)
                written += 1
                if record.status == "ok":
                    index.add(key, repeat, store.path, line)
                bar.advance(task)
        except KeyboardInterrupt:
            raise RunInterrupted(store.path, written, total) from None
    aggregate = compute_aggregate(cfg.run_id, store.records(),
                                  {c.article_id for c in cases if c.gold is not None})
    store.write_aggregate(aggregate)
    return aggregate

def _compute(summarizer: Any, case: Any, repeat: int, key: str,
             judge: Judge | None) -> ArticleRecord:
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
        scores=score_prediction(run.summary, case.gold, case.text),
        judge_scores=judge.judge(case.text, prediction) if judge else None,
        calls=list(run.calls),
        wall_s=run.wall_s or (time.perf_counter() - started),
    )

def _from_cache(hit: ArticleRecord, case: Any, repeat: int,
                judge: Judge | None) -> ArticleRecord:
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


__all__ = ["run_suite"]
