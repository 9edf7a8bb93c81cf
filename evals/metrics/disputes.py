"""Disputes: the same parties set against each other, over a similar issue."""

from __future__ import annotations

import itertools
from typing import Any

from evals.metrics.matching import FieldScore, field_score
from evals.metrics.parties import PartyMap, score_parties
from evals.metrics.similarity import text_similarity
from summarize.core.schema import ArticleSummary, Dispute

#: A dispute whose sides match still needs its issue this similar: a lower bar than for
#: positions because the opposing parties carry most of the identity of a dispute; the issue
#: only has to share a word ("Orban's peace mission" ~ "Orban's approach to the war").
DISPUTE_ISSUE_THRESHOLD = 0.25

#: Weight of the issue (versus the sides) in the dispute similarity used to choose between
#: several candidate pairs.
DISPUTE_ISSUE_WEIGHT = 0.3


def dispute_similarity(pred: Dispute, gold: Dispute, party_map: PartyMap) -> float | None:
    """Disputes match when they set the same parties against each other, on a similar issue.

    Sides: there are two different predicted sides A, B and two different gold sides C, D
    such that A shares a party with C and B shares a party with D (:class:`PartyMap`);
    which side is listed first does not matter. Issue: ``text_similarity(issue, issue)``
    at least :data:`DISPUTE_ISSUE_THRESHOLD`. The score among candidates is
    ``(1 - w) * side agreement + w * issue similarity`` with ``w =``
    :data:`DISPUTE_ISSUE_WEIGHT`, where side agreement is the share of all named parties
    (both disputes) that have a same-party counterpart on the matched side.
    """
    issue = text_similarity(pred.issue, gold.issue)
    if issue < DISPUTE_ISSUE_THRESHOLD:
        return None
    agreement = sides_agreement(pred, gold, party_map)
    if agreement is None:
        return None
    return (1 - DISPUTE_ISSUE_WEIGHT) * agreement + DISPUTE_ISSUE_WEIGHT * issue


def sides_agreement(pred: Any, gold: Any, party_map: Any) -> float | None:
    """The best side agreement of two disputes (anything with ``sides``) over the ways of
    pairing two predicted sides with two gold sides that share a party; None when no
    pairing does (see :func:`dispute_similarity`)."""
    best: float | None = None
    for a, b in itertools.permutations(range(len(pred.sides)), 2):
        for c, d in itertools.permutations(range(len(gold.sides)), 2):
            if not (
                _sides_overlap(pred.sides[a], gold.sides[c], party_map)
                and _sides_overlap(pred.sides[b], gold.sides[d], party_map)
            ):
                continue
            agreement = _side_agreement(pred.sides[a], gold.sides[c], party_map)
            agreement = (agreement + _side_agreement(pred.sides[b], gold.sides[d], party_map)) / 2
            best = agreement if best is None else max(best, agreement)
    return best


def _sides_overlap(pred_side: list[str], gold_side: list[str], party_map: PartyMap) -> bool:
    return any(party_map.same_party(a, b) for a in pred_side for b in gold_side)


def _side_agreement(pred_side: list[str], gold_side: list[str], party_map: PartyMap) -> float:
    hits = sum(1 for a in pred_side if any(party_map.same_party(a, b) for b in gold_side))
    hits += sum(1 for b in gold_side if any(party_map.same_party(a, b) for a in pred_side))
    return hits / (len(pred_side) + len(gold_side))


def score_disputes(
    pred: ArticleSummary, gold: ArticleSummary, parties: FieldScore | None = None
) -> FieldScore:
    """Disputes field score; ``parties`` is the parties score (computed if not given)."""
    party_map = PartyMap(pred, gold, parties or score_parties(pred, gold))
    return field_score(
        pred.disputes, gold.disputes, lambda p, g: dispute_similarity(p, g, party_map)
    )
