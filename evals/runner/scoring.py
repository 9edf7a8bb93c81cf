"""A prediction scored against gold, and a run's records reduced to its suite figures."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from evals.metrics import ArticleScores, aggregate_scores, score_article
from evals.store import (
    ArticleRecord,
    FieldAggregate,
    RunAggregate,
)
from summarize.core.schema import ArticleSummary


def score_prediction(
    prediction: dict[str, Any] | ArticleSummary, gold: Any, text: str
) -> dict[str, Any] | None:
    """``ArticleScores.model_dump()`` of a prediction against gold; None without gold."""
    if gold is None:
        return None

    pred = (
        prediction
        if isinstance(prediction, ArticleSummary)
        else ArticleSummary.model_validate(prediction)
    )
    return score_article(pred, gold, text).model_dump(mode="json")


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def compute_aggregate(
    run_id: str, records: Sequence[ArticleRecord], gold_ids: set[str] | None = None
) -> RunAggregate:
    """Suite figures of a run from its records.

    Scored figures (field P/R/F1, macro F1, polarity, grounding) come from
    :func:`evals.metrics.aggregate_scores` over the articles that have gold; a failed
    record of such an article counts as ``None`` (a zero, see aggregate_scores). Articles
    without gold are in the validity rate and the cost figures only. ``gold_ids`` says which
    articles have gold; without it, an article has gold when any of its records was scored.
    ``validity_rate`` is ok / all records; medians of time and tokens are over ok records
    (a failure's cost is in ``total_calls``, its time would only measure how fast it failed).
    """
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
        float(r.judge_scores["faithfulness"])
        for r in records
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
        if judged
        else None,
    )


__all__ = ["compute_aggregate", "score_prediction"]
