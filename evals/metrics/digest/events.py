"""The timeline: event F1, the order of the matched events (Kendall tau), and occasions merged."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from pydantic import BaseModel

from evals.metrics.digest.common import evidence_share
from evals.metrics.evidence import overlapping_articles
from evals.metrics.matching import FieldScore, field_score
from evals.metrics.similarity import text_similarity
from summarize.core.digest import (
    SourceEvidence,
    StoryDigest,
    TimelineEvent,
)
from summarize.core.names import same_name

#: A predicted event matches a gold one (dates compatible) when their descriptions are this
#: similar, or when their evidence overlaps: the bar of a position (half the content words).
EVENT_THRESHOLD = 0.5


class OccasionPair(BaseModel):
    """Two gold events of the same parties on different dates; ``merged_by`` is the predicted
    event that covers both (None: the prediction kept them apart)."""

    gold_a: int
    gold_b: int
    parties: list[str]
    merged_by: int | None = None


def dates_compatible(a: str | None, b: str | None) -> bool:
    """ISO values that may be one date: either unknown, or one a prefix of the other
    ("2024-07" and "2024-07-08")."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def event_similarity(pred: TimelineEvent, gold: TimelineEvent) -> float | None:
    """Events match when their dates are compatible and their descriptions are
    :data:`EVENT_THRESHOLD` similar or their evidence overlaps; the score adds the two (plus
    0.1 for the same value)."""
    if not dates_compatible(pred.value, gold.value):
        return None
    text = text_similarity(pred.event, gold.event)
    share = evidence_share(pred.evidence, gold.evidence)
    if text < EVENT_THRESHOLD and share == 0.0:
        return None
    return text + share + (0.1 if pred.value == gold.value else 0.0)


def score_events(pred: StoryDigest, gold: StoryDigest) -> FieldScore:
    """Event F1: predicted events matched one-to-one to gold events."""
    return field_score(pred.timeline, gold.timeline, event_similarity)


def order_agreement(matches: Sequence[tuple[int, int]]) -> tuple[float | None, int]:
    """Kendall tau between the predicted and gold positions of the matched events, and how
    many matched events it rests on; tau is None below two."""
    if len(matches) < 2:
        return None, len(matches)
    from scipy.stats import kendalltau  # here: scipy.stats takes a second to import

    pred_pos, gold_pos = zip(*matches, strict=True)
    tau = float(kendalltau(pred_pos, gold_pos).statistic)
    return (None if math.isnan(tau) else tau), len(matches)


def event_parties(event: TimelineEvent, gold: StoryDigest) -> frozenset[int]:
    """The gold parties an event's description names: a run of capitalised words
    (:func:`name_runs`) that is the same name (:func:`same_name`) as one of the party's
    names, aliases or mentions."""
    runs = name_runs(event.event)
    return frozenset(
        j
        for j, party in enumerate(gold.parties)
        if any(
            same_name(r, n)
            for r in runs
            for n in [*party.names(), *(m.name for m in party.mentions)]
        )
    )


def name_runs(text: str) -> list[str]:
    """The runs of capitalised words in ``text`` ("Syrian Observatory for Human Rights",
    "Kerry", "Lavrov" in "Kerry and Lavrov"); a possessive or a punctuation mark ends a run,
    and "of", "for", "the" and name particles join two capitalised words."""
    runs: list[str] = []
    current: list[str] = []
    words = text.split()
    for i, raw in enumerate(words):
        word = raw.strip(_PUNCTUATION)
        possessive = word.endswith(("'s", "’s"))
        word = word[:-2] if possessive else word
        joins = (
            bool(current)
            and word in _CONNECTORS
            and i + 1 < len(words)
            and words[i + 1][:1].isupper()
        )
        if word[:1].isupper() or joins:
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
        if current and (possessive or raw[-1:] in _PUNCTUATION):
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


_PUNCTUATION = ".,;:!?()[]\"'’“”"
_CONNECTORS = frozenset({"of", "for", "the", "al", "bin", "de", "von", "van", "der"})


def occasion_pairs(gold: StoryDigest) -> list[tuple[int, int, frozenset[int]]]:
    """Gold events that would be one event but for their dates: separate occasions of the
    same thing, which a digest must keep apart.

    Both dated, on values that cannot be one date (neither a prefix of the other); the
    parties one description names are all named by the other (equal sets, or one within the
    other: "Kerry and Lavrov discuss Syria by phone" and "Kerry and Lavrov speak by phone
    again"); and the descriptions are :data:`EVENT_THRESHOLD` similar, so that the same
    parties doing different things ("Obama wins the Nobel Peace Prize", "Obama visits Cuba")
    are not occasions of one event. The pair carries the smaller party set.
    """
    timeline = gold.timeline
    parties = [event_parties(e, gold) for e in timeline]
    out = []
    for a, b in itertools.combinations(range(len(timeline)), 2):
        va, vb = timeline[a].value, timeline[b].value
        if (
            va is None
            or vb is None
            or dates_compatible(va, vb)
            or not parties[a]
            or not parties[b]
            or not (parties[a] <= parties[b] or parties[b] <= parties[a])
            or text_similarity(timeline[a].event, timeline[b].event) < EVENT_THRESHOLD
        ):
            continue
        out.append((a, b, min(parties[a], parties[b], key=len)))
    return out


def merged_occasions(pred: StoryDigest, gold: StoryDigest) -> list[OccasionPair]:
    """Every occasion pair of the gold, with the predicted event (if any) that merged them:
    its evidence overlaps evidence of each occasion that the other does not share."""
    out = []
    for a, b, parties in occasion_pairs(gold):
        own_a = _own_evidence(gold.timeline[a], gold.timeline[b])
        own_b = _own_evidence(gold.timeline[b], gold.timeline[a])
        merged = next(
            (
                k
                for k, e in enumerate(pred.timeline)
                if overlapping_articles(e.evidence, own_a)
                and overlapping_articles(e.evidence, own_b)
            ),
            None,
        )
        out.append(
            OccasionPair(
                gold_a=a,
                gold_b=b,
                merged_by=merged,
                parties=[gold.parties[j].name for j in sorted(parties)],
            )
        )
    return out


def _own_evidence(event: TimelineEvent, other: TimelineEvent) -> list[SourceEvidence]:
    return [e for e in event.evidence if not overlapping_articles([e], other.evidence)]
