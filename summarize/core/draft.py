"""The compact shape the model fills in, before grounding turns it into an ArticleSummary.

Why a separate shape: on a 2-core CPU every output token costs about 0.1 s, and a small model
is bad at character offsets and calendar arithmetic. So the model writes one short quote per
item (code finds the offsets), a date's words as written plus its own guess (code resolves
the value against the publication date), and two fixed dispute sides (the common case; the
public schema allows more). Lists are bounded so that the decoding grammar, and the time,
stay bounded too.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
