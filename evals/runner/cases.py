"""The suite of a run: loaded, hashed, and checked against a run that is being resumed."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from evals.errors import RunMismatchError, RunStoreError
from evals.gold import load_suite, suite_hash
from evals.store import (
    RunStore,
)


def load_cases(suite_dir: Path, gold_dir: Path | None) -> tuple[list[Any], str]:

    cases = load_suite(Path(suite_dir), Path(gold_dir) if gold_dir is not None else None)
    if not cases:
        raise RunStoreError(f"{suite_dir}: the suite holds no *.txt articles")
    return cases, suite_hash(cases)


def _plain(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists, paths strings)."""
    return json.loads(json.dumps(value, default=str))


def check_resume(store: RunStore, summarizer: Any, suite_digest: str, repeats: int | None) -> None:
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
    elif cfg.behaviour_hash and summarizer.behaviour_hash != cfg.behaviour_hash:
        problems.append(
            f"the code of the passes of {cfg.prompt} differs ({cfg.behaviour_hash[:12]} in the "
            f"run, {summarizer.behaviour_hash[:12]} now)"
        )
    if _plain(summarizer.params) != _plain(cfg.params):
        problems.append(f"the parameters differ ({cfg.params} in the run, {summarizer.params} now)")
    if suite_digest != cfg.suite_hash:
        problems.append("the suite differs (articles or gold changed since the run started)")
    if repeats is not None and repeats != cfg.repeats:
        problems.append(f"repeats differ ({cfg.repeats} in the run, {repeats} asked)")
    if problems:
        raise RunMismatchError(
            f"cannot resume {store.path}: "
            + "; ".join(problems)
            + ". Start a new run instead (without --resume)."
        )


def kwargs_from_recorded(recorded: dict[str, Any]) -> dict[str, Any]:
    """The Summarizer keyword arguments among a run's recorded effective params (resume)."""
    from summarize.pipeline import Summarizer

    accepted = set(inspect.signature(Summarizer.__init__).parameters) - {"self", "model", "prompt"}
    return {k: v for k, v in recorded.items() if k in accepted and v is not None}


__all__ = ["check_resume", "kwargs_from_recorded", "load_cases"]
