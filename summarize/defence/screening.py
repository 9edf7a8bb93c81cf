"""The defence's judgement of a passage: does it give instructions to whoever processes the
article? (issue 20, item 5)

The masking layers (:mod:`summarize.defence.guard`, :mod:`summarize.defence.addressee`) flag text by
its form, and a payload in a form they do not know walks past them. The parse can still mark
a passage as *possibly* speaking to software or giving orders (a software noun anywhere,
"readers"/"tools"/"systems" with such a modifier, an unquoted imperative or modal order, a
reference to this text or its summary, "you" outside quotation marks:
:func:`summarize.defence.addressee.suspects`), and that mark is cheap and broad. Each such
passage the masking layers left in view is judged by the model that is summarizing the
article; "yes" masks the passage like any other layer (layer ``judge``).

How it is judged (``defence/v3``): where the model has a probe file
(:mod:`summarize.defence.probe`, both embedded models), a linear probe reads the model's own
hidden states for the passage (:func:`probed`): no question, no token. This is the default.
Any other model is asked one constrained yes/no question on the same prompt prefix as the
summary passes (the prompt's system message and article block, so an embedded model reuses
its KV cache and pays only for the question); that path is opt-in (``NEWSBRIEF_DEFENCE=all``
or a list naming ``judge``), because its threshold was calibrated on a model whose answer had
no signal.

The question's wording is the prompt folder :data:`DEFENCE_PROMPT` (``instructions.j2``),
versioned by name like every prompt. The defence sits below prompting, so the pipeline
renders the messages (:func:`summarize.pipeline.Summarizer`) and hands :func:`screen` a
function from a passage to its messages, with the version's ``threshold``.

How the answer is read (defence/v2): a small model asked to *write* yes or no said yes to
every clean passage it was asked about (defence/v1 with the 1.5B: 5 of 5 on the seeds and the
dev suite). Where the backend gives log-probabilities (:class:`ScoringBackend`), the answer is
the first-token scores of "yes" and "no", read against those of the same question about a
content-free passage ("N/A"), as :meth:`PassContext.choose` reads the summary's questions: yes
when the calibrated margin exceeds the threshold. Elsewhere the answer is decoded under the
grammar of :class:`InstructionVerdict`. Every call is recorded in the run's ledger with the
purpose ``"defence"``, and every verdict as a choice (kind ``"defence"``). An answer that fails
counts as "no" (the passage stays in view, and the provenance rules still apply to it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

from summarize.core.backend import StructuredBackend
from summarize.core.errors import (
    BackendError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    UnknownPromptError,
)
from summarize.core.ledger import Ledger
from summarize.defence import guard
from summarize.defence.addressee import paragraphs, pointed, suspects
from summarize.defence.probe import Probe

#: The prompt folder of the defence (``prompts/defence/v3``: the probe where the model has
#: one, else v2's question).
DEFENCE_PROMPT = "defence/v3"
#: The environment variable that picks another defence version (``defence/v4``), as
#: ``NEWSBRIEF_DEFENCE`` picks layers: to measure versions side by side.
DEFENCE_PROMPT_ENV = "NEWSBRIEF_DEFENCE_PROMPT"
#: What the probe reads (a version's ``probe_reach``): ``suspects``, the passages the parse
#: suspects (v3); ``paragraphs``, those and every other paragraph of four words or more
#: (v4), so that a payload in a form the parse does not suspect is still read.
REACHES = ("suspects", "paragraphs")
#: Words a paragraph needs to be read by the probe under the reach ``paragraphs`` (the
#: probes were trained on passages of four words or more).
MIN_WORDS = 4
#: The answers, in the order their scores are read.
VERDICTS = ("yes", "no")
QUESTION_TEMPLATE = "instructions.j2"
#: Output tokens of an answer: {"answer": "yes"} is about seven.
ANSWER_MAX_TOKENS = 16
#: Passages asked about per article at most (a page of suspects is asked about its first).
MAX_QUESTIONS = 8
#: Passages read by the probe per article at most: one embedding each, no question.
MAX_PROBED = 24
#: Passages read by the probe per article at most under the reach ``paragraphs`` (about
#: 0.5 s each on the 1.5B): the suspects first, then the paragraphs in order.
MAX_PROBED_PARAGRAPHS = 48
#: Characters of a passage shown in the question at most.
PASSAGE_CHARS = 1200
LAYER = "judge"
#: The layer of the furniture probe (defence/v5): a passage read as page furniture.
FURNITURE_LAYER = "furniture"
#: The furniture probe's answers, in order: page furniture (masked) or the story.
PLACES = ("furniture", "story")

#: A passage (whitespace collapsed, cut at :data:`PASSAGE_CHARS`) to the chat messages that
#: ask about it: the summary prompt's system message and article block, then the question.
Messages = Callable[[str], list[dict[str, str]]]


def defence_prompt() -> str:
    """The defence version in force: :data:`DEFENCE_PROMPT_ENV` if set, else
    :data:`DEFENCE_PROMPT`."""
    return os.environ.get(DEFENCE_PROMPT_ENV, "").strip() or DEFENCE_PROMPT


class InstructionVerdict(BaseModel):
    """Does the passage give instructions to whoever processes the article?"""

    answer: Literal["yes", "no"]


def candidates(
    article: str, flagged: Sequence[tuple[int, int]], limit: int = MAX_QUESTIONS
) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of the suspects of ``article`` outside ``flagged`` that a
    model would be asked about, at most ``limit``."""
    found = [
        (s.start, s.end, s.reason)
        for s in suspects(article, tuple(flagged))
        if not any(a <= s.start and s.end <= b for a, b in flagged)
    ]
    return found[:limit]


