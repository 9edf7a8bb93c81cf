"""What the digest figures share: pairwise precision/recall/F1 and the evidence rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from evals.metrics.evidence import overlapping_articles
from summarize.core.digest import (
    SourceEvidence,
)


class PairScore(BaseModel):
    """Precision, recall and F1 of a set of decisions: ``tp`` of ``n_pred`` predicted and
    ``n_gold`` gold decisions (pairs of mentions, or (position, article) pairs)."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """(precision, recall, F1) with :func:`field_score`'s rule for empty sides: both empty
    is 1.0 (nothing to find, nothing invented), exactly one empty is 0.0."""
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    if n_pred == 0 or n_gold == 0:
        return 0.0, 0.0, 0.0
    p, r = tp / n_pred, tp / n_gold
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pair_score(tp: int, n_pred: int, n_gold: int) -> PairScore:
    p, r, f = prf(tp, n_pred, n_gold)
    return PairScore(tp=tp, n_pred=n_pred, n_gold=n_gold, precision=p, recall=r, f1=f)


def required(item: Any) -> bool:
    return bool(getattr(item, "required", True))


def evidence_share(pred: Sequence[SourceEvidence], gold: Sequence[SourceEvidence]) -> float:
    """Share of the gold item's articles in which the predicted evidence overlaps gold's."""
    articles = {e.article for e in gold}
    return len(overlapping_articles(pred, gold)) / len(articles) if articles else 0.0
