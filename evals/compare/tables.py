"""A run reduced to what comparing needs: per metric, per article, the per-repeat values.

An error record counts as F1 0 for an article with gold: a failure must cost, or a model
that crashes on hard articles would look better than one that tries. Grounding is undefined
for a failure (it quotes nothing); its latency and tokens count (they were paid for).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from evals.compare.specs import FIELD_METRICS, METRIC_KEYS
from evals.store import ArticleRecord, LoadedRun, resolve_recorded_dir


def weights_hash(model_info: Mapping[str, Any]) -> str | None:
    """The weights' digest from ``backend.describe()``, whatever key the provider used."""
    for key in ("sha256", "weights_sha256", "weights_hash"):
        value = model_info.get(key)
        if value:
            return str(value)
    return None


def record_tokens(record: ArticleRecord) -> float | None:
    """Prompt + completion tokens of every call, failed attempts included (the true cost)."""
    counts = [
        (c.prompt_tokens or 0) + (c.completion_tokens or 0)
        for c in record.calls
        if c.prompt_tokens is not None or c.completion_tokens is not None
    ]
    return float(sum(counts)) if counts else None


def record_values(record: ArticleRecord, *, has_gold: bool) -> dict[str, float | None]:
    """One value per metric key for one record (None = not defined for this record).

    ``has_gold`` says whether the article has gold; only then does an error record count as
    F1 0 (an article without gold has no F1 to lose, only validity and cost).
    """
    out: dict[str, float | None] = dict.fromkeys(METRIC_KEYS)
    out["latency_s"] = float(record.wall_s)
    out["tokens"] = record_tokens(record)
    if record.status == "error":
        out["validity_rate"] = 0.0
        if has_gold:
            for f in FIELD_METRICS:
                out[f] = 0.0
            out["macro_f1"] = 0.0
        return out
    out["validity_rate"] = 1.0
    scores = record.scores
    if scores:
        for f in FIELD_METRICS:
            fs = scores.get(f)
            out[f] = float(fs["f1"]) if isinstance(fs, Mapping) and "f1" in fs else None
        out["macro_f1"] = _opt_float(scores.get("macro_f1"))
        out["grounding_rate"] = _opt_float(scores.get("grounding_rate"))
    return out


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


class RunInfo(BaseModel):
    """Who made a run: enough to label a column and to reproduce it."""

    run_id: str
    path: str
    model: str
    prompt: str
    prompt_hash: str = ""
    behaviour_hash: str = ""
    weights_hash: str | None = None
    created: str = ""
    repeats: int = 1
    suite: str = ""
    suite_hash: str = ""
    n_articles: int = 0
    n_records: int = 0
    n_errors: int = 0
    source: Literal["run", "baseline"] = "run"

    @property
    def label(self) -> str:
        """``model · prompt · run id``: what a reader needs to tell columns apart."""
        return f"{self.model} · {self.prompt} · {self.run_id}"


@dataclass
class RunTable:
    """A run reduced to what comparing needs: per metric, per article, per-repeat values."""

    info: RunInfo
    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)


def _gold_ids(run: LoadedRun) -> set[str] | None:
    """Article ids with a gold file in the run's gold directory; None if it is unknown."""
    gold_dir = resolve_recorded_dir(run.config.gold, run.path)
    if gold_dir is None:
        return None
    return {p.stem for p in gold_dir.glob("*.json")}


def table_from_run(run: LoadedRun) -> RunTable:
    """Per-article, per-repeat metric values of a loaded run (see :func:`record_values`).

    Whether a failed article has gold (and so costs F1 0) is read from the run's gold
    directory when it can be found; otherwise an article has gold when any of its records
    was scored, or, for an article that failed every time, when the run scored anything.
    """
    cfg = run.config
    records = sorted(run.records, key=lambda r: (r.article_id, r.repeat))
    scored_run = any(r.scores for r in records)
    scored_articles = {r.article_id for r in records if r.scores}
    gold_ids = _gold_ids(run)

    def has_gold(article: str) -> bool:
        if article in scored_articles:
            return True
        return article in gold_ids if gold_ids is not None else scored_run

    values: dict[str, dict[str, list[float]]] = {k: {} for k in METRIC_KEYS}
    order = {a: i for i, a in enumerate(cfg.articles)}
    articles = sorted({r.article_id for r in records}, key=lambda a: (order.get(a, 1 << 30), a))
    for r in records:
        for key, v in record_values(r, has_gold=has_gold(r.article_id)).items():
            if v is not None and not math.isnan(v):
                values[key].setdefault(r.article_id, []).append(v)
    info = RunInfo(
        run_id=cfg.run_id,
        path=str(run.path),
        model=cfg.model,
        prompt=cfg.prompt,
        prompt_hash=cfg.prompt_hash,
        behaviour_hash=cfg.behaviour_hash,
        weights_hash=weights_hash(cfg.model_info),
        created=cfg.created,
        repeats=cfg.repeats,
        suite=cfg.suite,
        suite_hash=cfg.suite_hash,
        n_articles=len(articles),
        n_records=len(records),
        n_errors=sum(1 for r in records if r.status == "error"),
    )
    return RunTable(info=info, values=values, articles=articles)


__all__ = [
    "RunInfo",
    "RunTable",
    "record_tokens",
    "record_values",
    "table_from_run",
    "weights_hash",
]
