"""The digest eval: every story of a suite digested, scored against its gold, and recorded.

Each story folder (``<suite>/<story>/gold.json`` and its articles, :mod:`evals.gold.digest`)
is digested by :class:`summarize.digest.Digester` (per-article summaries served from the
summary cache, :mod:`summarize.digest.cache`), scored by :func:`evals.metrics.score_digest`, and
appended to the run directory the moment it lands (:mod:`evals.store.digest`). A resumed run
skips every story already recorded. All stories' gold, the model string and both prompts are
checked before the model loads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from evals.errors import RunMismatchError, RunStoreError
from evals.gold.digest import StoryCase, load_story, story_folders
from evals.metrics.digest import DigestScores, aggregate_digest_scores, score_digest
from evals.runner.cases import kwargs_from_recorded
from evals.runner.execute import _error_info
from evals.runner.interrupt import RunInterrupted, graceful_sigint
from evals.runner.provenance import git_commit, new_run_id, package_versions
from evals.store import resolve_recorded_dir
from evals.store.digest import (
    DigestAggregate,
    DigestRunConfig,
    DigestRunStore,
    StoryRecord,
)

_STORIES_HASH_VERSION = b"newsbrief-stories-v1\0"


def default_stories_dir() -> Path:
    """``evals/suites/stories``: the built-in story suite."""
    return Path(__file__).resolve().parents[1] / "suites" / "stories"


def load_stories(root: Path) -> list[StoryCase]:
    """Every story under ``root`` (or ``root`` itself when it holds a gold.json), each
    checked against its gold; RunStoreError when there is none or two share a name."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no such story suite folder: {root}")
    folders = story_folders(root)
    if not folders:
        raise RunStoreError(f"{root}: no stories here (a story is a folder with a gold.json)")
    cases = [load_story(folder) for folder in folders]
    names = [c.name for c in cases]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RunStoreError(f"{root}: story names must be unique; {', '.join(twice)} repeat")
    return cases


def stories_hash(cases: Sequence[StoryCase]) -> str:
    """sha256 over every story's gold file and article texts (order-independent)."""
    h = hashlib.sha256(_STORIES_HASH_VERSION)

    def part(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)

    for case in sorted(cases, key=lambda c: c.name):
        part(case.name.encode("utf-8"))
        part((case.folder / "gold.json").read_bytes())
        for article_id in sorted(case.texts):
            part(article_id.encode("utf-8"))
            part(case.texts[article_id].encode("utf-8"))
    return h.hexdigest()


def story_inputs(case: StoryCase) -> list[Any]:
    """The story's articles as the digester takes them: the gold's ids, texts and dates, so
    the digest's evidence offsets point into the texts the gold's offsets point into."""
    from summarize.digest import StoryArticle

    return [
        StoryArticle(
            id=a.id, text=case.texts[a.id], published=a.published, source=str(case.paths[a.id])
        )
        for a in case.gold.articles
    ]


def digest_story(digester: Any, case: StoryCase) -> StoryRecord:
    """Digest one story and score it; a failure is an error record, not an exception."""
    started = time.perf_counter()
    articles = [a.id for a in case.gold.articles]
    try:
        run = digester.run(story_inputs(case))
    except Exception as exc:  # recorded with its type; the suite goes on
        return StoryRecord(
            story=case.name,
            status="error",
            articles=articles,
            error=_error_info(exc),
            calls=list(getattr(exc, "calls", None) or []),
            wall_s=time.perf_counter() - started,
        )
    return StoryRecord(
        story=case.name,
        status="ok",
        articles=articles,
        prediction=run.digest.model_dump(mode="json"),
        scores=score_digest(run.digest, case.gold).model_dump(mode="json"),
        calls=list(run.calls),
        digest_s=run.digest_s,
        failed_articles=dict(run.failed),
        summary_calls=sum(len(s.calls) for a, s in run.summaries.items() if a not in run.cached),
        summaries_s=run.summaries_s,
        cached=list(run.cached),
        wall_s=time.perf_counter() - started,
    )


def compute_digest_aggregate(run_id: str, records: Sequence[StoryRecord]) -> DigestAggregate:
    """The run's figures: means over stories (a failed story counts 0 on P/R/F1 figures)."""
    scores = [
        DigestScores.model_validate(r.scores) if r.status == "ok" and r.scores else None
        for r in records
    ]
    ok = sum(1 for r in records if r.status == "ok")
    return DigestAggregate(
        run_id=run_id,
        n_stories=len(records),
        n_ok=ok,
        n_error=len(records) - ok,
        means=aggregate_digest_scores(scores) if scores else {},
        digest_calls=sum(len(r.calls) for r in records),
        digest_s=sum(r.digest_s for r in records),
    )