def every_paragraph(
    article: str, flagged: Sequence[tuple[int, int]], limit: int = MAX_PROBED_PARAGRAPHS
) -> list[tuple[int, int, str]]:
    """The suspects (:func:`candidates`), then every other paragraph of ``article`` of
    :data:`MIN_WORDS` words or more that overlaps neither ``flagged`` nor a suspect, at most
    ``limit`` in all: what the probe reads under the reach ``paragraphs``."""
    found = candidates(article, flagged, limit)
    taken = [*flagged, *((a, b) for a, b, _ in found)]
    for start, end in paragraphs(article):
        if len(found) >= limit:
            break
        if any(start < b and a < end for a, b in taken):
            continue
        if sum(any(ch.isalpha() for ch in w) for w in article[start:end].split()) < MIN_WORDS:
            continue
        found.append((start, end, "a paragraph (every paragraph is read)"))
    return sorted(found)


def screen(
    article: str,
    flagged: list[tuple[int, int]],
    *,
    backend: StructuredBackend,
    messages: Messages,
    ledger: Ledger,
    max_retries: int = 1,
    threshold: float | None = None,
    content_free: str = "N/A",
    probe: Probe | None = None,
    reach: str = "suspects",
    furniture: Probe | None = None,
) -> list[guard.Flag]:
    """The passages of ``article`` outside ``flagged`` that the model says give instructions
    to whoever processes it (layer ``judge``) or, with a ``furniture`` probe (defence/v5), that
    are page furniture rather than the story (layer ``furniture``); [] when neither layer is in
    force (:func:`summarize.defence.guard.active_layers`), when there is no probe and the
    judge's question was not asked for by name (it is opt-in), or when nothing is read.

    With a ``probe`` trained on this backend's model (defence/v3), yes is the probe's
    probability over the model's hidden states at or above its threshold (:func:`probed`),
    and no question is asked; it reads the suspects, or with ``reach="paragraphs"``
    (defence/v4) every paragraph (:func:`every_paragraph`). A ``furniture`` probe reads every
    paragraph, from the same embeddings, and a line between two masked lines is masked with
    them (:func:`between`: a box whose payload runs over its lines); a furniture probe that
    reads in context (defence/v6) reads the lines inside the whole article instead
    (:func:`furniture_in_context`). Otherwise ``messages``
    turns a passage into the question's chat messages (the summary prompt's system message and
    article block, with ``flagged`` masked, are their prefix). With a ``threshold`` and a
    backend that scores options, yes is a calibrated margin above it (:func:`margins`);
    otherwise the model writes its answer. Every call is recorded in ``ledger``."""
    layers = guard.active_layers()
    judge = LAYER in layers and (probe is not None or guard.chosen(LAYER))
    if not judge:
        probe = None
    if FURNITURE_LAYER not in layers:
        furniture = None
    if not judge and furniture is None:
        return []
    if reach not in REACHES:
        raise UnknownPromptError(f"unknown probe_reach {reach!r}: one of {REACHES}")
    if probe is not None or furniture is not None:
        return _probed_flags(article, flagged, backend, ledger, probe, reach, furniture)
    asked = candidates(article, flagged, MAX_QUESTIONS)
    if not asked:
        return []
    passages = [" ".join(article[start:end].split())[:PASSAGE_CHARS] for start, end, _ in asked]
    found: list[guard.Flag] = []
    scored = (
        margins(
            passages, backend=backend, messages=messages, ledger=ledger, content_free=content_free
        )
        if threshold is not None
        else None
    )
    for i, ((start, end, reason), passage) in enumerate(zip(asked, passages, strict=True)):
        if scored is not None:
            margin = scored[i]
            if margin is None:
                continue  # the call failed (recorded): the passage stays in view
            why = f"a model's yes to the defence question, calibrated margin {margin:+.2f} > "
            _verdict(
                found,
                ledger,
                (start, end),
                passage,
                margin > threshold,  # type: ignore[operator]
                by="model",
                why=f"{why}{threshold:+.2f} ({reason})",
            )
            continue
        try:
            result = backend.generate(
                messages(passage),
                InstructionVerdict,
                purpose="defence",
                max_retries=max_retries,
                max_tokens=ANSWER_MAX_TOKENS,
            )
        except OutputValidationError as exc:
            ledger.record_failure(exc)  # unanswered: the passage stays in view
            continue
        ledger.record(result)
        _verdict(
            found,
            ledger,
            (start, end),
            passage,
            result.value.answer == "yes",
            by="model",
            why=f"a model's yes to the defence question ({reason})",
        )
    return _with_pointed(article, flagged, found)


