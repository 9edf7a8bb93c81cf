"""Positions merged across articles: one stance of one party, with every source reporting it.

Articles are taken in order and each position is compared with the merged positions of the
same party so far, from other articles only. The most alike one (content words of topic and
stance) is the only candidate: code merges near-identical wording, leaves clearly different
ones apart, and asks the model about the rest. At most one question per position, so the
cost grows with the number of positions, not with the number of pairs of articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summarize.core.digest import DigestPosition, SourceEvidence
from summarize.core.schema import Position
from summarize.digest.context import sentence_text
from summarize.digest.judge import Judge, Report
from summarize.digest.parties import PartyIndex
from summarize.digest.similarity import resemblance

#: Resemblance (0–100) at which two stances of one party are merged without asking.
SAME_WITHOUT_ASKING = 90.0
#: Resemblance below which two stances are kept apart without asking.
APART_WITHOUT_ASKING = 45.0


@dataclass
class _Merged:
    party: str
    members: list[tuple[str, Position]] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(a for a, _ in self.members))

    @property
    def first(self) -> Position:
        return self.members[0][1]


def merge_positions(
    index: PartyIndex, texts: dict[str, str], judge: Judge | None
) -> list[DigestPosition]:
    merged: list[_Merged] = []
    for article, summary in index.summaries.items():
        for position in summary.positions:
            party = index.resolve(article, position.party)
            if party is None:
                continue
            target = _candidate(merged, party, article, position)
            if target is not None and _same(target, article, position, party, texts, judge):
                target.members.append((article, position))
            else:
                merged.append(_Merged(party=party, members=[(article, position)]))
    return [_digest_position(m) for m in merged]


def _about(position: Position) -> str:
    return f"{position.topic}. {position.stance}"


def _candidate(
    merged: list[_Merged], party: str, article: str, position: Position
) -> _Merged | None:
    scored = [
        (resemblance(_about(position), _about(m.first)), m)
        for m in merged
        if m.party == party and article not in m.articles
    ]
    scored = [(s, m) for s, m in scored if s >= APART_WITHOUT_ASKING]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _same(
    target: _Merged,
    article: str,
    position: Position,
    party: str,
    texts: dict[str, str],
    judge: Judge | None,
) -> bool:
    score = resemblance(_about(position), _about(target.first))
    if score >= SAME_WITHOUT_ASKING:
        return True
    if judge is None:
        return False
    other_article, other = target.members[0]
    return judge.same_position(
        _report(other_article, other, texts), _report(article, position, texts), party
    )


def _report(article: str, position: Position, texts: dict[str, str]) -> Report:
    evidence = position.evidence[0]
    return Report(
        article=article,
        label=f"on {position.topic}: {position.stance}",
        sentence=sentence_text(texts[article], evidence.start, evidence.end),
    )


def _digest_position(merged: _Merged) -> DigestPosition:
    first = merged.first
    return DigestPosition(
        party=merged.party,
        topic=first.topic,
        stance=first.stance,
        polarity=first.polarity,
        articles=merged.articles,
        evidence=[
            SourceEvidence(article=a, quote=e.quote, start=e.start, end=e.end)
            for a, p in merged.members
            for e in p.evidence[:1]
        ],
    )
