"""Run a suite through (model, prompt) pairs, recording every result the moment it lands.

For each article and repeat: skip it if the run already holds it (resume), serve it from
the cache when an earlier run made the same prediction (re-scored against the current
gold), else call the model, score and append (:mod:`evals.runner.execute`). Every model
string, prompt, the suite and its gold are checked before the first model loads: a typo
in the last prompt must not cost a whole run of the first. Models run one after another,
each loaded once: two model processes on 2 cores make each many times slower.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from evals.errors import RunMismatchError, RunStoreError
from evals.gold import default_suite
from evals.runner.cases import check_resume, kwargs_from_recorded, load_cases
from evals.runner.execute import execute
from evals.runner.judge import Judge
from evals.runner.provenance import git_commit, new_run_id, package_versions
from evals.store import CacheIndex, RunConfig, RunStore, resolve_recorded_dir
from evals.store.rundir import AGGREGATE_FILE
from summarize.core.jsonl import JsonlLog
from summarize.engines import EngineOptions
from summarize.preflight import check_matrix, check_model, is_endpoint

#: Where ``--retry-errors`` keeps the failed records it replaces (the cost stays on file).
RETRIED_FILE = "retried.jsonl"


def run_suite(
    models: Sequence[str] | None,
    prompts: Sequence[str | None] | None,
    *,
    suite_dir: Path | None = None,
    gold_dir: Path | None = None,
    repeats: int | None = None,
    runs_root: Path = Path("runs"),
    resume: Path | None = None,
    retry_errors: bool = False,
    use_cache: bool = True,
    judge: str | None = None,
    params: dict[str, Any] | None = None,
    concurrency: int = 1,
    progress: bool = True,
    console: Console | None = None,
    engine: EngineOptions | None = None,
) -> list[Path]:
    """Run every (model, prompt) pair over the suite; return the run directories in order.

    ``suite_dir=None`` means the built-in seed suite with its gold (``gold_dir`` is then
    ignored); with a ``suite_dir`` (a folder, or a ``*.jsonl`` file), ``gold_dir=None``
    means no gold (predictions are recorded, not scored). ``repeats`` defaults to 1 (to the
    run's own on resume). ``params`` are :class:`~summarize.pipeline.Summarizer` keyword
    arguments. ``judge`` (a model string) adds the LLM-judged faithfulness score to every
    ok record, labelled with the judge. ``use_cache=False`` calls the model for every
    article but still indexes the results for later runs. ``concurrency`` > 1 runs that
    many requests at once for endpoint models; an in-process (``local/``) model stays
    serial, with a note on ``console``. ``engine`` says where the articles are computed
    (default: this process; ``EngineOptions("ray", ...)``: a Ray actor pool); the run
    directory is written here either way, with the same records.

    ``resume`` continues that run directory: the model, prompt, suite and judge default to
    the run's own, and any difference in model identity, prompt content, parameters, suite,
    repeats or judge is refused with :class:`RunMismatchError`. With ``retry_errors`` the
    run's failed articles are computed again (the failed records move to
    ``retried.jsonl``). Raises :class:`RunInterrupted` on Ctrl-C.
    """
    from summarize.pipeline import Summarizer

    console = console or Console(stderr=True)
    runs_root = Path(runs_root)
    if concurrency < 1:
        raise RunStoreError(f"concurrency must be at least 1, not {concurrency}")
    if judge is not None:
        check_model(judge)

    if resume is not None:
        return [
            _resume(
                Path(resume),
                models,
                prompts,
                suite_dir=suite_dir,
                gold_dir=gold_dir,
                repeats=repeats,
                retry_errors=retry_errors,
                use_cache=use_cache,
                judge=judge,
                params=params,
                concurrency=concurrency,
                progress=progress,
                console=console,
                engine=engine,
            )
        ]
    if retry_errors:
        raise RunStoreError("retrying errors needs the run to retry (--retry-errors RUN)")

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
    check_matrix(model_list, prompt_list)  # the whole matrix before the first model loads
    versions = package_versions()
    commit = git_commit()
    index = CacheIndex(runs_root)
    judge_runner = Judge(judge) if judge else None

    dirs: list[Path] = []
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
                behaviour_hash=summarizer.behaviour_hash,
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
            execute(
                store,
                summarizer,
                cases,
                index=index,
                use_cache=use_cache,
                judge=judge_runner,
                progress=progress,
                console=console,
                concurrency=_effective_concurrency(model, concurrency, console),
                engine=engine,
            )
    return dirs


def _effective_concurrency(model: str, concurrency: int, console: Console) -> int:
    """``concurrency`` for an endpoint; 1, with a one-line note, for an in-process model."""
    if concurrency > 1 and not is_endpoint(model):
        console.print(
            f"[yellow]note:[/] {escape(model)} runs in this process, one article "
            f"at a time (--concurrency {concurrency} applies to endpoint models)"
        )
        return 1
    return concurrency


def _resume(
    run_dir: Path,
    models: Sequence[str] | None,
    prompts: Sequence[str | None] | None,
    *,
    suite_dir: Path | None,
    gold_dir: Path | None,
    repeats: int | None,
    retry_errors: bool,
    use_cache: bool,
    judge: str | None,
    params: dict[str, Any] | None,
    concurrency: int,
    progress: bool,
    console: Console,
    engine: EngineOptions | None = None,
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
        gold_dir = (
            resolve_recorded_dir(cfg.gold, store.path) or Path(cfg.gold) if cfg.gold else None
        )
    cases, digest = load_cases(suite_dir, gold_dir)
    check_matrix([cfg.model], [cfg.prompt])
    records = store.records()
    failed = [r for r in records if r.status == "error"]
    if retry_errors and not failed:
        console.print(f"[dim]{escape(str(store.path))}: no failed articles to retry[/]")
        if store.aggregate is not None:
            return store.path
    kwargs = dict(params) if params is not None else kwargs_from_recorded(cfg.params)
    summarizer = Summarizer(cfg.model, cfg.prompt, **kwargs)
    check_resume(store, summarizer, digest, repeats)
    if retry_errors and failed:
        # The failed records leave records.jsonl (so they are computed again) but not the
        # run: they are kept beside it, with what they cost.
        retried = JsonlLog(store.path / RETRIED_FILE)
        for record in failed:
            retried.append(record)
        store.rewrite_records([r for r in records if r.status != "error"])
        (store.path / AGGREGATE_FILE).unlink(missing_ok=True)
        console.print(f"[dim]retrying {len(failed)} failed article(s) of {escape(store.run_id)}[/]")
    execute(
        store,
        summarizer,
        cases,
        index=CacheIndex(store.path.parent),
        use_cache=use_cache,
        judge=Judge(cfg.judge) if cfg.judge else None,
        progress=progress,
        console=console,
        concurrency=_effective_concurrency(cfg.model, concurrency, console),
        engine=engine,
    )
    return store.path


__all__ = ["RETRIED_FILE", "run_suite"]
