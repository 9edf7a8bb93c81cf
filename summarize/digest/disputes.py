"""Disputes across articles: sides named by unified party, merged when the sides match.

Pure code: a dispute is its sides plus its issue, and once party names are unified two
reports of one dispute have the same sides. Reports with the same sides on clearly different
issues stay two disputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summarize.core.digest import DigestDispute, SourceEvidence
from summarize.core.schema import Dispute
from summarize.digest.parties import PartyIndex
from summarize.digest.similarity import resemblance

#: Resemblance of two issues (0–100) below which same-sided disputes stay apart.
SAME_ISSUE = 40.0

Sides = frozenset[frozenset[str]]


@dataclass
class _Merged:
    sides: list[list[str]]
    members: list[tuple[str, Dispute]] = field(default_factory=list)

    @property
    def key(self) -> Sides:
        return frozenset(frozenset(side) for side in self.sides)


def merge_disputes(index: PartyIndex) -> list[DigestDispute]:
    merged: list[_Merged] = []
    for article, summary in index.summaries.items():
        for dispute in summary.disputes:
            sides = _unified_sides(index, article, dispute)
            if sides is None:
                continue
            key = frozenset(frozenset(side) for side in sides)
            target = next(
                (
                    m
                    for m in merged
                    if m.key == key
                    and resemblance(dispute.issue, m.members[0][1].issue) >= SAME_ISSUE
                ),
                None,
            )
            if target is None:
                merged.append(_Merged(sides=sides, members=[(article, dispute)]))
            else:
                target.members.append((article, dispute))
    return [_digest_dispute(m) for m in merged]


def _unified_sides(index: PartyIndex, article: str, dispute: Dispute) -> list[list[str]] | None:
    """Each side's names as digest parties; None when a side is lost or two sides meet."""
    sides = []
    for side in dispute.sides:
        names = list(dict.fromkeys(p for n in side if (p := index.resolve(article, n)) is not None))
        if not names:
            return None
        sides.append(names)
    flat = [n for side in sides for n in side]
    return sides if len(flat) == len(set(flat)) else None


def _digest_dispute(merged: _Merged) -> DigestDispute:
    first = merged.members[0][1]
    return DigestDispute(
        sides=merged.sides,
        issue=first.issue,
        description=first.description,
        articles=list(dict.fromkeys(a for a, _ in merged.members)),
        evidence=[
            SourceEvidence(article=a, quote=e.quote, start=e.start, end=e.end)
            for a, d in merged.members
            for e in d.evidence[:1]
        ],
    )
