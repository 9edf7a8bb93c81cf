"""Run a suite of articles through (model, prompt) pairs and record every result as it lands.

One run directory per (model, prompt) pair (see :mod:`evals.store`). For every article and
repeat the runner, in this order:

1. skips it if the run already holds a record for it (``resume``: nothing finished is
   computed twice);
2. serves it from the result cache when an earlier run made the same prediction (same
   model identity, prompt content, article text and parameters) -- the record is copied
   with ``cached=True`` and re-scored against the *current* gold, which is cheap;
3. otherwise calls :meth:`summarize.pipeline.Summarizer.run`, scores the prediction against
   the gold (when the article has gold) and appends the record at once.

A failing article becomes a record with ``status="error"`` and the suite goes on: a model
that crashes on the hard articles must be charged for them, not silently measured on the
easy ones. Models run one after another, never in parallel: on a 2-core machine a second
model process makes both 10-20x slower (STACK_NOTES), and each model is loaded once per run.

Ctrl-C is graceful: the first one lets the article in flight finish and be written, then
stops with :class:`RunInterrupted` (a ``KeyboardInterrupt``) that names the run to resume;
a second Ctrl-C abandons the article in flight. What was written stays written.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import signal
import statistics
import subprocess
import threading
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
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

from evals.records import ArticleRecord, ErrorInfo, FieldAggregate, RunAggregate, RunConfig
from evals.store import (
    CacheIndex,
    RunMismatchError,
    RunStore,
    RunStoreError,
    cache_key,
)
from summarize.core.schema import ArticleSummary
from summarize.errors import SummarizeError

#: Distributions whose versions go into every run config (those not installed are left out).
VERSIONED_PACKAGES = ("newsbrief", "instructor", "openai", "pydantic", "llama-cpp-python",
                      "deepeval")
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by Ctrl-C; everything finished before it is on disk.

    A ``KeyboardInterrupt`` so that callers who do not know this class still stop; the CLI
    catches it to print how to resume and exits 130.
    """

    def __init__(self, run_dir: Path, done: int, total: int) -> None:
        super().__init__(f"interrupted: {done} of {total} records kept in {run_dir}")
        self.run_dir = run_dir
        self.done = done
        self.total = total

    @property
    def resume_command(self) -> str:
        return f"newsbrief eval run --resume {self.run_dir}"


# --- provenance -----------------------------------------------------------------------------
def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape a run's output."""
    from evals.store import newsbrief_version

    out: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    out["newsbrief"] = newsbrief_version()  # the release and the library code's digest
    return out


