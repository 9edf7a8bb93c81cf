"""Evidence overlap: two quotes are the same evidence when their spans in one article meet.

A story's items are reported by several sources, each with its own quotes; a predicted item
and a gold item that rest on the same passage of the same article are about the same thing
whatever words their labels use. Spans are compared by offsets, so both sides must point
into the same text (the story's article texts, which the digest's offsets point into).
"""

from __future__ import annotations

from collections.abc import Iterable

from summarize.core.digest import SourceEvidence


def spans_overlap(a: SourceEvidence, b: SourceEvidence) -> bool:
    """True when both quotes are from one article and share at least one character."""
    return a.article == b.article and a.start < b.end and b.start < a.end


def overlapping_articles(
    pred: Iterable[SourceEvidence], gold: Iterable[SourceEvidence]
) -> set[str]:
    """The articles in which some predicted quote overlaps some gold quote."""
    gold_list = list(gold)
    return {p.article for p in pred if any(spans_overlap(p, g) for g in gold_list)}


__all__ = ["overlapping_articles", "spans_overlap"]
