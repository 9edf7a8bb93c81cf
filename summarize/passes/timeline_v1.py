"""timeline.v1: the article's dates as written, with the model's ISO guess and each date's
event, offered the date words code found (``date_words``); no quote: grounding finds the
words in the text and resolves the value, the model's guess breaking ties (``summary/v7``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from summarize.core.draft import MAX_DATES, DraftShape, Text
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "timeline.j2"


class TimelineDate(DraftShape):
    """A date without a quote: code grounds it where its words stand in the article."""

    text: Text(40, "the date words exactly as written")
    value: Text(10, "ISO YYYY-MM-DD, YYYY-MM or YYYY") | None = None
    event: Text(80)


class TimelineDraft(DraftShape):
    dates: list[TimelineDate] = Field(default_factory=list, max_length=MAX_DATES)


def run(ctx: PassContext) -> dict[str, Any]:
    """One call; the answer's fields as they are."""
    value = ctx.ask(TEMPLATE, TimelineDraft, purpose="timeline", parties=ctx.party_names)
    return value.model_dump()


PASS = register(Pass("timeline.v1", template=TEMPLATE, shape=TimelineDraft, run=run))
