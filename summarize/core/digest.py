"""The data shapes of a story digest: one grounded view of a story told by several articles.

Every item points to evidence as (article, start, end) with the verbatim quote, so a reader
can open each claim in the source that made it. Articles are named by a short ``id`` (the
file's stem for files, ``a1``, ``a2``... for strings), unique within a digest.

Validation that needs the texts (is ``texts[article][start:end]`` really the quote?) runs
when they are passed as validation context: ``StoryDigest.model_validate(data,
context={"texts": {article_id: text}})``. ``model_dump(mode="json")`` is the format other
tools read; renaming a field is a breaking change.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from summarize.core.schema import NonEmptyStr, PartyKind, Polarity, check_iso_partial

DiscrepancyKind = Literal["date", "figure", "attribution", "characterisation"]


def _iso_or_none(value: str | None) -> str | None:
    if value is not None:
        check_iso_partial(value)
    return value


#: ISO 8601 at the precision that is certain (YYYY, YYYY-MM, YYYY-MM-DD), or None.
IsoValue = Annotated[str | None, AfterValidator(_iso_or_none)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceEvidence(_Shape):
    """A verbatim quote from one article of the story, with its character offsets there."""

    article: NonEmptyStr
    quote: NonEmptyStr
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _offsets_match(self, info: ValidationInfo) -> SourceEvidence:
        if self.end - self.start != len(self.quote):
            raise ValueError(
                f"offsets {self.start}:{self.end} do not span the quote's "
                f"{len(self.quote)} characters"
            )
        texts = (info.context or {}).get("texts") if info else None
        if texts is not None:
            if self.article not in texts:
                raise ValueError(f"evidence cites article {self.article!r}, not in the story")
            if texts[self.article][self.start : self.end] != self.quote:
                raise ValueError(
                    f"{self.article}[{self.start}:{self.end}] is not the quote {self.quote!r}"
                )
        return self


SourceEvidenceList = Annotated[list[SourceEvidence], Field(min_length=1)]


class _Sourced(_Shape):
    """An item reported by one or more articles; ``articles`` are the ids that report it."""

    articles: list[NonEmptyStr] = Field(min_length=1)
    evidence: SourceEvidenceList

    @model_validator(mode="after")
    def _evidence_from_its_articles(self) -> _Sourced:
        stray = {e.article for e in self.evidence} - set(self.articles)
        if stray:
            raise ValueError(
                f"evidence from {sorted(stray)}, which the item does not list among its articles"
            )
        return self


class DigestArticle(_Shape):
    """One source of the story."""

    id: NonEmptyStr
    title: str | None = None
    published: dt.date | None = None
    source: str | None = Field(default=None, description="the file or URL it was read from")


class PartyMention(_Shape):
    """How one article names a party (its canonical name in that article's summary)."""

    article: NonEmptyStr
    name: NonEmptyStr


class DigestParty(_Sourced):
    """A party unified across articles: every spelling, and the articles that name it."""

    name: NonEmptyStr
    kind: PartyKind
    role: str | None = None
    aliases: list[NonEmptyStr] = Field(default_factory=list)
    mentions: list[PartyMention] = Field(min_length=1)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class DigestPosition(_Sourced):
    """One position of one party, merged where several sources report it."""

    party: NonEmptyStr
    topic: NonEmptyStr
    stance: NonEmptyStr
    polarity: Polarity


class EventDate(_Shape):
    """How one source dates an event: its words and the value they resolve to."""

    article: NonEmptyStr
    text: NonEmptyStr
    value: IsoValue = None


class TimelineEvent(_Sourced):
    """One dated event of the story, merged across sources.

    ``value`` is the most precise date the sources agree on (ISO 8601, YYYY / YYYY-MM /
    YYYY-MM-DD), None when no source dates it; ``dates`` keeps each source's own wording and
    precision. Sources that date one event differently also give a :class:`Discrepancy`.
    """

    value: IsoValue = None
    event: NonEmptyStr
    dates: list[EventDate] = Field(min_length=1)


class DigestDispute(_Sourced):
    """A disagreement between unified parties, merged across the sources that report it."""

    sides: list[list[NonEmptyStr]] = Field(min_length=2)
    issue: NonEmptyStr
    description: NonEmptyStr


class DiscrepancyVersion(_Shape):
    """What one source says on the disputed fact, in its own words."""

    article: NonEmptyStr
    claim: NonEmptyStr
    evidence: SourceEvidenceList


class Discrepancy(_Shape):
    """Sources disagree on a checkable fact: a date, a figure, who said what, a quoted
    characterisation. Each version keeps its own evidence."""

    kind: DiscrepancyKind
    about: NonEmptyStr
    versions: list[DiscrepancyVersion] = Field(min_length=2)

    @model_validator(mode="after")
    def _two_sources(self) -> Discrepancy:
        if len({v.article for v in self.versions}) < 2:
            raise ValueError("a discrepancy is between at least two articles")
        return self


class StoryDigest(_Shape):
    """One grounded view of a story across its articles."""

    articles: list[DigestArticle] = Field(min_length=1)
    parties: list[DigestParty] = Field(default_factory=list)
    positions: list[DigestPosition] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    disputes: list[DigestDispute] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> StoryDigest:
        ids = [a.id for a in self.articles]
        if len(set(ids)) != len(ids):
            raise ValueError("article ids in a digest are unique")
        known_ids = set(ids)
        for item in [*self.parties, *self.positions, *self.timeline, *self.disputes]:
            unknown = set(item.articles) - known_ids
            if unknown:
                raise ValueError(f"an item cites unknown article(s) {sorted(unknown)}")
        names = {p.name for p in self.parties}
        for position in self.positions:
            if position.party not in names:
                raise ValueError(f"position names party {position.party!r}, not in the digest")
        for dispute in self.disputes:
            for side in dispute.sides:
                for name in side:
                    if name not in names:
                        raise ValueError(f"dispute names party {name!r}, not in the digest")
        return self

    def party(self, name: str) -> DigestParty | None:
        return next((p for p in self.parties if p.name == name), None)
