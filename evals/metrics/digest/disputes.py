"""Disputes across sources: dispute F1 (the per-article side rule on unified parties)."""

from __future__ import annotations

from evals.metrics.digest.common import evidence_share
from evals.metrics.digest.parties import DigestPartyMap
from evals.metrics.disputes import (
    DISPUTE_ISSUE_THRESHOLD,
    DISPUTE_ISSUE_WEIGHT,
    sides_agreement,
)
from evals.metrics.matching import FieldScore, field_score
from evals.metrics.similarity import text_similarity
from summarize.core.digest import (
    DigestDispute,
    StoryDigest,
)


def digest_dispute_similarity(
    pred: DigestDispute, gold: DigestDispute, party_map: DigestPartyMap
) -> float | None:
    """Disputes match when they set the same unified parties against each other (the
    per-article side rule, :func:`sides_agreement`) over a similar issue (at least
    :data:`DISPUTE_ISSUE_THRESHOLD`) or on overlapping evidence; the score is the
    per-article one plus the share of gold's articles whose evidence overlaps."""
    agreement = sides_agreement(pred, gold, party_map)
    if agreement is None:
        return None
    issue = text_similarity(pred.issue, gold.issue)
    share = evidence_share(pred.evidence, gold.evidence)
    if issue < DISPUTE_ISSUE_THRESHOLD and share == 0.0:
        return None
    return (1 - DISPUTE_ISSUE_WEIGHT) * agreement + DISPUTE_ISSUE_WEIGHT * issue + share


def score_digest_disputes(
    pred: StoryDigest, gold: StoryDigest, party_map: DigestPartyMap
) -> FieldScore:
    """Dispute F1: predicted disputes matched one-to-one to gold disputes."""
    return field_score(
        pred.disputes, gold.disputes, lambda p, g: digest_dispute_similarity(p, g, party_map)
    )
