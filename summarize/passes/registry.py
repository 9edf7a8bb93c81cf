"""The registry of the passes a prompt version can name, by versioned name ("cast.v1").

A pass is one step of a prompt version: one module of this package (``cast_v1.py``) that owns
its versioned name, its template (``cast.j2`` in the prompt folder), the shape of the
model's answer, what it needs before it can run, and the function that turns the answer into
draft fields (as a dspy step declares its signature). A prompt's ``prompt.json`` lists
passes by versioned name; a version that lists none runs ``extract.v1``.

A pass's code is frozen once a released prompt version names it: a changed pass is a new
module under a new name (``cast_v2.py``, "cast.v2"), as spacy-llm's ``spacy.NER.v3`` stands
beside ``v2``, and the versions that named the old one keep running it. The behaviour hash
(:func:`summarize.passes.identity.behaviour_hash`) covers each pass module's code, and a test
holds the released versions to the hashes in ``prompts/RELEASED.json``.

Passes see the reading layer's findings (:mod:`summarize.reading`) and ask the model only
for judgement: which candidate is a party, what a speaker's stance is. What this module
holds (the context a pass reads, the registry and its lookup) is shared by every pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from summarize.core.backend import BatchingBackend, StructuredBackend, generate_each
from summarize.core.errors import (
    BackendError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    UnknownPromptError,
)
from summarize.core.ledger import Ledger
from summarize.core.reading import Reading
from summarize.prompting import PromptTemplate
from summarize.reading.checklists import date_words

#: A registered pass name: the step and its version ("timeline_words.v1").
PASS_NAME = re.compile(r"(?P<step>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)")


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

    def ask(
        self,
        template: str,
        shape: type,
        *,
        purpose: str,
        max_tokens: int | None = None,
        **variables: Any,
    ) -> Any:
        """One model call, recorded in the ledger; the validated answer."""
        result = self.backend.generate(
            self.prompt.messages(template, **{**self.variables, **variables}),
            shape,
            purpose=purpose,
            max_retries=self.max_retries,
            max_tokens=max_tokens or self.max_tokens,
        )
        self.ledger.record(result)
        return result.value

    def ask_many(
        self,
        template: str,
        shape: type,
        questions: list[dict[str, Any]],
        *,
        purpose: str,
        max_tokens: int | None = None,
    ) -> list[Any]:
        """One call per question, decoded together where the backend can (the questions
        share the article's prompt prefix); each answer, or None where it failed (recorded)."""
        requests = [self.prompt.messages(template, **{**self.variables, **q}) for q in questions]
        many = (
            self.backend.generate_many
            if isinstance(self.backend, BatchingBackend)
            else partial(generate_each, self.backend)
        )
        results = many(
            requests,
            shape,
            purpose=purpose,
            max_retries=self.max_retries,
            max_tokens=max_tokens or self.max_tokens,
        )
        answers = []
        for result in results:
            if isinstance(result, OutputValidationError):
                self.ledger.record_failure(result)  # a failed question costs only itself
                answers.append(None)
            else:
                self.ledger.record(result)
                answers.append(result.value)
        return answers

    def choose(
        self,
        template: str,
        questions: list[dict[str, Any]],
        options: list[list[str]],
        *,
        purpose: str,
        shape: Callable[[list[str]], type],
        content_free: Callable[[list[str]], dict[str, Any]],
        abstain: str | None = None,
    ) -> list[str | None]:
        """The option the model prefers for each question (``options[i]`` for the i-th), or
        None where it failed.

        Where the backend gives log-probabilities, each question's option scores are read
        against those of the same question without content (``content_free(options)``: the
        template's fields for it, "N/A"), and the best calibrated option wins: a small model
        answering by generation picks the option it saw first for almost every question
        (summary/v9's first run on dev/tune: "support" for 159 of 160 statements).
        Elsewhere the model writes the option under a grammar (``shape(options)``: a
        model whose one field is a Literal of them).

        ``abstain`` names an option that says "none of these" ("none": the sentence holds no
        position): a content-free question always favours it, so reading it against that
        would rule it out; it is chosen when it leads the scores as they are, and the
        calibrated choice is made among the other options.
        """
        if not questions:
            return []
        scorer = getattr(self.backend, "score_options", None)
        baselines: dict[tuple[str, ...], list[float]] = {}
        if scorer is not None:
            try:
                for opts in dict.fromkeys(tuple(o) for o in options):
                    free = self.prompt.messages(
                        template, **{**self.variables, **content_free(list(opts))}
                    )
                    result = scorer(free, list(opts), purpose=f"{purpose} (content-free)")
                    self.ledger.calls += result.calls
                    baselines[opts] = result.scores
            except StructuredOutputUnsupportedError:
                scorer = None
        if scorer is None:
            answers: list[str | None] = []
            for question, opts in zip(questions, options, strict=True):
                [answer] = self.ask_many(
                    template, shape(opts), [question], purpose=purpose, max_tokens=12
                )
                answers.append(None if answer is None else next(iter(answer.model_dump().values())))
            return answers
        chosen: list[str | None] = []
        for question, opts in zip(questions, options, strict=True):
            messages = self.prompt.messages(template, **{**self.variables, **question})
            try:
                result = scorer(messages, list(opts), purpose=purpose)
            except BackendError as exc:
                self.ledger.record_failure(exc)
                chosen.append(None)
                continue
            self.ledger.calls += result.calls
            if abstain in opts and result.scores[opts.index(abstain)] == max(result.scores):
                chosen.append(abstain)
                continue
            base = baselines[tuple(opts)]
            calibrated = [
                s - b if o != abstain else float("-inf")
                for o, s, b in zip(opts, result.scores, base, strict=True)
            ]
            chosen.append(opts[calibrated.index(max(calibrated))])
        return chosen


@dataclass(frozen=True)
class Pass:
    """One versioned step of a prompt version: its template, the shape of its answer, when
    it runs and how its answer becomes draft fields (``run``)."""

    name: str
    template: str | None  # None: code alone does the step (no model call)
    shape: type | None
    run: Callable[[PassContext], dict[str, Any]]
    needs_parties: bool = False

    @property
    def step(self) -> str:
        """The name without its version ("cast" for "cast.v1"): the purpose of its calls."""
        return self.name.rsplit(".", 1)[0]

    @property
    def module(self) -> str:
        """The module that holds the pass's code (what its behaviour hash covers)."""
        return self.run.__module__


#: Every registered pass by versioned name; each pass module registers itself on import
#: and :mod:`summarize.passes` imports them all.
PASSES: dict[str, Pass] = {}


def register(spec: Pass) -> Pass:
    """Add ``spec`` to :data:`PASSES`; a name is registered once, with its version."""
    if not PASS_NAME.fullmatch(spec.name):
        raise ValueError(f"a pass name is <step>.v<N>, e.g. cast.v2, not {spec.name!r}")
    if spec.name in PASSES:
        raise ValueError(
            f"the pass {spec.name!r} is registered already: a changed pass is a new version"
        )
    PASSES[spec.name] = spec
    return spec


def get_pass(name: str, *, prompt: str | None = None) -> Pass:
    """The pass registered as ``name``, or an UnknownPromptError that says which prompt
    named it and which passes exist (with the versioned name meant, for an old
    unversioned one such as "cast")."""
    spec = PASSES.get(name)
    if spec is not None:
        return spec
    where = f"prompt {prompt!r} names" if prompt else "no"
    versions = sorted(n for n in PASSES if n.rsplit(".", 1)[0] == name)
    hint = f"; pass names carry their version: did you mean {versions[-1]!r}?" if versions else ""
    raise UnknownPromptError(
        f"{where} unknown pass {name!r}{hint} (known: {', '.join(sorted(PASSES))})"
    )


def checklists(article: str) -> dict[str, Any]:
    """Template variables every pass may use: what code found for the model to choose from."""
    return {"date_words": date_words(article)}


__all__ = ["PASSES", "PASS_NAME", "Pass", "PassContext", "checklists", "get_pass", "register"]