def _probed_flags(
    article: str,
    flagged: list[tuple[int, int]],
    backend: StructuredBackend,
    ledger: Ledger,
    probe: Probe | None,
    reach: str,
    furniture: Probe | None,
) -> list[guard.Flag]:
    """What the probes say, from one embedding of each passage read: the instruction probe
    on the suspects (or every paragraph, ``reach="paragraphs"``), the furniture probe on
    every paragraph; then the lines between two masked lines and what a flagged passage
    points to."""
    if furniture is not None and furniture.reads == "in_context":
        return _in_context_flags(article, flagged, backend, ledger, probe, furniture)
    if furniture is not None or reach == "paragraphs":
        asked = every_paragraph(article, flagged)
    else:
        asked = candidates(article, flagged, MAX_PROBED)
    if not asked:
        return []
    judged = None
    if probe is not None and reach == "suspects" and furniture is not None:
        judged = {(a, b) for a, b, _ in candidates(article, flagged, MAX_PROBED)}
    passages = [" ".join(article[start:end].split())[:PASSAGE_CHARS] for start, end, _ in asked]
    found = probed(
        asked,
        passages,
        probe=probe,
        backend=backend,
        ledger=ledger,
        furniture=furniture,
        judged=judged,
    )
    if furniture is not None:
        found += between(article, [*flagged, *((f.start, f.end) for f in found)])
    return _with_pointed(article, flagged, found)


