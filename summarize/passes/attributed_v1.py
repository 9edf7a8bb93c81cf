"""attributed.v1: the parse says who speaks about whom, the model labels the stance.

One short call per attributed sentence whose speaker is a party (topic, stance and polarity
only; the speaker is fixed by code); disputes come from code, never between allies.
"""

from __future__ import annotations

from typing import Any, Literal

from rapidfuzz import fuzz

from summarize.core.draft import MAX_DISPUTES, DraftShape, Text
from summarize.core.names import fold_text, split_title
from summarize.core.reading import Reading
from summarize.passes.registry import Pass, PassContext, register
from summarize.reading.attribution import AGAINST_VERBS

TEMPLATE = "attributed.j2"
#: Output tokens of one sentence's label: about 40 for a full answer, far less for "none".
STATEMENT_MAX_TOKENS = 96
#: Statements labelled per article at most (news puts what matters first).
MAX_ATTRIBUTED = 10


class AttributedLabel(DraftShape):
    """The model's label of one attributed sentence: the speaker is known from the parse.

    ``polarity`` "none" means the sentence reports no position of the speaker (a fact, a
    schedule), so nothing is kept.
    """

    topic: Text(80)
    stance: Text(120)
    polarity: Literal["support", "oppose", "neutral", "mixed", "none"]


def run(ctx: PassContext) -> dict[str, Any]:
    """One short call per attributed sentence whose speaker is a party (all decoded together
    where the backend can): topic, stance and polarity only. Disputes come from code: a
    statement against a named party, or two parties' statements that oppose each other on
    one topic; never between allies."""
    parties = {p["name"]: p for p in ctx.combined.get("parties", [])}
    reading = ctx.reading
    asked: list[tuple[Any, str, str]] = []  # (attribution, speaker, sentence)
    for attribution in reading.attributions:
        if len(asked) >= MAX_ATTRIBUTED:
            break
        speaker = _party_name(attribution.speaker, reading, parties)
        if speaker is not None:
            asked.append((attribution, speaker, ctx.article[attribution.start : attribution.end]))
    labels = ctx.ask_many(
        TEMPLATE,
        AttributedLabel,
        [{"speaker": speaker, "sentence": sentence} for _, speaker, sentence in asked],
        purpose="attributed",
        max_tokens=STATEMENT_MAX_TOKENS,
    )
    positions: list[dict[str, Any]] = []
    statements: list[tuple[str, str | None, Any, str, str]] = []
    for (attribution, speaker, sentence), label in zip(asked, labels, strict=True):
        if (
            label is None
            or label.polarity == "none"
            or not label.topic.strip()
            or (not label.stance.strip())
        ):
            continue  # failed, no position, or one the summary could not state
        target = _party_name(attribution.target, reading, parties) if attribution.target else None
        statements.append((speaker, target, label, sentence, attribution.cue))
        positions.append(
            {
                "party": speaker,
                "topic": label.topic,
                "stance": label.stance,
                "polarity": label.polarity,
                "quote": sentence,
            }
        )
    return {"positions": positions, "disputes": _disputes(statements, reading)}


def _party_name(
    name: str | None, reading: Reading, parties: dict[str, dict[str, Any]]
) -> str | None:
    """The kept party a reading-layer candidate became, if the cast kept it."""
    if name is None:
        return None
    candidate = reading.candidate(name)
    bare = split_title(name)[1]
    if bare in parties:
        return bare
    if candidate is not None:
        for form in candidate.forms:
            if form in parties:
                return form
    return None


def _disputes(
    statements: list[tuple[str, str | None, Any, str, str]], reading: Reading
) -> list[dict[str, Any]]:
    """Disputes from labelled statements, in code.

    A statement aimed at a named party makes one when the model read it as opposing, or
    when its verb sets the speaker against the target whatever the wording ("accused",
    "rejected"); two parties' statements make one when one supports what the other opposes
    on a topic that shares a content word. Never between allies (a spokesman and his side).
    """
    disputes: list[dict[str, Any]] = []
    pairs: set[frozenset[str]] = set()

    def add(a: str, b: str, issue: str, stance: str, quote: str) -> None:
        pair = frozenset((a, b))
        if a == b or pair in pairs or reading.allied(a, b):
            return
        for dispute in disputes:  # b's ally already disputes with a: b joins that side
            for mine, theirs in (("side_a", "side_b"), ("side_b", "side_a")):
                if a in dispute[mine] and any(reading.allied(b, x) for x in dispute[theirs]):
                    dispute[theirs].append(b)
                    pairs.add(pair)
                    return
                if b in dispute[mine] and any(reading.allied(a, x) for x in dispute[theirs]):
                    dispute[theirs].append(a)
                    pairs.add(pair)
                    return
        if len(disputes) >= MAX_DISPUTES:
            return
        pairs.add(pair)
        disputes.append(
            {
                "side_a": [a],
                "side_b": [b],
                "issue": issue,
                "description": f"{a}: {stance}",
                "quote": quote,
            }
        )

    for speaker, target, label, quote, cue in statements:
        if target and (label.polarity in ("oppose", "mixed") or cue in AGAINST_VERBS):
            add(speaker, target, label.topic, label.stance, quote)
    for i, (a, _, la, quote, _) in enumerate(statements):
        for b, _, lb, _, _ in statements[i + 1 :]:
            if {la.polarity, lb.polarity} == {"support", "oppose"} and (
                _content_words(la.topic) & _content_words(lb.topic)
            ):
                add(
                    a,
                    b,
                    f"{la.topic}; {lb.topic}" if fuzz.ratio(la.topic, lb.topic) < 90 else la.topic,
                    la.stance,
                    quote,
                )
    return disputes


def _content_words(text: str) -> set[str]:
    """Lower-case words of a topic that carry meaning (plural "s" dropped)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {w.rstrip("s") for w in fold_text(text).split() if len(w) > 2}
    return {w for w in words if w not in STOP_WORDS}


PASS = register(
    Pass("attributed.v1", template=TEMPLATE, shape=AttributedLabel, run=run, needs_parties=True)
)