def git_commit(cwd: Path = _PACKAGE_ROOT) -> str | None:
    """``git rev-parse HEAD`` of the checkout holding this code; None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:60] or "x"


def new_run_id(root: Path, model: str, prompt: str) -> str:
    """``<UTC time>-<model>-<prompt>``, with a counter if that directory exists already."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{stamp}-{_slug(model)}-{_slug(prompt)}"
    run_id, n = base, 1
    while (Path(root) / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


# --- scoring and aggregation -----------------------------------------------------------------
def score_prediction(prediction: dict[str, Any] | ArticleSummary, gold: Any,
                     text: str) -> dict[str, Any] | None:
    """``ArticleScores.model_dump()`` of a prediction against gold; None without gold."""
    if gold is None:
        return None
    from evals.metrics import score_article

    pred = (prediction if isinstance(prediction, ArticleSummary)
            else ArticleSummary.model_validate(prediction))
    return score_article(pred, gold, text).model_dump(mode="json")


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def compute_aggregate(run_id: str, records: Sequence[ArticleRecord],
                      gold_ids: set[str] | None = None) -> RunAggregate:
    """Suite figures of a run from its records.

    Scored figures (field P/R/F1, macro F1, polarity, grounding) come from
    :func:`evals.metrics.aggregate_scores` over the articles that have gold; a failed
    record of such an article counts as ``None`` (a zero, see aggregate_scores). Articles
    without gold are in the validity rate and the cost figures only. ``gold_ids`` says which
    articles have gold; without it, an article has gold when any of its records was scored.
    ``validity_rate`` is ok / all records; medians of time and tokens are over ok records
    (a failure's cost is in ``total_calls``, its time would only measure how fast it failed).
    """
    from evals.metrics import ArticleScores, aggregate_scores

    if gold_ids is None:
        gold_ids = {r.article_id for r in records if r.scores is not None}
    scored: list[ArticleScores | None] = []
    for r in records:
        if r.article_id not in gold_ids:
            continue
        if r.status == "ok" and r.scores is not None:
            scored.append(ArticleScores.model_validate(r.scores))
        else:
            scored.append(None)
    agg = aggregate_scores(scored) if scored else {}
    ok = [r for r in records if r.status == "ok"]

    def tokens(r: ArticleRecord, attr: str) -> int | None:
        values = [getattr(c, attr) for c in r.calls if getattr(c, attr) is not None]
        return sum(values) if values else None

    prompt_tokens = [t for r in ok if (t := tokens(r, "prompt_tokens")) is not None]
    completion_tokens = [t for r in ok if (t := tokens(r, "completion_tokens")) is not None]
    judged = [
        float(r.judge_scores["faithfulness"]) for r in records
        if r.judge_scores and isinstance(r.judge_scores.get("faithfulness"), int | float)
    ]
    return RunAggregate(
        run_id=run_id,
        n_records=len(records),
        n_ok=len(ok),
        n_error=len(records) - len(ok),
        fields={k: FieldAggregate(**v) for k, v in (agg.get("fields") or {}).items()},
        macro_f1=agg.get("macro_f1"),
        polarity_accuracy=agg.get("polarity_accuracy"),
        grounding_rate=agg.get("grounding_rate"),
        validity_rate=len(ok) / len(records) if records else 0.0,
        median_wall_s=_median([r.wall_s for r in ok]),
        median_prompt_tokens=_median([float(t) for t in prompt_tokens]),
        median_completion_tokens=_median([float(t) for t in completion_tokens]),
        total_calls=sum(len(r.calls) for r in records),
        judge={"faithfulness": statistics.fmean(judged), "n_judged": float(len(judged))}
        if judged else None,
    )


# --- Ctrl-C ----------------------------------------------------------------------------------
class _StopRequest:
    """First SIGINT: finish the article in flight, then stop. Second: abort it at once."""

    def __init__(self, console: Console) -> None:
        self.requested = False
        self.console = console

    def handler(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.console.print(
            "[yellow]Stopping after the current article (Ctrl-C again to abandon it)…[/]"
        )


@contextmanager
def _graceful_sigint(console: Console) -> Iterator[_StopRequest]:
    stop = _StopRequest(console)
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is signal.SIG_IGN):
        # Signals reach the main thread only (an embedding app handles them there), and a
        # process started with Ctrl-C ignored (nohup, a background job) keeps ignoring it.
        yield stop
        return
    previous = signal.signal(signal.SIGINT, stop.handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


# --- the runner ------------------------------------------------------------------------------
def _kwargs_from_recorded(recorded: dict[str, Any]) -> dict[str, Any]:
    """The Summarizer keyword arguments among a run's recorded effective params (resume)."""
    from summarize.pipeline import Summarizer

    accepted = set(inspect.signature(Summarizer.__init__).parameters) - {"self", "model",
                                                                        "prompt"}
    return {k: v for k, v in recorded.items() if k in accepted and v is not None}


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


class _Judge:
    """The optional LLM judge (deepeval GEval faithfulness); imported only when asked for."""

    def __init__(self, model: str) -> None:
        from evals.deepeval_metrics import make_faithfulness_judge
        from summarize.providers.registry import resolve_backend

        self.backend = resolve_backend(model)
        self.model_id = model  # the model string: what labels the scores and resumes the run
        self.metric = make_faithfulness_judge(self.backend)

    def judge(self, text: str, prediction: dict[str, Any]) -> dict[str, Any]:
        from evals.deepeval_metrics import make_test_case

        before = len(self.metric.judge.calls)
        out: dict[str, Any] = {"judge": self.model_id}
        try:
            case = make_test_case(text, ArticleSummary.model_validate(prediction), "")
            out["faithfulness"] = float(self.metric.measure(case))
            out["reason"] = self.metric.reason
            if self.metric.error:
                out["error"] = str(self.metric.error)
        except Exception as exc:  # a judge failure must not lose the record
            out["faithfulness"] = None
            out["error"] = f"{type(exc).__name__}: {exc}"
            failed_calls = list(getattr(exc, "calls", None) or [])
        else:
            failed_calls = []
        calls = [*self.metric.judge.calls[before:], *failed_calls]
        out["calls"] = [c.model_dump(mode="json") for c in calls]
        return out


def recorded_dir(recorded: str, run_dir: Path) -> Path:
    """A suite or gold directory recorded in a run config, found from where we are now.

    Runs record absolute paths, but a run directory may come from another machine (CI) or
    a checkout elsewhere. Tried in turn: the path as recorded; relative to the working
    directory, the run directory, its runs root and the folder holding that; the built-in
    seed suite or gold when the recorded folder has its name. A wrong guess cannot go
    unnoticed: resume checks the suite hash and rescore the articles' cache keys. Returns
    the recorded path when nothing fits, so the error names what the run asked for.
    """
    from evals.gold import default_suite

    raw = Path(recorded)
    candidates = [raw]
    if not raw.is_absolute():
        candidates += [Path.cwd() / raw, run_dir / raw, run_dir.parent / raw,
                       run_dir.parent.parent / raw]
    candidates += [d for d in default_suite() if d.name == raw.name]
    return next((c for c in candidates if c.is_dir()), raw)


def _load_cases(suite_dir: Path, gold_dir: Path | None) -> tuple[list[Any], str]:
    from evals.gold import load_suite, suite_hash

    cases = load_suite(Path(suite_dir), Path(gold_dir) if gold_dir is not None else None)
    if not cases:
        raise RunStoreError(f"{suite_dir}: the suite holds no *.txt articles")
    return cases, suite_hash(cases)


def _plain(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists, paths strings)."""
    return json.loads(json.dumps(value, default=str))


def _check_resume(store: RunStore, summarizer: Any, suite_digest: str,
                  repeats: int | None) -> None:
    """Refuse to continue a run with anything that would change its outputs."""
    cfg = store.config
    problems: list[str] = []
    info = _plain(summarizer.backend.describe())
    if info != _plain(cfg.model_info):
        problems.append(f"the model differs ({cfg.model_info} in the run, {info} now)")
    if summarizer.prompt_hash != cfg.prompt_hash:
        problems.append(
            f"the prompt differs ({cfg.prompt} {cfg.prompt_hash[:12]} in the run, "
            f"{summarizer.prompt_name} {summarizer.prompt_hash[:12]} now)"
        )
    if _plain(summarizer.params) != _plain(cfg.params):
        problems.append(f"the parameters differ ({cfg.params} in the run, {summarizer.params} now)")
    if suite_digest != cfg.suite_hash:
        problems.append("the suite differs (articles or gold changed since the run started)")
    if repeats is not None and repeats != cfg.repeats:
        problems.append(f"repeats differ ({cfg.repeats} in the run, {repeats} asked)")
    if problems:
        raise RunMismatchError(
            f"cannot resume {store.path}: " + "; ".join(problems)
            + ". Start a new run instead (without --resume)."
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
    from evals.gold import default_suite
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
    cases, digest = _load_cases(suite_dir, gold_dir)
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
    judge_runner = _Judge(judge) if judge else None

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
        suite_dir = recorded_dir(cfg.suite, store.path)
        gold_dir = recorded_dir(cfg.gold, store.path) if cfg.gold else None
    cases, digest = _load_cases(suite_dir, gold_dir)
    kwargs = dict(params) if params is not None else _kwargs_from_recorded(cfg.params)
    summarizer = Summarizer(cfg.model, cfg.prompt, **kwargs)
    _check_resume(store, summarizer, digest, repeats)
    _execute(store, summarizer, cases, index=CacheIndex(store.path.parent),
             use_cache=use_cache, judge=_Judge(cfg.judge) if cfg.judge else None,
             progress=progress, console=console)
    return store.path


def _execute(
    store: RunStore,
    summarizer: Any,
    cases: list[Any],
    *,
    index: CacheIndex,
    use_cache: bool,
    judge: _Judge | None,
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
        _graceful_sigint(console) as stop,
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
             judge: _Judge | None) -> ArticleRecord:
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
                judge: _Judge | None) -> ArticleRecord:
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


# --- rescoring -------------------------------------------------------------------------------
def rescore(run_dir: Path, *, gold_dir: Path | None = None) -> RunAggregate:
    """Re-score a run's stored predictions with the current metrics and gold; no model calls.

    ``gold_dir`` defaults to the gold the run was made with. The records file is rewritten
    atomically (same records, same order, new ``scores``), then the aggregate (only for a
    finished run: an aggregate marks a run as complete); the config's gold path and suite
    hash are updated so that comparisons see which gold scored the run.
    Refuses when an article's text changed since the prediction was made (its cache key no
    longer matches): scores of a prediction against another text would be meaningless.
    """
    store = RunStore.open(Path(run_dir))
    cfg = store.config
    if gold_dir is None:
        if not cfg.gold:
            raise RunStoreError(
                f"{store.path}: the run records no gold directory; pass one (--gold DIR)"
            )
        gold_dir = recorded_dir(cfg.gold, store.path)
    cases, digest = _load_cases(recorded_dir(cfg.suite, store.path), Path(gold_dir))
    by_id = {c.article_id: c for c in cases}
    records = store.records()
    rescored: list[ArticleRecord] = []
    for record in records:
        case = by_id.get(record.article_id)
        if case is None:
            raise RunMismatchError(
                f"cannot rescore {store.path}: article {record.article_id!r} is no longer in "
                f"{cfg.suite}"
            )
        key = cache_key(cfg.model_info, cfg.prompt_hash, case.text, cfg.params,
                        version=cfg.versions.get("newsbrief"))
        if key != record.cache_key:
            raise RunMismatchError(
                f"cannot rescore {store.path}: the text of article {record.article_id!r} "
                "changed since it was summarized"
            )
        scores = None
        if record.status == "ok" and record.prediction is not None:
            try:
                scores = score_prediction(record.prediction, case.gold, case.text)
            except ValueError as exc:  # pydantic ValidationError: the schema moved on
                warnings.warn(
                    f"{store.path}: the prediction for {record.article_id!r} no longer "
                    f"validates against the schema; left unscored: {exc}",
                    stacklevel=2,
                )
        rescored.append(record.model_copy(update={"scores": scores}))
    store.rewrite_records(rescored)
    new_config = cfg.model_copy(update={"gold": str(Path(gold_dir).resolve()),
                                        "suite_hash": digest})
    if new_config != cfg:
        from evals.store import CONFIG_FILE, atomic_write_text

        atomic_write_text(store.path / CONFIG_FILE, new_config.model_dump_json(indent=2) + "\n")
    aggregate = compute_aggregate(cfg.run_id, rescored,
                                  {c.article_id for c in cases if c.gold is not None})
    missing = store.missing_keys()
    if missing:
        # An aggregate marks a finished run; writing one here would pass a partial run off
        # as complete to compare and report.
        warnings.warn(
            f"{store.path}: the run is unfinished ({len(missing)} record(s) missing); records "
            f"re-scored, aggregate not written. Finish it with: newsbrief eval run --resume "
            f"{store.path}",
            stacklevel=2,
        )
    else:
        store.write_aggregate(aggregate)
    return aggregate


__all__ = [
    "RunInterrupted",
    "compute_aggregate",
    "git_commit",
    "new_run_id",
    "package_versions",
    "recorded_dir",
    "rescore",
    "run_suite",
    "score_prediction",
]
