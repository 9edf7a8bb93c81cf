"""Positions: the same party taking a similar stance on a similar topic."""

from __future__ import annotations

from typing import Any

from evals.metrics.matching import FieldScore, field_score
from evals.metrics.parties import PartyMap, score_parties
from evals.metrics.similarity import text_similarity
from summarize.core.schema import ArticleSummary, Position

#: A predicted position matches a gold one (same party) when its topic/stance similarity
#: (:func:`position_similarity`) reaches this: half the content words shared, e.g.
#: "ceasefire in Ukraine" ~ "peace in Ukraine", or "sanctions against Russia" ~ "EU help for
#: Ukraine and sanctions on Russia".
POSITION_THRESHOLD = 0.5


def position_similarity(pred: Position, gold: Position, party_map: PartyMap) -> float | None:
    """Positions match when their parties are the same party (:class:`PartyMap`) and their
    text similarity reaches :data:`POSITION_THRESHOLD`; that similarity is also the score
    among candidates.

    Text similarity is the maximum of :func:`text_similarity` over topic vs topic, stance
    vs stance, and "topic stance" vs "topic stance": a model may name the topic differently
    but state the same stance, or put the gold topic's words in its stance. Polarity is not
    part of the match; it is scored separately on matched pairs (:func:`polarity_counts`).
    """
    if not party_map.same_party(pred.party, gold.party):
        return None
    sim = stance_similarity(pred, gold)
    return sim if sim >= POSITION_THRESHOLD else None


def stance_similarity(pred: Any, gold: Any) -> float:
    """The text similarity of two positions (anything with ``topic`` and ``stance``): the
    maximum of :func:`text_similarity` over topic vs topic, stance vs stance, and
    "topic stance" vs "topic stance"."""
    return max(
        text_similarity(pred.topic, gold.topic),
        text_similarity(pred.stance, gold.stance),
        text_similarity(f"{pred.topic} {pred.stance}", f"{gold.topic} {gold.stance}"),
    )


def score_positions(
    pred: ArticleSummary, gold: ArticleSummary, parties: FieldScore | None = None
) -> FieldScore:
    """Positions field score; ``parties`` is the parties score (computed if not given)."""
    party_map = PartyMap(pred, gold, parties or score_parties(pred, gold))
    return field_score(
        pred.positions, gold.positions, lambda p, g: position_similarity(p, g, party_map)
    )


def polarity_counts(
    pred: ArticleSummary, gold: ArticleSummary, positions: FieldScore
) -> tuple[int, int]:
    """(matched position pairs with the same polarity, matched position pairs)."""
    correct = sum(
        1 for i, j in positions.matches if pred.positions[i].polarity == gold.positions[j].polarity
    )
    return correct, len(positions.matches)
