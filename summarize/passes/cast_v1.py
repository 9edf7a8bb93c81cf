"""cast.v1: the reading layer's candidates, the model says which are parties.

The grammar writes every candidate's name itself, so the model only picks a kind for each
(about seven tokens a name), offered the kinds the entity label allows; aliases and the
role come from the reading layer, not from the model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, create_model

from summarize.core.draft import DraftShape
from summarize.core.names import split_title
from summarize.core.reading import Candidate
from summarize.passes.registry import Pass, PassContext, register

TEMPLATE = "cast.j2"

#: The party kinds a cast answer may give, by the entity label of the candidate: the
#: recogniser is trusted on what kind of thing a name is, the model judges whether it is a
#: party of this story ("place" and "other" are not).
CAST_CHOICES: dict[str, tuple[str, ...]] = {
    "person": ("person", "other"),
    "organization": ("organization", "group", "other"),
    "state": ("state", "place", "other"),
    "group": ("group", "other"),
    "unknown": ("person", "state", "organization", "group", "place", "other"),
}


#: What a candidate name is in the story: a party kind, or not a party at all.
CastKind = Literal["person", "state", "organization", "group", "place", "other"]
PARTY_KINDS = ("person", "state", "organization", "group")


class CastDraft(DraftShape):
    """Placeholder of the cast pass: the real shape depends on the names (:func:`cast_shape`)."""


def cast_shape(names: list[str], choices: list[tuple[str, ...]] | None = None) -> type[DraftShape]:
    """An object with one required property per candidate name, valued by its CastKind.

    The decoding grammar writes every name itself, in order, so the model only picks a kind
    for each (about seven tokens a name) and cannot stop early or skip one, which a
    generated list of parties did. ``choices`` narrows each name's kinds (a recognised
    place can be a state, a place or nothing; never a person).
    """
    fields: dict[str, object] = {
        f"name_{i}": (
            Literal[tuple(choices[i])] if choices else CastKind,  # type: ignore[misc]
            Field(alias=name),
        )
        for i, name in enumerate(names)
    }
    return create_model("CastDraft", __base__=CastDraft, **fields)  # type: ignore[call-overload]


def run(ctx: PassContext) -> dict[str, Any]:
    """Every candidate is offered with the kinds its entity label allows, so the model can
    reject a place, an event, a product or a reporter's byline name, but never turn a
    recognised person into a state."""
    candidates = ctx.reading.candidates
    # a person the parse shows speaking or spoken against is a party without a model token
    known = {c.name for c in candidates if c.label == "person" and c.speaks}
    known |= {a.target for a in ctx.reading.attributions if a.target}
    asked = [c for c in candidates if not (c.label == "person" and c.name in known)]
    kinds: dict[str, str] = {}
    if asked:
        shape = cast_shape([c.name for c in asked], [CAST_CHOICES[c.label] for c in asked])
        value = ctx.ask(
            TEMPLATE,
            shape,
            purpose="cast",
            names=[c.name for c in asked],
            max_tokens=12 * len(asked) + 16,
        )
        kinds = value.model_dump(by_alias=True)
    parties = []
    for c in candidates:
        kind = "person" if c.name in known and c.label == "person" else kinds.get(c.name)
        if kind in PARTY_KINDS:
            parties.append(_party(c, kind))
    return {"parties": parties}


def _party(candidate: Candidate, kind: str) -> dict[str, Any]:
    title, bare = split_title(candidate.name)
    return {
        "name": bare,
        "kind": kind,
        "role": candidate.role or title,
        "aliases": [f for f in candidate.forms if f != bare],
        "quote": "",
    }


PASS = register(Pass("cast.v1", template=TEMPLATE, shape=CastDraft, run=run))
