"""overview.v1: the headline, the summary and where the event took place, in one call."""

from __future__ import annotations

from typing import Any

from summarize.core.draft import DraftShape, Text
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "overview.j2"


class OverviewDraft(DraftShape):
    headline: Text(200)
    summary: Text(700)
    event_location: Text(60) | None = None


def run(ctx: PassContext) -> dict[str, Any]:
    """One call; the answer's fields as they are."""
    value = ctx.ask(TEMPLATE, OverviewDraft, purpose="overview", parties=ctx.party_names)
    return value.model_dump()


PASS = register(Pass("overview.v1", template=TEMPLATE, shape=OverviewDraft, run=run))
