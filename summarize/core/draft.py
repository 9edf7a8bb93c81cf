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

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from summarize.core.schema import PartyKind, Polarity

MAX_PARTIES = 12
MAX_POSITIONS = 8
MAX_DATES = 8
MAX_DISPUTES = 4
QUOTE_CHARS = 110
DRAFT_LIMITS = {"parties": MAX_PARTIES, "positions": MAX_POSITIONS, "dates": MAX_DATES,
                "disputes": MAX_DISPUTES}


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


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")


Quote = Text(QUOTE_CHARS, "words copied exactly from the article")
Name = Text(60)


class PartyDraft(_Draft):
    name: Name
    kind: PartyKind
    # role and aliases are required (an empty value is allowed): an optional property is one
    # a small model under a grammar learns to skip.
    role: Text(60)
    aliases: list[Name] = Field(max_length=4)
    quote: Quote


class PositionDraft(_Draft):
    party: Name
    topic: Text(60)
    stance: Text(160)
    polarity: Polarity
    quote: Quote


class DateDraft(_Draft):
    text: Text(40, "the date words exactly as written")
    value: Text(10, "ISO YYYY-MM-DD, YYYY-MM or YYYY") | None = None
    event: Text(80)
    quote: Quote


class DisputeDraft(_Draft):
    side_a: list[Name] = Field(min_length=1, max_length=4)
    side_b: list[Name] = Field(min_length=1, max_length=4)
    issue: Text(70)
    description: Text(180)
    quote: Quote


class SummaryDraft(_Draft):
    """Everything one extraction pass asks of the model."""

    headline: Text(200)
    summary: Text(700)
    event_location: Text(60) | None = None
    parties: list[PartyDraft] = Field(default_factory=list, max_length=MAX_PARTIES)
    positions: list[PositionDraft] = Field(default_factory=list, max_length=MAX_POSITIONS)
    dates: list[DateDraft] = Field(default_factory=list, max_length=MAX_DATES)
    disputes: list[DisputeDraft] = Field(default_factory=list, max_length=MAX_DISPUTES)


class QuoteFix(_Draft):
    """The model's answer when asked again for a quote that could not be found."""

    item: int = Field(description="the number of the item in the list given")
    quote: Quote


class QuoteFixes(_Draft):
    fixes: list[QuoteFix] = Field(default_factory=list, max_length=24)


# --- the shapes of the separate passes of a multi-pass prompt ------------------------------------
class OverviewDraft(_Draft):
    headline: Text(200)
    summary: Text(700)
    event_location: Text(60) | None = None


class TimelineDate(_Draft):
    """A date without a quote: code grounds it where its words stand in the article."""

    text: Text(40, "the date words exactly as written")
    value: Text(10, "ISO YYYY-MM-DD, YYYY-MM or YYYY") | None = None
    event: Text(80)


class TimelineDraft(_Draft):
    dates: list[TimelineDate] = Field(default_factory=list, max_length=MAX_DATES)


class DateWords(_Draft):
    """A date as the article words it, and its event: code resolves the value (the model's
    ISO guess only ever broke a tie code could not, and cost ten tokens a date)."""

    text: Text(40, "the date words exactly as written")
    event: Text(60)


class TimelineWordsDraft(_Draft):
    dates: list[DateWords] = Field(default_factory=list, max_length=MAX_DATES)


class AttributedLabel(_Draft):
    """The model's label of one attributed sentence: the speaker is known from the parse.

    ``polarity`` "none" means the sentence reports no position of the speaker (a fact, a
    schedule), so nothing is kept.
    """

    topic: Text(80)
    stance: Text(120)
    polarity: Literal["support", "oppose", "neutral", "mixed", "none"]


#: What a candidate name is in the story: a party kind, or not a party at all.
CastKind = Literal["person", "state", "organization", "group", "place", "other"]
PARTY_KINDS = ("person", "state", "organization", "group")


class CastDraft(_Draft):
    """Placeholder of the cast pass: the real shape depends on the names (:func:`cast_shape`)."""


def cast_shape(names: list[str], choices: list[tuple[str, ...]] | None = None) -> type[_Draft]:
    """An object with one required property per candidate name, valued by its CastKind.

    The decoding grammar writes every name itself, in order, so the model only picks a kind
    for each (about seven tokens a name) and cannot stop early or skip one, which a
    generated list of parties did. ``choices`` narrows each name's kinds (a recognised
    place can be a state, a place or nothing; never a person).
    """
    fields: dict[str, object] = {
        f"name_{i}": (Literal[tuple(choices[i])] if choices else CastKind,  # type: ignore[misc]
                      Field(alias=name))
        for i, name in enumerate(names)
    }
    return create_model("CastDraft", __base__=CastDraft, **fields)  # type: ignore[call-overload]


PASS_SHAPES: dict[str, type[_Draft]] = {
    "extract": SummaryDraft,
    "overview": OverviewDraft,
    "timeline": TimelineDraft,
    "timeline_words": TimelineWordsDraft,
    "cast": CastDraft,
    "attributed": AttributedLabel,
}

