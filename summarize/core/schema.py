"""The public data shapes of a structured news summary.

They follow the annotation guide (``evals/ANNOTATION_GUIDE.md``) field for field, because the
same models validate both what the model predicts and the hand-written gold: a score only
means something if both sides obey the same rules. ``model_dump(mode="json")`` yields exactly
the field names below; other tools read that JSON, so renaming a field is a breaking change.

Validation that needs the article (is ``text[start:end]`` really the quote?) runs when the
article is passed as validation context: ``ArticleSummary.model_validate(data,
context={"text": article})``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from summarize.core.names import resolve_name, same_name

PartyKind = Literal["person", "state", "organization", "group"]
Polarity = Literal["support", "oppose", "neutral", "mixed"]
NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

MIN_QUOTE_WORDS = 3
MAX_QUOTE_WORDS = 40
MAX_HEADLINE_WORDS = 30
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Evidence(_Shape):
    """A verbatim quote from the article, with its character offsets in the text as given.

    ``text[start:end] == quote`` holds for the exact string the caller passed in (not a
    normalized copy), so a user can highlight the span without searching for it again.
    """

    quote: NonEmptyStr
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @field_validator("quote")
    @classmethod
    def _quote_length(cls, quote: str) -> str:
        words = len(quote.split())
        if not MIN_QUOTE_WORDS <= words <= MAX_QUOTE_WORDS:
            raise ValueError(
                f"a quote is {MIN_QUOTE_WORDS} to {MAX_QUOTE_WORDS} words; this one has {words}"
            )
        return quote

    @model_validator(mode="after")
    def _offsets_match(self, info: ValidationInfo) -> Evidence:
        if self.end - self.start != len(self.quote):
            raise ValueError(
                f"offsets {self.start}:{self.end} span {self.end - self.start} characters "
                f"but the quote has {len(self.quote)}"
            )
        text = (info.context or {}).get("text") if info else None
        if text is not None and text[self.start : self.end] != self.quote:
            raise ValueError(
                f"text[{self.start}:{self.end}] is {text[self.start : self.end]!r}, "
                f"not the quote {self.quote!r}"
            )
        return self


EvidenceList = Annotated[list[Evidence], Field(min_length=1)]


class Party(_Shape):
    """An actor of the story: a person, state, organisation or named group."""

    name: NonEmptyStr
    kind: PartyKind
    role: str | None = None
    aliases: list[NonEmptyStr] = Field(default_factory=list)
    evidence: EvidenceList

    def names(self) -> list[str]:
        """The canonical name followed by every alias."""
        return [self.name, *self.aliases]


class Position(_Shape):
    """What one party thinks, wants, supports or opposes on one topic."""

    party: NonEmptyStr
    topic: NonEmptyStr
    stance: NonEmptyStr
    polarity: Polarity
    evidence: EvidenceList


class DateRef(_Shape):
    """A date that anchors an event; ``value`` is ISO 8601 at the precision that is certain."""

    value: str | None
    text: NonEmptyStr
    event: NonEmptyStr
    evidence: EvidenceList

    @field_validator("value")
    @classmethod
    def _iso_precision(cls, value: str | None) -> str | None:
        if value is None:
            return None
        check_iso_partial(value)
        return value


class Dispute(_Shape):
    """A disagreement: two or more sides, each a list of party names."""

    sides: list[list[NonEmptyStr]] = Field(min_length=2)
    issue: NonEmptyStr
    description: NonEmptyStr
    evidence: EvidenceList

    @field_validator("sides")
    @classmethod
    def _sides_are_distinct(cls, sides: list[list[str]]) -> list[list[str]]:
        if any(not side for side in sides):
            raise ValueError("every side of a dispute names at least one party")
        for i, side in enumerate(sides):
            for other in sides[i + 1 :]:
                # persons=False: two grounded parties "Sudan" and "South Sudan" are two;
                # a person's surname against the full name is ArticleSummary's check
                shared = [a for a in side if any(same_name(a, b, persons=False) for b in other)]
                if shared:
                    raise ValueError(f"{shared[0]!r} stands on two sides of the dispute")
        return sides


class ArticleSummary(_Shape):
    """A typed, source-grounded structured summary of one news article."""

    headline: NonEmptyStr
    summary: NonEmptyStr
    published: dt.date | None = None
    event_location: str | None = None
    parties: list[Party] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    dates: list[DateRef] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)

    @field_validator("headline")
    @classmethod
    def _headline_length(cls, headline: str) -> str:
        words = len(headline.split())
        if words > MAX_HEADLINE_WORDS:
            raise ValueError(f"the headline has {words} words; at most {MAX_HEADLINE_WORDS}")
        return headline

    @model_validator(mode="after")
    def _references_resolve(self) -> ArticleSummary:
        known = [n for party in self.parties for n in party.names()]
        for position in self.positions:
            if not any(same_name(position.party, n) for n in known):
                raise ValueError(
                    f"position on {position.topic!r} names party {position.party!r}, "
                    "which is not among the parties"
                )
        for dispute in self.disputes:
            for side in dispute.sides:
                for name in side:
                    if not any(same_name(name, n) for n in known):
                        raise ValueError(
                            f"dispute over {dispute.issue!r} names party {name!r}, "
                            "which is not among the parties"
                        )
            # a person by surname on one side and full name on the other: the Dispute
            # validator compares names alone, and "Sudan" / "South Sudan" must pass it
            people = [
                {p.name for p in map(self.find_party, side) if p is not None and p.kind == "person"}
                for side in dispute.sides
            ]
            for i, side in enumerate(people):
                for other in people[i + 1 :]:
                    if side & other:
                        shared = min(side & other)
                        raise ValueError(f"{shared!r} stands on two sides of the dispute")
        return self

    def find_party(self, name: str) -> Party | None:
        """The party that ``name`` refers to (:func:`~summarize.core.names.resolve_name`:
        exact name or alias first; by surname for people only, "Sudan" is not "South Sudan")."""
        found = resolve_name(name, [(p.names(), p.kind == "person") for p in self.parties])
        return None if found is None else self.parties[found]


def check_iso_partial(value: str) -> tuple[int, int | None, int | None]:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError for anything else or a bad date."""
    match = _ISO_PARTIAL.match(value)
    if not match:
        raise ValueError(f"{value!r} is not ISO 8601 at YYYY, YYYY-MM or YYYY-MM-DD precision")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc}") from None
    return year, month, day


def iter_evidence(summary: ArticleSummary) -> list[tuple[str, int, Evidence]]:
    """Every evidence quote with the field and item index it supports."""
    out: list[tuple[str, int, Evidence]] = []
    for field in ("parties", "positions", "dates", "disputes"):
        items: list[Any] = getattr(summary, field)
        for i, item in enumerate(items):
            out.extend((field, i, ev) for ev in item.evidence)
    return out
