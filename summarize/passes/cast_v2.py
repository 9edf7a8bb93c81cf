"""cast.v2: the second reading's candidates; code settles what the parse is sure of.

As in cast.v1 the grammar writes each name and the model only picks a kind among those the
entity label allows. What changes: the candidates come from ``reading.v2`` (places, media,
bills and programmes already left out; a country is a state, a capital that speaks is its
state), names reach the grammar on one line, and a candidate that holds or is the target
of a statement is a party without a model token: a person or a named group by its label, a
country as a state. Every kind, asked or settled, is recorded as a choice of the run.
"""

from __future__ import annotations

from typing import Any

from summarize.core.names import split_title
from summarize.core.reading import Candidate
from summarize.passes._chooser import one_line
from summarize.passes.cast_v1 import CAST_CHOICES, PARTY_KINDS, CastDraft, cast_shape
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "cast.j2"
#: Candidates the model is asked about at most (about seven output tokens each).
MAX_ASKED = 16
#: Labels settled without asking when the candidate holds or is the target of a statement.
_SURE_LABELS = {"person": "person", "group": "group", "state": "state"}


def run(ctx: PassContext) -> dict[str, Any]:
    """Kinds for the candidates: settled by code where the parse is sure, else asked."""
    reading = ctx.reading
    candidates = reading.candidates
    acting = {s.holder for s in reading.statements if s.holder}
    acting |= {s.target for s in reading.statements if s.target}
    settled: dict[str, str] = {}
    for c in candidates:
        if c.name in acting and c.label in _SURE_LABELS:
            settled[c.name] = _SURE_LABELS[c.label]
            ctx.ledger.choose(
                "cast", c.name, list(CAST_CHOICES[c.label]), settled[c.name], by="code"
            )
    asked = [c for c in candidates if c.name not in settled][:MAX_ASKED]
    kinds: dict[str, str] = {}
    if asked:
        shown = [one_line(c.name) for c in asked]
        shape = cast_shape(shown, [CAST_CHOICES[c.label] for c in asked])
        value = ctx.ask(
            TEMPLATE, shape, purpose="cast", names=shown, max_tokens=12 * len(asked) + 16
        )
        answer = value.model_dump(by_alias=True)
        for c, name in zip(asked, shown, strict=True):
            kinds[c.name] = answer.get(name)
            ctx.ledger.choose(
                "cast", c.name, list(CAST_CHOICES[c.label]), kinds[c.name], by="model"
            )
    parties = []
    for c in candidates:
        kind = settled.get(c.name) or kinds.get(c.name)
        if kind in PARTY_KINDS:
            parties.append(_party(c, kind))
    return {"parties": parties}


def _party(candidate: Candidate, kind: str) -> dict[str, Any]:
    title, bare = split_title(one_line(candidate.name))
    return {
        "name": bare,
        "kind": kind,
        "role": one_line(candidate.role or title),
        "aliases": [one_line(f) for f in candidate.forms if one_line(f) != bare],
        "quote": "",
    }


PASS = register(Pass("cast.v2", template=TEMPLATE, shape=CastDraft, run=run))
