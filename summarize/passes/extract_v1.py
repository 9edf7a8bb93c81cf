"""extract.v1: the whole draft in one call (``summary/v1``, the one-call baseline)."""

from __future__ import annotations

from typing import Any

from summarize.core.draft import SummaryDraft
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "user.j2"


def run(ctx: PassContext) -> dict[str, Any]:
    """One call; the answer's fields as they are."""
    value = ctx.ask(TEMPLATE, SummaryDraft, purpose="extract", parties=ctx.party_names)
    return value.model_dump()


PASS = register(Pass("extract.v1", template=TEMPLATE, shape=SummaryDraft, run=run))