def run_digest_suite(
    model: str | None,
    prompt: str | None,
    digest_prompt: str | None,
    *,
    suite_dir: Path | None = None,
    runs_root: Path = Path("runs"),
    resume: Path | None = None,
    use_cache: bool = True,
    ask_model: bool = False,
    progress: bool = True,
    console: Console | None = None,
) -> Path:
    """Digest and score every story of ``suite_dir`` (default: ``evals/suites/stories``) with
    one (model, prompt, digest prompt); return the run directory.

    ``resume`` continues that digest run directory with its own model, prompts and suite
    (whatever is named must agree); finished stories are kept. ``use_cache=False`` summarizes
    every article again instead of serving it from the summary cache; ``ask_model=True`` asks
    the model the digest prompt's yes/no questions (by default the digest is code alone, see
    :class:`summarize.digest.Digester`). Raises :class:`RunInterrupted` on Ctrl-C.
    """
    from summarize.digest import DEFAULT_DIGEST_PROMPT, Digester
    from summarize.pipeline import Summarizer
    from summarize.preflight import check_matrix
    from summarize.prompting import load_prompt

    console = console or Console(stderr=True)
    if resume is not None:
        store = DigestRunStore.open(Path(resume))
        cfg = store.config
        _check_named(store, model, prompt, digest_prompt)
        if suite_dir is None:
            suite_dir = resolve_recorded_dir(cfg.suite, store.path) or Path(cfg.suite)
        cases = load_stories(suite_dir)
        check_matrix([cfg.model], [cfg.prompt])
        load_prompt(cfg.digest_prompt)
        summarizer = Summarizer(cfg.model, cfg.prompt, **kwargs_from_recorded(cfg.params))
        digester = Digester(
            summarizer=summarizer,
            digest_prompt=cfg.digest_prompt,
            cache=cfg.use_cache,
            ask_model=cfg.ask_model,
        )
        _check_resume(store, digester, stories_hash(cases))
    else:
        cases = load_stories(suite_dir if suite_dir is not None else default_stories_dir())
        if model is None:
            from summarize.providers.registry import default_model

            model = default_model()
        check_matrix([model], [prompt])
        load_prompt(digest_prompt or DEFAULT_DIGEST_PROMPT)  # a typo fails before the model
        digester = Digester(
            model, prompt, digest_prompt=digest_prompt, cache=use_cache, ask_model=ask_model
        )
        summarizer = digester.summarizer
        judged_by = digester.digest_prompt.name if ask_model else "code-only"
        config = DigestRunConfig(
            run_id=new_run_id(runs_root, model, f"{summarizer.prompt_name}+{judged_by}"),
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            model=model,
            model_info=summarizer.backend.describe(),
            prompt=summarizer.prompt_name,
            prompt_hash=summarizer.prompt_hash,
            behaviour_hash=summarizer.behaviour_hash,
            digest_prompt=digester.digest_prompt.name,
            digest_prompt_hash=digester.digest_prompt.content_hash,
            params=summarizer.params,
            use_cache=use_cache,
            ask_model=ask_model,
            suite=str(Path(suite_dir or default_stories_dir()).resolve()),
            suite_hash=stories_hash(cases),
            stories=[c.name for c in cases],
            versions=package_versions(),
            git_commit=git_commit(),
        )
        store = DigestRunStore.create(runs_root, config)
    execute_stories(store, digester, cases, progress=progress, console=console)
    return store.path


def _check_named(
    store: DigestRunStore, model: str | None, prompt: str | None, digest_prompt: str | None
) -> None:
    cfg = store.config
    for what, asked, recorded in (
        ("model", model, cfg.model),
        ("prompt", prompt, cfg.prompt),
        ("digest prompt", digest_prompt, cfg.digest_prompt),
    ):
        if asked is not None and asked != recorded:
            raise RunMismatchError(
                f"cannot resume {store.path}: it ran {what} {recorded!r}, not {asked!r}"
            )


def _check_resume(store: DigestRunStore, digester: Any, suite_digest: str) -> None:
    """Refuse to continue a run with anything that would change its outputs."""
    from evals.runner.cases import _plain

    cfg = store.config
    summarizer = digester.summarizer
    problems: list[str] = []
    if _plain(summarizer.backend.describe()) != _plain(cfg.model_info):
        problems.append("the model differs")
    if summarizer.prompt_hash != cfg.prompt_hash:
        problems.append(f"the prompt {cfg.prompt} changed since the run started")
    elif cfg.behaviour_hash and summarizer.behaviour_hash != cfg.behaviour_hash:
        problems.append(f"the code of the passes of {cfg.prompt} changed since the run started")
    if digester.digest_prompt.content_hash != cfg.digest_prompt_hash:
        problems.append(f"the digest prompt {cfg.digest_prompt} changed since the run started")
    if _plain(summarizer.params) != _plain(cfg.params):
        problems.append(f"the parameters differ ({cfg.params} in the run, {summarizer.params} now)")
    if suite_digest != cfg.suite_hash:
        problems.append("the suite differs (stories or gold changed since the run started)")
    if problems:
        raise RunMismatchError(
            f"cannot resume {store.path}: "
            + "; ".join(problems)
            + ". Start a new run instead (without --resume)."
        )


def execute_stories(
    store: DigestRunStore,
    digester: Any,
    cases: Sequence[StoryCase],
    *,
    progress: bool,
    console: Console,
) -> DigestAggregate:
    """The story loop of one digest run directory, then its aggregate."""
    cfg = store.config
    done = store.done()
    todo = [c for c in cases if c.name not in done]
    written = len(cases) - len(todo)
    label = f"{cfg.model} · {cfg.prompt} · {cfg.digest_prompt}"
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with (
        graceful_sigint(console) as stop,
        Progress(*columns, console=console, disable=not progress, transient=False) as bar,
    ):
        task = bar.add_task(escape(label), total=len(cases), completed=written)
        try:
            for case in todo:
                if stop.requested:
                    raise KeyboardInterrupt
                bar.update(task, description=escape(f"{label} · {case.name}"))
                store.append(digest_story(digester, case))
                written += 1
                bar.advance(task)
        except KeyboardInterrupt:
            raise RunInterrupted(store.path, written, len(cases)) from None
    aggregate = compute_digest_aggregate(cfg.run_id, store.records())
    store.write_aggregate(aggregate)
    return aggregate


__all__ = [
    "compute_digest_aggregate",
    "default_stories_dir",
    "digest_story",
    "execute_stories",
    "load_stories",
    "run_digest_suite",
    "stories_hash",
    "story_inputs",
]
