"""Discrepancies: P/R/F1 of where the sources disagree (compatible kinds, overlapping evidence)."""

from __future__ import annotations

from evals.metrics.evidence import overlapping_articles
from evals.metrics.matching import FieldScore, field_score
from evals.metrics.similarity import text_similarity
from summarize.core.digest import (
    Discrepancy,
    StoryDigest,
)

#: Discrepancy kinds that name one disagreement from two sides: words credited to different
#: speakers (attribution) are also a disagreement on the quoted words (characterisation).
COMPATIBLE_KINDS: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"attribution", "characterisation"}),
    }
)

#: A predicted discrepancy must rest on the gold's evidence in at least this many articles.
DISCREPANCY_MIN_ARTICLES = 2


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_KINDS


def discrepancy_similarity(pred: Discrepancy, gold: Discrepancy) -> float | None:
    """Discrepancies match when their kinds are compatible and the predicted versions'
    evidence overlaps the gold versions' evidence in at least
    :data:`DISCREPANCY_MIN_ARTICLES` articles; the score counts those articles (plus 0.5 for
    the same kind and the similarity of ``about``)."""
    if not kinds_compatible(pred.kind, gold.kind):
        return None
    shared = overlapping_articles(
        [e for v in pred.versions for e in v.evidence],
        [e for v in gold.versions for e in v.evidence],
    )
    if len(shared) < DISCREPANCY_MIN_ARTICLES:
        return None
    return (
        len(shared)
        + (0.5 if pred.kind == gold.kind else 0.0)
        + text_similarity(pred.about, gold.about)
    )


def score_discrepancies(pred: StoryDigest, gold: StoryDigest) -> FieldScore:
    """Discrepancy P/R/F1: predicted discrepancies matched one-to-one to gold ones."""
    return field_score(pred.discrepancies, gold.discrepancies, discrepancy_similarity)
