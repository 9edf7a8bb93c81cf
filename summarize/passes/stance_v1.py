"""stance.v1: positions in the article's own words; the model says only which way.

Each statement of the second reading whose holder is a kept party becomes a position whose
topic and stance are spans the parse marked (what the statement is about; the complement
clause, the object of the stance verb or the quotation), tidied by code. The model answers
one word per statement: support, oppose, neutral, mixed, or none when the sentence holds no
position of its holder (a fact, a schedule), in which case nothing is kept. Stance verbs
without speech ("refused to", "approved", "plans to", "voted against") are statements too.
"""

from __future__ import annotations

from typing import Any

from summarize.core.names import fold_text
from summarize.passes._chooser import (
    POLARITIES,
    PolarityAnswer,
    evidence,
    fixed_shape,
    party_of,
    sentence_of,
    words,
)
from summarize.passes.holder_v1 import HOLDERS
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "stance.j2"
#: Statements asked about at most (news puts what matters first).
MAX_ASKED = 12
#: The key under which the labelled statements travel to the disputes pass.
STANCES = "_stances"
_TOPIC_CHARS = 60
_STANCE_CHARS = 160


def run(ctx: PassContext) -> dict[str, Any]:
    """One polarity question per statement of a kept party; the positions it yields."""
    parties = {p["name"]: p for p in ctx.combined.get("parties", [])}
    holders: dict[int, str | None] = ctx.combined.get(HOLDERS, {})
    asked: list[tuple[int, str, str, str]] = []  # (statement index, party, topic, stance)
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(ctx.reading.statements):
        if len(asked) >= MAX_ASKED:
            break
        party = party_of(holders.get(i, s.holder), ctx.reading, parties)
        stance = words(ctx.article, s.content, _STANCE_CHARS)
        if party is None or len(stance.split()) < 2:
            continue
        topic = words(ctx.article, s.topic, _TOPIC_CHARS) or " ".join(stance.split()[:6])
        key = (party, fold_text(stance))
        if key in seen:
            continue
        seen.add(key)
        asked.append((i, party, topic, stance))
    answers = ctx.choose(
        TEMPLATE,
        [
            {
                "holder": party,
                "sentence": sentence_of(ctx.article, ctx.reading.statements[i]),
                "topic": topic,
            }
            for i, party, topic, _ in asked
        ],
        [POLARITIES] * len(asked),
        purpose="stance",
        shape=fixed_shape(PolarityAnswer),
        content_free=lambda _: {"holder": "N/A", "sentence": "N/A", "topic": "N/A"},
        abstain="none",
    )
    positions: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    for (i, party, topic, stance), answer in zip(asked, answers, strict=True):
        statement = ctx.reading.statements[i]
        polarity = answer
        ctx.ledger.choose(
            "stance",
            f"{party}: {stance}",
            POLARITIES,
            polarity,
            by="model",
        )
        if polarity is None or polarity == "none":
            continue
        quote = evidence(ctx.article, statement)
        positions.append(
            {"party": party, "topic": topic, "stance": stance, "polarity": polarity, "quote": quote}
        )
        stances.append(
            {
                "index": i,
                "party": party,
                "topic": topic,
                "stance": stance,
                "polarity": polarity,
                "quote": quote,
            }
        )
    return {"positions": positions, STANCES: stances}


PASS = register(
    Pass("stance.v1", template=TEMPLATE, shape=PolarityAnswer, run=run, needs_parties=True)
)
