"""The digest's only model calls: small yes/no judgements on one pair of items.

Code proposes a pair only when it cannot decide alone (two events that may be one, two
stances that may be one, two versions of a fact that may disagree); each question is one
constrained call of a few output tokens, with the two sentences as context. A question the
model fails to answer validly counts as "no": the items stay apart, which costs a merge,
never a wrong claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from summarize.core.backend import StructuredBackend
from summarize.core.errors import OutputValidationError
from summarize.core.ledger import Ledger
from summarize.prompting import PromptTemplate

#: Output tokens a verdict may take ({"same": false} is about 7; room for a short "about").
VERDICT_MAX_TOKENS = 48


class SameVerdict(BaseModel):
    """Are the two items one and the same?"""

    same: bool


class ConflictVerdict(BaseModel):
    """Do the two passages disagree on a checkable fact, and on what?"""

    conflict: bool
    about: str | None = Field(default=None, max_length=100)


@dataclass(frozen=True)
class Report:
    """One side of a question: which article, what the item says, the sentence it rests on."""

    article: str
    label: str
    sentence: str
    when: str = ""
    value: str = ""

    def as_vars(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "label": self.label,
            "sentence": self.sentence,
            "when": self.when,
            "value": self.value,
        }


@dataclass
class Judge:
    """Asks the digest prompt's questions and records every call in ``ledger``."""

    backend: StructuredBackend
    prompt: PromptTemplate
    ledger: Ledger
    max_retries: int = 1

    def same_event(self, a: Report, b: Report) -> bool:
        return self._same("same_event.j2", "digest-event", a, b)

    def same_position(self, a: Report, b: Report, party: str) -> bool:
        return self._same("same_position.j2", "digest-position", a, b, party=party)

    def conflict(self, a: Report, b: Report, fact: str) -> ConflictVerdict:
        answer = self._ask("conflict.j2", ConflictVerdict, "digest-discrepancy", a, b, fact=fact)
        return answer if answer is not None else ConflictVerdict(conflict=False)

    def _same(self, template: str, purpose: str, a: Report, b: Report, **extra: Any) -> bool:
        answer = self._ask(template, SameVerdict, purpose, a, b, **extra)
        return bool(answer is not None and answer.same)

    def _ask(
        self,
        template: str,
        shape: type[BaseModel],
        purpose: str,
        a: Report,
        b: Report,
        **extra: Any,
    ) -> Any:
        messages = self.prompt.messages(template, a=a.as_vars(), b=b.as_vars(), **extra)
        try:
            result = self.backend.generate(
                messages,
                shape,
                purpose=purpose,
                max_retries=self.max_retries,
                max_tokens=VERDICT_MAX_TOKENS,
            )
        except OutputValidationError as exc:
            self.ledger.record_failure(exc)
            return None
        self.ledger.record(result)
        return result.value