def _in_context_flags(
    article: str,
    flagged: list[tuple[int, int]],
    backend: StructuredBackend,
    ledger: Ledger,
    probe: Probe | None,
    furniture: Probe,
) -> list[guard.Flag]:
    """defence/v6: the instruction probe on the suspects, each embedded alone (as v3), and
    the furniture probe on every paragraph of :data:`MIN_WORDS` words or more left in view,
    read inside the whole article in one pass (:meth:`embed_in_context`); then the lines
    between two masked lines and what a flagged passage points to."""
    found: list[guard.Flag] = []
    asked = candidates(article, flagged, MAX_PROBED) if probe is not None else []
    if asked:
        passages = [" ".join(article[a:b].split())[:PASSAGE_CHARS] for a, b, _ in asked]
        found = probed(asked, passages, probe=probe, backend=backend, ledger=ledger)
    masked = [*flagged, *((f.start, f.end) for f in found)]
    lines = [
        (a, b)
        for a, b in paragraphs(article)
        if not any(x <= a and b <= y for x, y in masked)
        and sum(any(ch.isalpha() for ch in w) for w in article[a:b].split()) >= MIN_WORDS
    ]
    if lines:
        found += furniture_in_context(
            article, lines, backend=backend, ledger=ledger, probe=furniture
        )
    found += between(article, [*flagged, *((f.start, f.end) for f in found)])
    return _with_pointed(article, flagged, found)


def furniture_in_context(
    article: str,
    lines: list[tuple[int, int]],
    *,
    backend: StructuredBackend,
    ledger: Ledger,
    probe: Probe,
) -> list[guard.Flag]:
    """The ``lines`` of ``article`` the furniture ``probe`` reads as page furniture from
    their hidden states inside the article, as flags of the layer ``furniture``; each verdict
    recorded as a choice made by the probe. If the pass fails, the failure is recorded and
    every line stays in view (the other layers still apply)."""
    try:
        embedded = backend.embed_in_context(article, lines, purpose="defence")  # type: ignore[attr-defined]
    except BackendError as exc:
        ledger.record_failure(exc)
        return []
    ledger.calls += embedded.calls
    found: list[guard.Flag] = []
    for (start, end), vector in zip(lines, embedded.vectors, strict=True):
        if not vector:
            continue  # no token read (beyond the window): it stays in view
        p = probe.probability(vector)
        yes = p >= probe.threshold
        passage = " ".join(article[start:end].split())
        ledger.choose("furniture", passage[:120], list(PLACES), PLACES[not yes], by="probe")
        if yes:
            why = f"the furniture probe, read in context: p = {p:.2f} >= {probe.threshold:.2f}"
            found.append(guard.Flag(start, end, FURNITURE_LAYER, f"{why} (page furniture)"))
    return found


def between(article: str, masked: Sequence[tuple[int, int]]) -> list[guard.Flag]:
    """Each line of ``article`` that no span of ``masked`` covers but whose neighbouring
    lines, before and after, both are masked, as a flag of the layer ``furniture``: a line
    inside a box whose other lines were read as furniture or instructions (a payload set over
    a box's lines, a heading too short to read) goes with them."""
    lines = paragraphs(article)

    def covered(span: tuple[int, int]) -> bool:
        return any(a <= span[0] and span[1] <= b for a, b in masked)

    state = [covered(span) for span in lines]
    return [
        guard.Flag(start, end, FURNITURE_LAYER, "a line between two masked lines (one box)")
        for i, (start, end) in enumerate(lines)
        if 0 < i < len(lines) - 1 and not state[i] and state[i - 1] and state[i + 1]
    ]


def _verdict(
    found: list[guard.Flag],
    ledger: Ledger,
    span: tuple[int, int],
    passage: str,
    yes: bool,
    *,
    by: str,
    why: str,
) -> None:
    """Record one verdict as a choice, and a yes as a flag of the layer ``judge``."""
    ledger.choose("defence", passage[:120], list(VERDICTS), VERDICTS[not yes], by=by)
    if yes:
        found.append(guard.Flag(span[0], span[1], LAYER, why))


