"""The compact shape the model fills in, before grounding turns it into an ArticleSummary.

Why a separate shape: on a 2-core CPU every output token costs about 0.1 s, and a small model
is bad at character offsets and calendar arithmetic. So the model writes one short quote per
item (code finds the offsets), a date's words as written plus its own guess (code resolves
the value against the publication date), and two fixed dispute sides (the common case; the
public schema allows more). Lists are bounded so that the decoding grammar, and the time,
stay bounded too.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from summarize.core.schema import PartyKind, Polarity

MAX_PARTIES = 12
MAX_POSITIONS = 8
MAX_DATES = 8
MAX_DISPUTES = 4
QUOTE_CHARS = 110
DRAFT_LIMITS = {
    "parties": MAX_PARTIES,
    "positions": MAX_POSITIONS,
    "dates": MAX_DATES,
    "disputes": MAX_DISPUTES,
}


def _clip(limit: int):
    def clip(value: object) -> object:
        return value[:limit] if isinstance(value, str) else value

    return clip


def Text(limit: int, description: str | None = None):
    """A string of at most ``limit`` characters.

    The limit is in the JSON schema, so a grammar-constrained decoder cannot exceed it (every
    token costs ~0.1 s on the embedded model), and longer values from an unconstrained
    endpoint are cut rather than re-asked for.
    """
    return Annotated[
        str, BeforeValidator(_clip(limit)), Field(max_length=limit, description=description)
    ]


class DraftShape(BaseModel):
    model_config = ConfigDict(extra="ignore")


Quote = Text(QUOTE_CHARS, "words copied exactly from the article")
Name = Text(60)


class PartyDraft(DraftShape):
    name: Name
    kind: PartyKind
    # role and aliases are required (an empty value is allowed): an optional property is one
    # a small model under a grammar learns to skip.
    role: Text(60)
    aliases: list[Name] = Field(max_length=4)
    quote: Quote


class PositionDraft(DraftShape):
    party: Name
    topic: Text(60)
    stance: Text(160)
    polarity: Polarity
    quote: Quote


class DateDraft(DraftShape):
    text: Text(40, "the date words exactly as written")
    value: Text(10, "ISO YYYY-MM-DD, YYYY-MM or YYYY") | None = None
    event: Text(80)
    quote: Quote


class DisputeDraft(DraftShape):
    side_a: list[Name] = Field(min_length=1, max_length=4)
    side_b: list[Name] = Field(min_length=1, max_length=4)
    issue: Text(70)
    description: Text(180)
    quote: Quote


class SummaryDraft(DraftShape):
    """Everything one extraction pass asks of the model."""

    headline: Text(200)
    summary: Text(700)
    event_location: Text(60) | None = None
    parties: list[PartyDraft] = Field(default_factory=list, max_length=MAX_PARTIES)
    positions: list[PositionDraft] = Field(default_factory=list, max_length=MAX_POSITIONS)
    dates: list[DateDraft] = Field(default_factory=list, max_length=MAX_DATES)
    disputes: list[DisputeDraft] = Field(default_factory=list, max_length=MAX_DISPUTES)


class QuoteFix(DraftShape):
    """The model's answer when asked again for a quote that could not be found."""

    item: int = Field(description="the number of the item in the list given")
    quote: Quote


class QuoteFixes(DraftShape):
    fixes: list[QuoteFix] = Field(default_factory=list, max_length=24)
