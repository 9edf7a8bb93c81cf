"""disputes.v2: code proposes the story's conflicts, the model confirms each with yes or no.

Pairs are proposed on opposing sides only: a statement aimed at another party (its target,
whatever the wording when the verb sets one against the other: "accused", "sued", "struck
against", "rejected"), an opposing statement whose own words name the other party, and two
parties' statements of opposite polarity on a topic that shares a content word. Allies (a
spokesman and his side) are never paired. The strongest few are asked, each in one yes/no
question on the shared article prefix; the issue is in the article's words, the most
specific of the conflict its sentence names ("the dispute over the cost-cutting drive"), the
statement's topic and the conflict the article names first (:func:`_issue`).
At most :data:`MAX_DISPUTES` are kept, the strongest and earliest first.
"""

from __future__ import annotations

import re
from typing import Any

from summarize.core.names import fold_text, same_name
from summarize.core.reading import Reading
from summarize.passes._chooser import YesNoAnswer, fixed_shape, party_of
from summarize.passes.registry import Pass, PassContext, register
from summarize.passes.stance_v1 import STANCES

TEMPLATE = "disputes.j2"
#: Disputes kept per article at most, and pairs asked about at most.
MAX_DISPUTES = 3
MAX_ASKED = 5
#: Verbs that set their subject against their object whatever the stance's wording.
AGAINST_CUES = frozenset(
    """
accuse criticise criticize condemn blame reject oppose slam attack sue dismiss challenge
protest object decry denounce question veto block sanction fault rebuke lambast berate
dispute contest threaten disagree strike boycott fight resist fine investigate probe warn
deny refuse
""".split()
)


def run(ctx: PassContext) -> dict[str, Any]:
    """Proposed pairs, confirmed by the model; the disputes it yields."""
    parties = {p["name"]: p for p in ctx.combined.get("parties", [])}
    stances: list[dict[str, Any]] = ctx.combined.get(STANCES, [])
    reading = ctx.reading
    proposals: dict[frozenset[str], dict[str, Any]] = {}

    def propose(a: str, b: str | None, strength: int, stance: dict[str, Any]) -> None:
        if b is None or a == b or reading.allied(a, b) or _allied_by_name(reading, a, b):
            return
        pair = frozenset((a, b))
        known = proposals.get(pair)
        if known is None or known["strength"] < strength:
            proposals[pair] = {
                "a": a,
                "b": b,
                "strength": strength,
                "order": stance["index"],
                "issue": _issue(ctx.article, reading, stance),
                "stance": stance["stance"],
                "quote": stance["quote"],
            }

    for st in stances:
        statement = reading.statements[st["index"]]
        target = party_of(statement.target, reading, parties)
        opposing = st["polarity"] in ("oppose", "mixed")
        if target is not None and (opposing or statement.cue in AGAINST_CUES):
            propose(st["party"], target, 3, st)
        if opposing:
            for other in _named_in(st["topic"], parties) or _named_in(st["stance"], parties):
                propose(st["party"], other, 2, st)
    for i, x in enumerate(stances):
        for y in stances[i + 1 :]:
            if {x["polarity"], y["polarity"]} == {"support", "oppose"} and (
                _content(x["topic"]) & _content(y["topic"])
            ):
                propose(x["party"], y["party"], 1, x)
    ranked = sorted(proposals.values(), key=lambda p: (-p["strength"], p["order"]))[:MAX_ASKED]
    answers = ctx.choose(
        TEMPLATE,
        [{"a": p["a"], "b": p["b"], "issue": p["issue"]} for p in ranked],
        [["yes", "no"]] * len(ranked),
        purpose="dispute",
        shape=fixed_shape(YesNoAnswer),
        content_free=lambda _: {"a": "N/A", "b": "N/A", "issue": "N/A"},
    )
    disputes = []
    for proposal, answer in zip(ranked, answers, strict=True):
        chosen = answer
        ctx.ledger.choose(
            "dispute",
            f"{proposal['a']} vs {proposal['b']}: {proposal['issue']}",
            ["yes", "no"],
            chosen,
            by="model",
        )
        if chosen == "yes" and len(disputes) < MAX_DISPUTES:
            disputes.append(
                {
                    "side_a": [proposal["a"]],
                    "side_b": [proposal["b"]],
                    "issue": proposal["issue"],
                    "description": f"{proposal['a']}: {proposal['stance']}"[:180],
                    "quote": proposal["quote"],
                }
            )
    return {"disputes": disputes}


def _issue(article: str, reading: Reading, stance: dict[str, Any]) -> str:
    """A dispute's issue in the article's words, the most specific first: a conflict named
    with what it is over in the statement's sentence ("the dispute over pay"); else the
    statement's topic when it says something (two content words, not just a name); else a
    conflict its sentence names; else the first conflict with what it is over that the
    article names (the story's conflict, as news names it early); else the topic."""
    statement = reading.statements[stance["index"]]
    phrases = [
        (" ".join(article[a:b].split()), statement.start <= a < statement.end)
        for a, b in reading.conflicts
    ]
    specific = [(p, here) for p, here in phrases if _SPECIFIC.search(p)]
    topic = stance["topic"]
    in_sentence = [p for p, here in specific if here]
    if in_sentence:
        return in_sentence[0]
    if len(_content(topic)) >= 2 and not _named_in(topic, {topic: {}}):
        return topic
    fallback = [p for p, here in phrases if here] or [p for p, _ in specific]
    return fallback[0] if fallback else topic


#: A conflict phrase that says what or whom it is over ("the row over pay").
_SPECIFIC = re.compile(r"\b(over|about|with|against|between)\b", re.IGNORECASE)


def _named_in(text: str, parties: dict[str, dict[str, Any]]) -> list[str]:
    """Kept parties a stance's words name (by name or alias, whole words)."""
    folded = f" {fold_text(text)} "
    found = []
    for name, party in parties.items():
        for form in [name, *party.get("aliases", [])]:
            key = fold_text(form)
            if key and f" {key} " in folded:
                found.append(name)
                break
    return found


def _allied_by_name(reading: Reading, a: str, b: str) -> bool:
    """Allies by the reading's affiliations, looked up through any form of either name."""
    ca = next((c for c in reading.candidates if any(same_name(a, n) for n in c.names)), None)
    cb = next((c for c in reading.candidates if any(same_name(b, n) for n in c.names)), None)
    return ca is not None and cb is not None and ca is not cb and ca.allied_with(cb)


def _content(text: str) -> set[str]:
    """Lower-case words of a topic that carry meaning (plural "s" dropped)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.rstrip("s") for w in fold_text(text).split() if len(w) > 2} - STOP_WORDS


PASS = register(
    Pass("disputes.v2", template=TEMPLATE, shape=YesNoAnswer, run=run, needs_parties=True)
)
