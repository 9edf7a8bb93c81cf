"""timeline_words.v1: the article's dates as written and their events, no value: code
resolves every value from the words and the text (``summary/v8``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from summarize.core.draft import MAX_DATES, DraftShape, Text
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "timeline_words.j2"


class DateWords(DraftShape):
    """A date as the article words it, and its event: code resolves the value (the model's
    ISO guess only ever broke a tie code could not, and cost ten tokens a date)."""

    text: Text(40, "the date words exactly as written")
    event: Text(60)


class TimelineWordsDraft(DraftShape):
    dates: list[DateWords] = Field(default_factory=list, max_length=MAX_DATES)


def run(ctx: PassContext) -> dict[str, Any]:
    """One call; the answer's fields as they are."""
    value = ctx.ask(TEMPLATE, TimelineWordsDraft, purpose="timeline_words", parties=ctx.party_names)
    return value.model_dump()


PASS = register(Pass("timeline_words.v1", template=TEMPLATE, shape=TimelineWordsDraft, run=run))
