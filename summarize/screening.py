"""The defence's one model question: does this passage give instructions to whoever
processes the article? (issue 20, item 5)

The masking layers (:mod:`summarize.guard`, :mod:`summarize.reading.addressee`) flag text by
its form, and a payload in a form they do not know walks past them. The parse can still mark
a passage as *possibly* speaking to software or giving orders (a software noun anywhere,
"readers"/"tools"/"systems" with such a modifier, an unquoted imperative or modal order, a
reference to this text or its summary, "you" outside quotation marks:
:func:`summarize.reading.addressee.suspects`), and that mark is cheap and broad. Each such
passage the masking layers left in view gets one constrained yes/no question to the model
that is summarizing the article, asked on the same prompt prefix as the summary passes (the
prompt's system message and article block, so an embedded model reuses its KV cache and pays
only for the question); "yes" masks the passage like any other layer (layer ``judge``).

The question's wording is the prompt folder :data:`DEFENCE_PROMPT` (``instructions.j2``),
versioned by name like every prompt; the answer is decoded under the grammar of
:class:`InstructionVerdict` through :meth:`StructuredBackend.generate`, so it works on every
backend, and every call is recorded in the run's ledger with the purpose ``"defence"``. An
answer that fails to validate counts as "no" (the passage stays in view, and the provenance
rules still apply to it).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from summarize import guard
from summarize.core.backend import StructuredBackend
from summarize.errors import OutputValidationError
from summarize.ledger import Ledger
from summarize.prompting import PromptTemplate, load_prompt

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


class InstructionVerdict(BaseModel):
    """Does the passage give instructions to whoever processes the article?"""

    answer: Literal["yes", "no"]


def screen(article: str, flagged: list[tuple[int, int]], *, backend: StructuredBackend,
           prompt: PromptTemplate, ledger: Ledger, published: str | None = None,
           max_retries: int = 1) -> list[guard.Flag]:
    """The suspects of ``article`` outside ``flagged`` that the model says give instructions
    to whoever processes it, as flags of the layer ``judge``; [] when that layer is not in
    force (:func:`summarize.guard.active_layers`) or nothing is suspect.

    ``prompt`` is the summary prompt: its system message and article block, rendered with
    the article as the passes will show it (``flagged`` masked) and ``published``, are the
    question's prefix. Every call is recorded in ``ledger``."""
    if LAYER not in guard.active_layers():
        return []
    from summarize.reading.addressee import pointed, suspects

    candidates = [s for s in suspects(article)
                  if not any(a <= s.start and s.end <= b for a, b in flagged)][:MAX_QUESTIONS]
    if not candidates:
        return []
    variables = {"article": guard.mask(article, flagged), "published": published}
    prefix = _prefix(prompt, variables)
    question = load_prompt(DEFENCE_PROMPT)
    found: list[guard.Flag] = []
    for suspect in candidates:
        passage = " ".join(article[suspect.start:suspect.end].split())[:PASSAGE_CHARS]
        messages = [prefix[0], {
            "role": "user",
            "content": prefix[1]["content"] + "\n\n"
            + question.render(QUESTION_TEMPLATE, passage=passage),
        }]
        try:
            result = backend.generate(messages, InstructionVerdict, purpose="defence",
                                      max_retries=max_retries, max_tokens=ANSWER_MAX_TOKENS)
        except OutputValidationError as exc:
            ledger.record_failure(exc)  # unanswered: the passage stays in view
            continue
        ledger.record(result)
        if result.value.answer == "yes":
            found.append(guard.Flag(suspect.start, suspect.end, LAYER,
                                    f"a model's yes to the defence question ({suspect.reason})"))
    # a passage that gives instructions and points elsewhere ("as follows:", "that quote")
    known = [*flagged, *((f.start, f.end) for f in found)]
    for target in pointed(article, [(f.start, f.end) for f in found]):
        if not any(a <= target.start and target.end <= b for a, b in known):
            found.append(guard.Flag(target.start, target.end, LAYER, target.reason))
    return sorted(found, key=lambda f: (f.start, f.end))


def _prefix(prompt: PromptTemplate, variables: dict[str, Any]) -> list[dict[str, str]]:
    """The summary prompt's system message and article block, as its passes begin; the
    defence folder's own when the summary prompt has no ``article.j2``."""
    source = prompt if prompt.has("article.j2") else load_prompt(DEFENCE_PROMPT)
    return source.messages("article.j2", **variables)


__all__ = ["ANSWER_MAX_TOKENS", "DEFENCE_PROMPT", "LAYER", "InstructionVerdict", "screen"]
