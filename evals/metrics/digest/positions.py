"""Positions across sources: position F1 on unified parties, and merge F1 over their articles."""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.digest.common import PairScore, evidence_share, pair_score
from evals.metrics.digest.parties import DigestPartyMap
from evals.metrics.matching import FieldScore, field_score
from evals.metrics.positions import POSITION_THRESHOLD, stance_similarity
from summarize.core.digest import (
    DigestPosition,
    StoryDigest,
)


def digest_position_similarity(
    pred: DigestPosition, gold: DigestPosition, party_map: DigestPartyMap
) -> float | None:
    """Positions match when their parties are one unified party and their stance is
    similar (:func:`stance_similarity` at least :data:`POSITION_THRESHOLD`) or their evidence
    overlaps; the score adds the two."""
    if not party_map.same_party(pred.party, gold.party):
        return None
    text = stance_similarity(pred, gold)
    share = evidence_share(pred.evidence, gold.evidence)
    if text < POSITION_THRESHOLD and share == 0.0:
        return None
    return text + share


def score_digest_positions(
    pred: StoryDigest, gold: StoryDigest, party_map: DigestPartyMap
) -> FieldScore:
    """Position F1: predicted positions matched one-to-one to gold positions."""
    return field_score(
        pred.positions, gold.positions, lambda p, g: digest_position_similarity(p, g, party_map)
    )


def merge_score(
    pred: StoryDigest, gold: StoryDigest, matches: Sequence[tuple[int, int]]
) -> PairScore | None:
    """For matched positions, the predicted source articles against gold's, micro over
    (position, article) pairs; None when no position matched."""
    if not matches:
        return None
    tp = n_pred = n_gold = 0
    for i, j in matches:
        p, g = set(pred.positions[i].articles), set(gold.positions[j].articles)
        tp, n_pred, n_gold = tp + len(p & g), n_pred + len(p), n_gold + len(g)
    return pair_score(tp, n_pred, n_gold)
