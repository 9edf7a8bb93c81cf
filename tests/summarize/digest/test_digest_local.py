"""A story digest on the real fast embedded model (slow; CI runs it).

Two short reports of one council vote, written for this test, that name the mayor
differently and date the vote differently: the digest must unify her, keep every span
grounded, and spend at most one judgement per item it merges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.core.digest import StoryDigest
from summarize.digest import Digester, StoryArticle
from summarize.providers.registry import FAST_MODEL

pytestmark = pytest.mark.slow

FIRST = """Harbour council backs ferry subsidy

Date: 2025-03-14

The Portwell harbour council voted on Tuesday, March 11, to keep the island ferry subsidy for
two more years. Mayor Ingrid Solheim said the ferry was "a lifeline for 900 islanders" and
that the council could not let it close.

The shipping firm Nordvik Lines, which runs the ferry, welcomed the decision. The opposition
Taxpayers' Alliance said the subsidy wasted public money and promised to fight it.
"""

SECOND = """Ferry subsidy survives council vote

Date: 2025-03-13

Portwell's council agreed on Wednesday, March 12, to extend the ferry subsidy. Ingrid
Solheim, the town's mayor, called the ferry "a lifeline for 900 islanders".

The Taxpayers' Alliance criticised the vote, saying the subsidy wasted public money.
"""


def test_fast_model_digests_two_reports_of_one_vote(tmp_path: Path) -> None:
    run = Digester(FAST_MODEL, cache=tmp_path, ask_model=True).run(
        [StoryArticle(id="first", text=FIRST), StoryArticle(id="second", text=SECOND)]
    )
    digest, texts = run.digest, run.texts
    StoryDigest.model_validate(digest.model_dump(), context={"texts": texts})
    mayor = [p for p in digest.parties if "solheim" in " ".join(p.names()).casefold()]
    assert len(mayor) == 1, [p.names() for p in digest.parties]
    assert set(mayor[0].articles) == {"first", "second"}
    items = len(digest.positions) + sum(len(e.dates) for e in digest.timeline)
    assert len(run.calls) <= items + 24  # one question per item at most, plus the capped checks
    assert all(c.purpose.startswith("digest-") for c in run.calls)
    again = Digester(FAST_MODEL, cache=tmp_path, ask_model=True).run(
        [StoryArticle(id="first", text=FIRST), StoryArticle(id="second", text=SECOND)]
    )
    assert again.cached == ["first", "second"] and again.digest.parties == digest.parties
