"""All deterministic scores of one article, and their suite-level aggregate.

Reproducible without a model, so they can gate a change in CI. Parties are matched first;
positions and disputes reuse that matching to decide whether two names are one party.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from pydantic import BaseModel

from evals.metrics.dates import score_dates
from evals.metrics.disputes import score_disputes
from evals.metrics.grounding import grounding_rate
from evals.metrics.matching import FieldScore
from evals.metrics.parties import score_parties
from evals.metrics.positions import polarity_counts, score_positions
from summarize.core.schema import ArticleSummary

FIELDS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")


class ArticleScores(BaseModel):
    """All deterministic scores of one prediction against its gold.

    ``polarity_accuracy`` is the share of matched position pairs whose polarity agrees (None
    when no position matched: there is nothing to be right or wrong about);
    ``polarity_correct`` / ``polarity_pairs`` are its counts, kept so a suite can pool them.
    ``macro_f1`` is the unweighted mean of the four field F1 scores.
    """

    parties: FieldScore
    positions: FieldScore
    dates: FieldScore
    disputes: FieldScore
    polarity_accuracy: float | None = None
    polarity_correct: int = 0
    polarity_pairs: int = 0
    macro_f1: float
    grounding_rate: float


def score_article(pred: ArticleSummary, gold: ArticleSummary, text: str) -> ArticleScores:
    """All deterministic scores of ``pred`` against ``gold`` for the article ``text``.

    Parties are matched first; positions and disputes reuse that matching to decide whether
    two party names denote the same party.
    """
    parties = score_parties(pred, gold)
    positions = score_positions(pred, gold, parties)
    dates = score_dates(pred, gold)
    disputes = score_disputes(pred, gold, parties)
    correct, pairs = polarity_counts(pred, gold, positions)
    return ArticleScores(
        parties=parties,
        positions=positions,
        dates=dates,
        disputes=disputes,
        polarity_accuracy=correct / pairs if pairs else None,
        polarity_correct=correct,
        polarity_pairs=pairs,
        macro_f1=fmean([parties.f1, positions.f1, dates.f1, disputes.f1]),
        grounding_rate=grounding_rate(pred, text),
    )


def describe_item(field: str, item: Any) -> str:
    """A short human label of an item, for reasons and reports ("Viktor Orban",
    "Viktor Orban on ceasefire in Ukraine", "2024-07-08 (meeting in Beijing)")."""
    if field == "parties":
        return str(item.name)
    if field == "positions":
        return f"{item.party} on {item.topic} ({item.polarity})"
    if field == "dates":
        return f"{item.value or item.text!r} ({item.event})"
    if field == "disputes":
        sides = " vs ".join("+".join(side) for side in item.sides)
        return f"{sides}: {item.issue}"
    raise ValueError(f"unknown field {field!r}; expected one of {FIELDS}")


def aggregate_scores(scores: Sequence[ArticleScores | None]) -> dict[str, Any]:
    """Suite-level figures from per-article scores (``None`` = the article failed).

    - ``fields[f]``: ``precision``/``recall``/``f1`` are means over *all* articles (macro),
      a failed article counting 0.0 for each: a failure must cost something, or a model
      that crashes on hard articles would look better than one that tries. ``tp``/``fp``/
      ``fn`` are sums over the articles that produced a prediction (a failure has no items
      to count).
    - ``macro_f1``: mean over all articles of the per-article macro F1 (failures 0.0).
    - ``polarity_accuracy``: pooled over matched position pairs of all valid articles
      (correct / pairs), since a pair is the unit being judged; None if no pair matched.
    - ``grounding_rate``: mean over valid articles (a failure quotes nothing; validity
      already counts it); None if none is valid.
    - ``validity_rate``: share of articles that produced a prediction.

    The keys match :class:`evals.store.RunAggregate` (plus ``n_articles``/``n_valid``).
    An empty list gives no field figures and None for the means.
    """
    n = len(scores)
    valid = [s for s in scores if s is not None]
    if n == 0:
        return {
            "fields": {},
            "macro_f1": None,
            "polarity_accuracy": None,
            "grounding_rate": None,
            "validity_rate": 0.0,
            "n_articles": 0,
            "n_valid": 0,
        }
    fields: dict[str, dict[str, float | int]] = {}
    for field in FIELDS:
        per = [getattr(s, field) if s is not None else None for s in scores]
        fields[field] = {
            "precision": fmean([f.precision if f else 0.0 for f in per]),
            "recall": fmean([f.recall if f else 0.0 for f in per]),
            "f1": fmean([f.f1 if f else 0.0 for f in per]),
            "tp": sum(f.tp for f in per if f),
            "fp": sum(f.fp for f in per if f),
            "fn": sum(f.fn for f in per if f),
        }
    pairs = sum(s.polarity_pairs for s in valid)
    correct = sum(s.polarity_correct for s in valid)
    return {
        "fields": fields,
        "macro_f1": fmean([s.macro_f1 if s is not None else 0.0 for s in scores]),
        "polarity_accuracy": correct / pairs if pairs else None,
        "grounding_rate": fmean([s.grounding_rate for s in valid]) if valid else None,
        "validity_rate": len(valid) / n,
        "n_articles": n,
        "n_valid": len(valid),
    }
