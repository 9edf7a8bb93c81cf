"""The passes a prompt version can name, in one registry.

A pass is a name, a template (``<name>.j2`` in the prompt folder), an output shape, what it
needs before it can run, and how its answer becomes draft fields. A prompt's
``prompt.json`` lists passes by name; a new pass is one entry here and one template.
Passes see the reading layer's findings (:mod:`summarize.reading`) and ask the model only
for judgement: which candidate is a party, what a speaker's stance is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rapidfuzz import fuzz

from summarize.core.backend import BatchingBackend, StructuredBackend, generate_each
from summarize.core.draft import (
    MAX_DISPUTES,
    PARTY_KINDS,
    PASS_SHAPES,
    AttributedLabel,
    cast_shape,
)
from summarize.core.names import fold_text, split_title
from summarize.core.reading import Candidate, Reading
from summarize.errors import OutputValidationError
from summarize.ledger import Ledger
from summarize.prompting import PromptTemplate
from summarize.reading.attribution import AGAINST_VERBS

#: Output tokens of one sentence's label: about 40 for a full answer, far less for "none".
STATEMENT_MAX_TOKENS = 96
#: Statements labelled per article at most (news puts what matters first).
MAX_ATTRIBUTED = 10

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


@dataclass
class PassContext:
    """What a pass may read and where it records what it spends."""

    backend: StructuredBackend
    prompt: PromptTemplate
    ledger: Ledger
    reading: Reading
    variables: dict[str, Any]
    max_retries: int
    max_tokens: int
    combined: dict[str, Any] = field(default_factory=dict)

    @property
    def article(self) -> str:
        return self.variables["article"]

    @property
    def party_names(self) -> list[str]:
        return [p["name"] for p in self.combined.get("parties", [])]

    def ask(self, template: str, shape: type, *, purpose: str, max_tokens: int | None = None,
            **variables: Any) -> Any:
        """One model call, recorded in the ledger; the validated answer."""
        result = self.backend.generate(
            self.prompt.messages(template, **{**self.variables, **variables}), shape,
            purpose=purpose, max_retries=self.max_retries,
            max_tokens=max_tokens or self.max_tokens)
        self.ledger.record(result)
        return result.value

    def ask_many(self, template: str, shape: type, questions: list[dict[str, Any]], *,
                 purpose: str, max_tokens: int | None = None) -> list[Any]:
        """One call per question, decoded together where the backend can (the questions
        share the article's prompt prefix); each answer, or None where it failed (recorded)."""
        requests = [self.prompt.messages(template, **{**self.variables, **q}) for q in questions]
        many = (self.backend.generate_many if isinstance(self.backend, BatchingBackend)
                else partial(generate_each, self.backend))
        results = many(requests, shape, purpose=purpose, max_retries=self.max_retries,
                       max_tokens=max_tokens or self.max_tokens)
        answers = []
        for result in results:
            if isinstance(result, OutputValidationError):
                self.ledger.record_failure(result)  # a failed question costs only itself
                answers.append(None)
            else:
                self.ledger.record(result)
                answers.append(result.value)
        return answers


@dataclass(frozen=True)
class Pass:
    """One step of a prompt version: when it runs and how its answer becomes fields."""

    name: str
    run: Callable[[PassContext], dict[str, Any]]
    needs_parties: bool = False

    @property
    def template(self) -> str:
        return "user.j2" if self.name == "extract" else f"{self.name}.j2"


# --- generic passes: one call, the answer's fields as they are ------------------------------
def _plain(name: str) -> Callable[[PassContext], dict[str, Any]]:
    def run(ctx: PassContext) -> dict[str, Any]:
        shape = PASS_SHAPES[name]
        value = ctx.ask(f"{name}.j2" if name != "extract" else "user.j2", shape, purpose=name,
                        parties=ctx.party_names)
        return value.model_dump()

    return run


# --- cast: the reading layer's candidates, the model says which are parties -------------------
def _cast(ctx: PassContext) -> dict[str, Any]:
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
        shape = cast_shape([c.name for c in asked],
                           [CAST_CHOICES[c.label] for c in asked])
        value = ctx.ask("cast.j2", shape, purpose="cast", names=[c.name for c in asked],
                        max_tokens=12 * len(asked) + 16)
        kinds = value.model_dump(by_alias=True)
    parties = []
    for c in candidates:
        kind = "person" if c.name in known and c.label == "person" else kinds.get(c.name)
        if kind in PARTY_KINDS:
            parties.append(_party(c, kind))
    return {"parties": parties}


def _party(candidate: Candidate, kind: str) -> dict[str, Any]:
    title, bare = split_title(candidate.name)
    return {"name": bare, "kind": kind, "role": candidate.role or title,
            "aliases": [f for f in candidate.forms if f != bare], "quote": ""}


# --- attributed: the parse says who speaks about whom, the model labels the stance -----------
def _attributed(ctx: PassContext) -> dict[str, Any]:
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
            asked.append((attribution, speaker, ctx.article[attribution.start:attribution.end]))
    labels = ctx.ask_many("attributed.j2", AttributedLabel,
                          [{"speaker": speaker, "sentence": sentence}
                           for _, speaker, sentence in asked],
                          purpose="attributed", max_tokens=STATEMENT_MAX_TOKENS)
    positions: list[dict[str, Any]] = []
    statements: list[tuple[str, str | None, Any, str, str]] = []
    for (attribution, speaker, sentence), label in zip(asked, labels, strict=True):
        if label is None or label.polarity == "none" or not label.topic.strip() or (
                not label.stance.strip()):
            continue  # failed, no position, or one the summary could not state
        target = _party_name(attribution.target, reading, parties) if attribution.target else None
        statements.append((speaker, target, label, sentence, attribution.cue))
        positions.append({"party": speaker, "topic": label.topic, "stance": label.stance,
                          "polarity": label.polarity, "quote": sentence})
    return {"positions": positions, "disputes": _disputes(statements, reading)}


def _party_name(name: str | None, reading: Reading,
                parties: dict[str, dict[str, Any]]) -> str | None:
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


def _disputes(statements: list[tuple[str, str | None, Any, str, str]],
              reading: Reading) -> list[dict[str, Any]]:
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
        disputes.append({"side_a": [a], "side_b": [b], "issue": issue,
                         "description": f"{a}: {stance}", "quote": quote})

    for speaker, target, label, quote, cue in statements:
        if target and (label.polarity in ("oppose", "mixed") or cue in AGAINST_VERBS):
            add(speaker, target, label.topic, label.stance, quote)
    for i, (a, _, la, quote, _) in enumerate(statements):
        for b, _, lb, _, _ in statements[i + 1:]:
            if {la.polarity, lb.polarity} == {"support", "oppose"} and (
                    _content_words(la.topic) & _content_words(lb.topic)):
                add(a, b, f"{la.topic}; {lb.topic}" if fuzz.ratio(la.topic, lb.topic) < 90
                    else la.topic, la.stance, quote)
    return disputes


def _content_words(text: str) -> set[str]:
    """Lower-case words of a topic that carry meaning (plural "s" dropped)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {w.rstrip("s") for w in fold_text(text).split() if len(w) > 2}
    return {w for w in words if w not in STOP_WORDS}


PASSES: dict[str, Pass] = {
    p.name: p for p in [
        Pass("extract", _plain("extract")),
        Pass("overview", _plain("overview")),
        Pass("timeline", _plain("timeline")),
        Pass("timeline_words", _plain("timeline_words")),
        Pass("cast", _cast),
        Pass("attributed", _attributed, needs_parties=True),
    ]
}


def checklists(article: str) -> dict[str, Any]:
    """Template variables every pass may use: what code found for the model to choose from."""
    from summarize.checklists import date_words

    return {"date_words": date_words(article)}


__all__ = ["PASSES", "Pass", "PassContext", "checklists"]
