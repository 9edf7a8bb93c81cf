"""One timeline across articles: each dated item of each article joins an event or starts one.

Dates are compared by code: values that fit one another (2024-07 and 2024-07-08) may be one
event; values a few days apart may be one event that the sources date differently (then a
discrepancy); anything further apart is another occasion, never asked about (two meetings in
Beijing fifteen months apart stay two events). Among the events a date could join, the one
whose description is most alike is the only candidate; near-identical descriptions on the
same value merge without asking, and the model judges the rest. At most one question per
dated item, so the cost grows linearly with the articles.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from summarize.core.digest import (
    Discrepancy,
    DiscrepancyVersion,
    EventDate,
    SourceEvidence,
    TimelineEvent,
)
from summarize.core.names import fold_text
from summarize.core.schema import ArticleSummary, DateRef
from summarize.digest.context import sentence_text
from summarize.digest.judge import Judge, Report
from summarize.digest.similarity import resemblance

#: Days apart at which two day-precise dates may still be one event, dated differently.
NEAR_DAYS = 7
SAME_WITHOUT_ASKING = 85.0
APART_WITHOUT_ASKING = 40.0

Relation = Literal["fits", "near"]


@dataclass
class _Event:
    members: list[tuple[str, DateRef]] = field(default_factory=list)

    @property
    def articles(self) -> set[str]:
        return {a for a, _ in self.members}

    @property
    def label(self) -> str:
        return self.members[0][1].event

    def values(self) -> list[str]:
        return [d.value for _, d in self.members if d.value]


def build_timeline(
    summaries: dict[str, ArticleSummary], texts: dict[str, str], judge: Judge | None
) -> tuple[list[TimelineEvent], list[Discrepancy]]:
    events: list[_Event] = []
    for article, summary in summaries.items():
        for date in summary.dates:
            repeat = _repeat(events, article, date)
            if repeat is not None:
                repeat.members.append((article, date))
                continue
            target = _candidate(events, article, date, texts)
            if target is not None and _same(target, article, date, texts, judge):
                target.members.append((article, date))
            else:
                events.append(_Event(members=[(article, date)]))
    ordered = sorted(events, key=_sort_key)
    return (
        [_digest_event(e) for e in ordered],
        [d for e in ordered if (d := _date_discrepancy(e)) is not None],
    )


def relation(a: str | None, b: str | None) -> Relation | None:
    """How two ISO values relate: "fits" (one refines the other, or either is unknown),
    "near" (day-precise, at most :data:`NEAR_DAYS` apart), or None (other occasions)."""
    if a is None or b is None or a.startswith(b) or b.startswith(a):
        return "fits"
    if len(a) == len(b) == 10:
        gap = abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)
        if gap <= NEAR_DAYS:
            return "near"
    return None


def _fits_all(event: _Event, value: str | None) -> Relation | None:
    relations = [relation(v, value) for v in event.values()] or ["fits"]
    if None in relations:
        return None
    return "near" if "near" in relations else "fits"


def _repeat(events: list[_Event], article: str, date: DateRef) -> _Event | None:
    """An event this article already dated under the same description ("on Sunday" and
    "Feb. 21" for one speech): the article's own summary names it twice, code joins them
    when one value results and at least one of the two is dated. Two undated items never
    join by description alone: "meeting" may be two meetings."""
    label = fold_text(date.event)
    for event in events:
        if article not in event.articles or fold_text(event.label) != label:
            continue
        values = set(event.values()) | ({date.value} if date.value else set())
        if len(values) == 1:
            return event
    return None


def _described(article: str, date: DateRef, texts: dict[str, str]) -> str:
    """The event's description and the sentence it rests on: labels alone are terse, and two
    sources describe one event with more words in common in their sentences."""
    evidence = date.evidence[0]
    return f"{date.event}. {sentence_text(texts[article], evidence.start, evidence.end)}"


def _candidate(
    events: list[_Event], article: str, date: DateRef, texts: dict[str, str]
) -> _Event | None:
    scored = []
    mine = _described(article, date, texts)
    for event in events:
        if article in event.articles or _fits_all(event, date.value) is None:
            continue
        first_article, first = event.members[0]
        score = max(
            resemblance(date.event, event.label),
            resemblance(mine, _described(first_article, first, texts)),
        )
        if score >= APART_WITHOUT_ASKING:
            scored.append((score, event))
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _same(
    event: _Event, article: str, date: DateRef, texts: dict[str, str], judge: Judge | None
) -> bool:
    values = set(event.values())
    # Without asking only when both are dated, on the same value: an undated item fits any
    # date, so it would join whatever shares its (often terse) description.
    if (
        resemblance(date.event, event.label) >= SAME_WITHOUT_ASKING
        and date.value is not None
        and values == {date.value}
    ):
        return True
    if judge is None:
        return False
    first_article, first = event.members[0]
    return judge.same_event(_report(first_article, first, texts), _report(article, date, texts))


def _report(article: str, date: DateRef, texts: dict[str, str]) -> Report:
    evidence = date.evidence[0]
    return Report(
        article=article,
        label=date.event,
        when=date.text,
        value=date.value or "",
        sentence=sentence_text(texts[article], evidence.start, evidence.end),
    )


def _agreed_value(event: _Event) -> str | None:
    """The most precise value every source fits; with a conflict, the most reported one."""
    values = event.values()
    if not values:
        return None
    if all(relation(a, b) == "fits" for a in values for b in values):
        return max(values, key=len)
    return Counter(values).most_common(1)[0][0]


def _sort_key(event: _Event) -> tuple[bool, str]:
    value = _agreed_value(event)
    # A month before the days in it, a year before its months; undated events last.
    padded = (value or "") + "-00-00"[: max(0, 10 - len(value or ""))]
    return (value is None, padded)


def _digest_event(event: _Event) -> TimelineEvent:
    return TimelineEvent(
        value=_agreed_value(event),
        event=event.label,
        dates=[EventDate(article=a, text=d.text, value=d.value) for a, d in event.members],
        articles=list(dict.fromkeys(a for a, _ in event.members)),
        evidence=[
            SourceEvidence(article=a, quote=e.quote, start=e.start, end=e.end)
            for a, d in event.members
            for e in d.evidence[:1]
        ],
    )


def _date_discrepancy(event: _Event) -> Discrepancy | None:
    """Sources that date one event on different days disagree on a checkable fact."""
    by_value: dict[str, list[tuple[str, DateRef]]] = {}
    for article, date in event.members:
        if date.value:
            by_value.setdefault(date.value, []).append((article, date))
    days = [v for v in by_value if len(v) == 10]
    if len(days) < 2:
        return None
    versions = []
    for value in days:
        for article, date in by_value[value][:1]:
            versions.append(
                DiscrepancyVersion(
                    article=article,
                    claim=f"{date.text} ({value})",
                    evidence=[
                        SourceEvidence(article=article, quote=e.quote, start=e.start, end=e.end)
                        for e in date.evidence[:1]
                    ],
                )
            )
    if len({v.article for v in versions}) < 2:
        return None
    return Discrepancy(kind="date", about=f"the date of: {event.label}", versions=versions)
