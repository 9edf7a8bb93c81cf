"""One story's digest against its gold (every figure, and the report's alignment), and the
mean over a suite of stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from pydantic import BaseModel, Field

from evals.metrics.digest.common import PairScore, required
from evals.metrics.digest.discrepancies import score_discrepancies
from evals.metrics.digest.disputes import score_digest_disputes
from evals.metrics.digest.events import (
    OccasionPair,
    merged_occasions,
    order_agreement,
    score_events,
)
from evals.metrics.digest.parties import (
    DigestPartyMap,
    GoldMention,
    MentionAlignment,
    align_mentions,
    missed_mentions,
    score_digest_parties,
    unification_score,
)
from evals.metrics.digest.positions import merge_score, score_digest_positions
from evals.metrics.matching import FieldScore
from summarize.core.digest import (
    StoryDigest,
)

#: The figures of one story, in the order of the table; "P/R/F1 figures" count 0.0 for a story
#: that failed, the others (tau, merge F1) are left out of a mean where undefined.
FIGURES: tuple[str, ...] = (
    "unification_precision",
    "unification_recall",
    "unification_f1",
    "party_f1",
    "event_f1",
    "kendall_tau",
    "position_f1",
    "merge_f1",
    "dispute_f1",
    "discrepancy_precision",
    "discrepancy_recall",
    "discrepancy_f1",
)
_UNDEFINED_WHEN_EMPTY = frozenset({"kendall_tau", "merge_f1"})


class ItemAlignment(BaseModel):
    """One row of the report: a predicted item, a gold item, or a matched pair of them."""

    field: str
    pred: int | None = None
    gold: int | None = None
    pred_label: str | None = None
    gold_label: str | None = None
    required: bool | None = None
    outcome: str = Field(description="matched | missed | extra | optional (not found)")


class DigestScores(BaseModel):
    """Every figure of one story's digest against its gold, with the alignment behind them.

    ``parties``, ``events``, ``positions``, ``disputes`` and ``discrepancies`` are
    :class:`FieldScore` (indices into the digests' lists). ``kendall_tau`` is None when fewer
    than two events matched; ``order_pairs`` is how many matched events it rests on.
    ``merge`` is None when no position matched.
    """

    party_unification: PairScore
    mentions: list[MentionAlignment] = Field(default_factory=list)
    missed_mentions: list[GoldMention] = Field(default_factory=list)
    parties: FieldScore
    events: FieldScore
    kendall_tau: float | None = None
    order_pairs: int = 0
    occasions: list[OccasionPair] = Field(default_factory=list)
    positions: FieldScore
    merge: PairScore | None = None
    disputes: FieldScore
    discrepancies: FieldScore
    items: list[ItemAlignment] = Field(default_factory=list)

    @property
    def occasions_merged(self) -> int:
        return sum(1 for o in self.occasions if o.merged_by is not None)

    def figures(self) -> dict[str, float | None]:
        """The headline figures by name (:data:`FIGURES`)."""
        u = self.party_unification
        return {
            "unification_precision": u.precision,
            "unification_recall": u.recall,
            "unification_f1": u.f1,
            "party_f1": self.parties.f1,
            "event_f1": self.events.f1,
            "kendall_tau": self.kendall_tau,
            "position_f1": self.positions.f1,
            "merge_f1": self.merge.f1 if self.merge is not None else None,
            "dispute_f1": self.disputes.f1,
            "discrepancy_precision": self.discrepancies.precision,
            "discrepancy_recall": self.discrepancies.recall,
            "discrepancy_f1": self.discrepancies.f1,
        }


def item_label(field: str, item: Any) -> str:
    """A short label of a digest item, for the report."""
    if field == "parties":
        return str(item.name)
    if field == "positions":
        return f"{item.party} on {item.topic}: {item.stance} ({item.polarity})"
    if field == "timeline":
        return f"{item.value or '(undated)'} {item.event}"
    if field == "disputes":
        return " vs ".join("+".join(side) for side in item.sides) + f": {item.issue}"
    if field == "discrepancies":
        return f"{item.kind}: {item.about}"
    raise ValueError(f"unknown digest field {field!r}")


def item_alignment(
    field: str, score: FieldScore, pred_items: Sequence[Any], gold_items: Sequence[Any]
) -> list[ItemAlignment]:
    """One row per matched pair, missed gold item, unfound optional gold item and extra
    prediction of one field."""
    rows = [
        ItemAlignment(
            field=field,
            pred=i,
            gold=j,
            pred_label=item_label(field, pred_items[i]),
            gold_label=item_label(field, gold_items[j]),
            required=required(gold_items[j]),
            outcome="matched",
        )
        for i, j in score.matches
    ]
    matched_gold = {j for _, j in score.matches}
    for j, g in enumerate(gold_items):
        if j not in matched_gold:
            rows.append(
                ItemAlignment(
                    field=field,
                    gold=j,
                    gold_label=item_label(field, g),
                    required=required(g),
                    outcome="missed" if required(g) else "optional (not found)",
                )
            )
    rows += [
        ItemAlignment(
            field=field, pred=i, pred_label=item_label(field, pred_items[i]), outcome="extra"
        )
        for i in score.false_positives
    ]
    return rows


def score_digest(pred: StoryDigest, gold: StoryDigest) -> DigestScores:
    """Every figure of ``pred`` against ``gold`` (a :class:`GoldStoryDigest`, or any
    :class:`StoryDigest`: items without ``required`` are required)."""
    alignment = align_mentions(pred, gold)
    parties = score_digest_parties(pred, gold, alignment)
    party_map = DigestPartyMap(pred, gold, parties, alignment)
    events = score_events(pred, gold)
    tau, order_n = order_agreement(events.matches)
    positions = score_digest_positions(pred, gold, party_map)
    disputes = score_digest_disputes(pred, gold, party_map)
    discrepancies = score_discrepancies(pred, gold)
    fields = [
        ("parties", parties, pred.parties, gold.parties),
        ("timeline", events, pred.timeline, gold.timeline),
        ("positions", positions, pred.positions, gold.positions),
        ("disputes", disputes, pred.disputes, gold.disputes),
        ("discrepancies", discrepancies, pred.discrepancies, gold.discrepancies),
    ]
    return DigestScores(
        party_unification=unification_score(alignment, gold),
        mentions=alignment,
        missed_mentions=missed_mentions(alignment, gold),
        parties=parties,
        events=events,
        kendall_tau=tau,
        order_pairs=order_n,
        occasions=merged_occasions(pred, gold),
        positions=positions,
        merge=merge_score(pred, gold, positions.matches),
        disputes=disputes,
        discrepancies=discrepancies,
        items=[row for f in fields for row in item_alignment(*f)],
    )


def aggregate_digest_scores(scores: Sequence[DigestScores | None]) -> dict[str, float | None]:
    """Mean of every figure over stories (``None`` = the story failed).

    A failed story counts 0.0 for each P/R/F1 figure (a failure must cost something, as in
    :func:`evals.metrics.aggregate_scores`); Kendall tau and merge F1 are means over the
    stories where they are defined (None if none). Also ``order_pairs``, ``occasion_pairs``
    and ``occasions_merged`` summed over the scored stories.
    """
    valid = [s for s in scores if s is not None]
    out: dict[str, float | None] = {}
    for name in FIGURES:
        if name in _UNDEFINED_WHEN_EMPTY:
            values = [v for s in valid if (v := s.figures()[name]) is not None]
        else:
            values = [(s.figures()[name] or 0.0) if s is not None else 0.0 for s in scores]
        out[name] = fmean(values) if values else None
    out["order_pairs"] = float(sum(s.order_pairs for s in valid))
    out["occasion_pairs"] = float(sum(len(s.occasions) for s in valid))
    out["occasions_merged"] = float(sum(s.occasions_merged for s in valid))
    return out