def probed(
    asked: Sequence[tuple[int, int, str]],
    passages: Sequence[str],
    *,
    probe: Probe | None,
    backend: StructuredBackend,
    ledger: Ledger,
    furniture: Probe | None = None,
    judged: set[tuple[int, int]] | None = None,
) -> list[guard.Flag]:
    """The passages whose embedding the instruction ``probe`` (on the passages of ``judged``
    only, when given) or the ``furniture`` probe scores at or above its threshold, as flags of
    the layers ``judge`` and ``furniture``; each verdict recorded as a choice made by the
    probe. The passages are embedded once for both. If the embedding fails, the failure is
    recorded and every passage stays in view (the other layers still apply)."""
    try:
        embedded = backend.embed_passages(list(passages), purpose="defence")  # type: ignore[attr-defined]
    except BackendError as exc:
        ledger.record_failure(exc)
        return []
    ledger.calls += embedded.calls
    found: list[guard.Flag] = []
    for (start, end, reason), passage, vector in zip(
        asked, passages, embedded.vectors, strict=True
    ):
        if probe is not None and (judged is None or (start, end) in judged):
            p = probe.probability(vector)
            why = f"the probe on the model's hidden states: p = {p:.2f} >= {probe.threshold:.2f}"
            _verdict(
                found,
                ledger,
                (start, end),
                passage,
                p >= probe.threshold,
                by="probe",
                why=f"{why} ({reason})",
            )
            if found and found[-1].start == start and found[-1].end == end:
                continue  # masked as an instruction: the furniture probe need not say
        if furniture is not None:
            p = furniture.probability(vector)
            yes = p >= furniture.threshold
            ledger.choose("furniture", passage[:120], list(PLACES), PLACES[not yes], by="probe")
            if yes:
                why = f"the furniture probe: p = {p:.2f} >= {furniture.threshold:.2f}"
                found.append(guard.Flag(start, end, FURNITURE_LAYER, f"{why} (page furniture)"))
    return found


def _with_pointed(
    article: str, flagged: Sequence[tuple[int, int]], found: list[guard.Flag]
) -> list[guard.Flag]:
    """``found`` and the text a flagged passage points to ("as follows:", "that quote")."""
    known = [*flagged, *((f.start, f.end) for f in found)]
    for target in pointed(article, [(f.start, f.end) for f in found]):
        if not any(a <= target.start and target.end <= b for a, b in known):
            found.append(guard.Flag(target.start, target.end, LAYER, target.reason))
    return sorted(found, key=lambda f: (f.start, f.end))


def margins(
    passages: Sequence[str],
    *,
    backend: StructuredBackend,
    messages: Messages,
    ledger: Ledger,
    content_free: str = "N/A",
) -> list[float | None] | None:
    """Each passage's calibrated margin for yes, in nats: (yes - no) on the passage minus
    (yes - no) on ``content_free``; None for a passage whose call failed, and None in all when
    the backend cannot score options (the caller then asks for a written answer).

    The content-free question is asked once per article: it shares the article prefix, so it
    measures how much the model leans to yes after *this* article whatever the passage."""
    scorer = getattr(backend, "score_options", None)
    if scorer is None:
        return None
    try:
        free = scorer(messages(content_free), list(VERDICTS), purpose="defence (content-free)")
    except StructuredOutputUnsupportedError:
        return None
    except BackendError as exc:
        ledger.record_failure(exc)
        return [None] * len(passages)
    ledger.calls += free.calls
    baseline = free.scores[0] - free.scores[1]
    out: list[float | None] = []
    for passage in passages:
        try:
            result = scorer(messages(passage), list(VERDICTS), purpose="defence")
        except BackendError as exc:
            ledger.record_failure(exc)
            out.append(None)
            continue
        ledger.calls += result.calls
        out.append(result.scores[0] - result.scores[1] - baseline)
    return out


__all__ = [
    "ANSWER_MAX_TOKENS",
    "DEFENCE_PROMPT",
    "DEFENCE_PROMPT_ENV",
    "FURNITURE_LAYER",
    "LAYER",
    "QUESTION_TEMPLATE",
    "InstructionVerdict",
    "Messages",
    "between",
    "candidates",
    "defence_prompt",
    "every_paragraph",
    "margins",
    "probed",
    "screen",
]
