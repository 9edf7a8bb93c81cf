"""The compact shape the model fills in, before grounding turns it into an ArticleSummary.

Why a separate shape: on a 2-core CPU every output token costs about 0.1 s, and a small model
is bad at character offsets and calendar arithmetic. So the model writes one short quote per
item (code finds the offsets), a date's words as written plus its own guess (code resolves
the value against the publication date), and two fixed dispute sides (the common case; the
public schema allows more). Lists are bounded so that the decoding grammar, and the time,
stay bounded too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from summarize.core.schema import PartyKind, Polarity

MAX_PARTIES = 8
MAX_POSITIONS = 8
MAX_DATES = 8
MAX_DISPUTES = 4


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PartyDraft(_Draft):
    name: str = Field(description="canonical full name, without titles")
    kind: PartyKind
    role: str = Field(description="role as the article gives it, or empty")
    aliases: list[str] = Field(default_factory=list, max_length=4)
    quote: str = Field(description="5-20 words copied exactly from the article")


class PositionDraft(_Draft):
    party: str = Field(description="a name from parties")
    topic: str
    stance: str = Field(description="one plain sentence")
    polarity: Polarity
    quote: str


class DateDraft(_Draft):
    text: str = Field(description="the date words exactly as written")
    value: str | None = Field(default=None, description="ISO YYYY-MM-DD, YYYY-MM or YYYY")
    event: str
    quote: str


class DisputeDraft(_Draft):
    side_a: list[str] = Field(min_length=1, max_length=4)
    side_b: list[str] = Field(min_length=1, max_length=4)
    issue: str
    description: str
    quote: str


class SummaryDraft(_Draft):
    """Everything one extraction pass asks of the model."""

    headline: str
    summary: str
    event_location: str | None = None
    parties: list[PartyDraft] = Field(default_factory=list, max_length=MAX_PARTIES)
    positions: list[PositionDraft] = Field(default_factory=list, max_length=MAX_POSITIONS)
    dates: list[DateDraft] = Field(default_factory=list, max_length=MAX_DATES)
    disputes: list[DisputeDraft] = Field(default_factory=list, max_length=MAX_DISPUTES)


class QuoteFix(_Draft):
    """The model's answer when asked again for a quote that could not be found."""

    item: int = Field(description="the number of the item in the list given")
    quote: str


class QuoteFixes(_Draft):
    fixes: list[QuoteFix] = Field(default_factory=list, max_length=24)


# --- the shapes of the separate passes of a multi-pass prompt ------------------------------------
class OverviewDraft(_Draft):
    headline: str
    summary: str
    event_location: str | None = None


class PartiesDraft(_Draft):
    parties: list[PartyDraft] = Field(default_factory=list, max_length=MAX_PARTIES + 2)


class PositionsDraft(_Draft):
    positions: list[PositionDraft] = Field(default_factory=list, max_length=MAX_POSITIONS + 2)


class DatesDraft(_Draft):
    dates: list[DateDraft] = Field(default_factory=list, max_length=MAX_DATES)


class DisputesDraft(_Draft):
    disputes: list[DisputeDraft] = Field(default_factory=list, max_length=MAX_DISPUTES)


PASS_SHAPES: dict[str, type[_Draft]] = {
    "extract": SummaryDraft,
    "overview": OverviewDraft,
    "parties": PartiesDraft,
    "positions": PositionsDraft,
    "dates": DatesDraft,
    "disputes": DisputesDraft,
}


def restrict_party_names(shape: type[_Draft], names: list[str]) -> type[_Draft]:
    """The same pass shape, but every party reference must be one of ``names``.

    The decoding grammar then makes an unknown party name impossible, instead of something
    to detect and re-ask for afterwards.
    """
    if not names or shape not in (PositionsDraft, DisputesDraft):
        return shape
    allowed = Literal[tuple(dict.fromkeys(names))]  # type: ignore[valid-type]
    if shape is PositionsDraft:
        item = create_model("PositionDraft", __base__=PositionDraft, party=(allowed, ...))
        return create_model(
            "PositionsDraft", __base__=PositionsDraft,
            positions=(list[item], Field(default_factory=list, max_length=MAX_POSITIONS + 2)),
        )
    sides = Annotated[list[allowed], Field(min_length=1, max_length=4)]  # type: ignore[valid-type]
    item = create_model("DisputeDraft", __base__=DisputeDraft, side_a=(sides, ...),
                        side_b=(sides, ...))
    return create_model(
        "DisputesDraft", __base__=DisputesDraft,
        disputes=(list[item], Field(default_factory=list, max_length=MAX_DISPUTES)),
    )
