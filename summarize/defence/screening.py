"""The defence's one model question: does this passage give instructions to whoever
processes the article? (issue 20, item 5)

The masking layers (:mod:`summarize.defence.guard`, :mod:`summarize.defence.addressee`) flag text by
its form, and a payload in a form they do not know walks past them. The parse can still mark
a passage as *possibly* speaking to software or giving orders (a software noun anywhere,
"readers"/"tools"/"systems" with such a modifier, an unquoted imperative or modal order, a
reference to this text or its summary, "you" outside quotation marks:
:func:`summarize.defence.addressee.suspects`), and that mark is cheap and broad. Each such
passage the masking layers left in view gets one constrained yes/no question to the model
that is summarizing the article, asked on the same prompt prefix as the summary passes (the
prompt's system message and article block, so an embedded model reuses its KV cache and pays
only for the question); "yes" masks the passage like any other layer (layer ``judge``).

The question's wording is the prompt folder :data:`DEFENCE_PROMPT` (``instructions.j2``),
versioned by name like every prompt. The defence sits below prompting, so the pipeline
renders the messages (:func:`summarize.pipeline.Summarizer`) and hands :func:`screen` a
function from a passage to its messages; the answer is decoded under the grammar of
:class:`InstructionVerdict` through :meth:`StructuredBackend.generate`, so it works on every
backend, and every call is recorded in the run's ledger with the purpose ``"defence"``. An
answer that fails to validate counts as "no" (the passage stays in view, and the provenance
rules still apply to it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

from summarize.core.backend import StructuredBackend
from summarize.core.errors import OutputValidationError
from summarize.core.ledger import Ledger
from summarize.defence import guard
from summarize.defence.addressee import pointed, suspects

#: The prompt folder of the question (``prompts/defence/v1``).
DEFENCE_PROMPT = "defence/v1"
QUESTION_TEMPLATE = "instructions.j2"
#: Output tokens of an answer: {"answer": "yes"} is about seven.
ANSWER_MAX_TOKENS = 16
#: Passages asked about per article at most (a page of suspects is asked about its first).
MAX_QUESTIONS = 8
#: Characters of a passage shown in the question at most.
PASSAGE_CHARS = 1200
LAYER = "judge"

#: A passage (whitespace collapsed, cut at :data:`PASSAGE_CHARS`) to the chat messages that
#: ask about it: the summary prompt's system message and article block, then the question.
Messages = Callable[[str], list[dict[str, str]]]


class InstructionVerdict(BaseModel):
    """Does the passage give instructions to whoever processes the article?"""

    answer: Literal["yes", "no"]


def candidates(article: str, flagged: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of the suspects of ``article`` outside ``flagged`` that a
    model would be asked about, at most :data:`MAX_QUESTIONS`."""
    found = [
        (s.start, s.end, s.reason)
        for s in suspects(article, tuple(flagged))
        if not any(a <= s.start and s.end <= b for a, b in flagged)
    ]
    return found[:MAX_QUESTIONS]


def screen(
    article: str,
    flagged: list[tuple[int, int]],
    *,
    backend: StructuredBackend,
    messages: Messages,
    ledger: Ledger,
    max_retries: int = 1,
) -> list[guard.Flag]:
    """The suspects of ``article`` outside ``flagged`` that the model says give instructions
    to whoever processes it, as flags of the layer ``judge``; [] when that layer is not in
    force (:func:`summarize.defence.guard.active_layers`) or nothing is suspect.

    ``messages`` turns a passage into the question's chat messages (the summary prompt's
    system message and article block, with ``flagged`` masked, are their prefix). Every call
    is recorded in ``ledger``."""
    if LAYER not in guard.active_layers():
        return []
    asked = candidates(article, flagged)
    found: list[guard.Flag] = []
    for start, end, reason in asked:
        passage = " ".join(article[start:end].split())[:PASSAGE_CHARS]
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
        if result.value.answer == "yes":
            found.append(
                guard.Flag(start, end, LAYER, f"a model's yes to the defence question ({reason})")
            )
    # a passage that gives instructions and points elsewhere ("as follows:", "that quote")
    known = [*flagged, *((f.start, f.end) for f in found)]
    for target in pointed(article, [(f.start, f.end) for f in found]):
        if not any(a <= target.start and target.end <= b for a, b in known):
            found.append(guard.Flag(target.start, target.end, LAYER, target.reason))
    return sorted(found, key=lambda f: (f.start, f.end))


__all__ = [
    "ANSWER_MAX_TOKENS",
    "DEFENCE_PROMPT",
    "LAYER",
    "QUESTION_TEMPLATE",
    "InstructionVerdict",
    "Messages",
    "candidates",
    "screen",
]
