"""A fake backend for fast tests: no model, but the same instructor code path as a real one.

It sits *below* instructor: it fakes only the raw chat completion, so parsing, validation,
re-asks, the call ledger and grounding all run for real in tests. Two ways to drive it:

- ``FakeBackend(script=[...])``: each call returns the next item (a raw string the "model"
  says, a dict/pydantic object dumped to JSON, or an exception to raise);
- ``fake/heuristic`` (the default with no script): a deterministic extractor that reads the
  article out of the prompt and builds a plausible draft from capitalised names, reporting
  verbs and date words, quoting the text verbatim. It makes the CLI, the eval harness and
  batch jobs testable end to end in milliseconds.

``NEWSBRIEF_FAKE_DELAY=<seconds>`` makes each call sleep, for kill-and-resume tests.
``NEWSBRIEF_FAKE_CRASH=<words>`` makes the process that serves a call whose prompt holds
those words kill itself (SIGKILL, mid-article), once per marker file named by
``NEWSBRIEF_FAKE_CRASH_MARKER`` (every time without one): a worker dying under the Ray
engine. Never set it for a run in your own process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import instructor
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from summarize.core.backend import CallRecord, OptionScores
from summarize.core.errors import StructuredOutputUnsupportedError
from summarize.providers.base import InstructorBackend

ScriptItem = str | dict | BaseModel | Exception | Callable[[dict[str, Any]], Any]

_NAME = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2})\b")
_SAYS = re.compile(r"\b(said|says|told|called|stated|wrote|urged|criticized|condemned)\b")
_DATE = re.compile(
    r"\b(?:on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?: \d{1,2})?,? \d{4}"
    r"|last (?:week|month|year))\b"
)
_CONFLICT = re.compile(r"\b(criticiz|condemn|concern|oppos|reject|rebuke|denounc)", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_STOP_NAMES = {"The", "In", "On", "During", "Read", "Oops", "Something", "Please"}


class FakeBackend(InstructorBackend):
    """Scripted or heuristic stand-in for a model; see the module docstring."""

    mode_chain = (instructor.Mode.JSON_SCHEMA,)

    def __init__(
        self,
        name: str = "heuristic",
        *,
        script: Iterable[ScriptItem] | None = None,
        scoring: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(f"fake/{name}", **options)
        self.script = list(script) if script is not None else None
        self.scoring = scoring
        self.requests: list[dict[str, Any]] = []

    def score_options(
        self, messages: list[dict[str, str]], options: list[str], *, purpose: str
    ) -> OptionScores:
        """Scores like a model with a first-option bias: the option the heuristic would
        answer gets the most, the first option always a little more than the rest, so a
        calibrated choice differs from a greedy one. Off unless built with ``scoring``."""
        if not self.scoring:
            raise StructuredOutputUnsupportedError(
                f"{self.model_id} gives no log-probabilities", attempts=0
            )
        self.requests.append({"messages": messages, "options": options})
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        question = user.split(">>>")[-1]
        content_free = "N/A" in question
        favoured = _favoured(question, options)
        scores = [
            (0.0 if content_free else (2.0 if option == favoured else 0.0))
            + (1.0 if i == 0 else 0.0)
            - 3.0
            for i, option in enumerate(options)
        ]
        record = CallRecord(
            purpose=purpose,
            model=self.model_id,
            mode="logprobs",
            attempt=1,
            ok=True,
            prompt_tokens=len(user.split()),
            completion_tokens=0,
            latency_s=0.0,
            raw_output=options[scores.index(max(scores))],
        )
        return OptionScores(scores=scores, calls=[record])

    def _complete(self, **kwargs: Any) -> Any:
        self.requests.append(kwargs)
        delay = float(os.environ.get("NEWSBRIEF_FAKE_DELAY", "0") or 0)
        if delay:
            time.sleep(delay)
        _maybe_crash(kwargs)
        if self.script is not None:
            if not self.script:
                raise RuntimeError("the fake backend's script is exhausted")
            item = self.script.pop(0)
            if callable(item) and not isinstance(item, BaseModel | type):
                item = item(kwargs)
        else:
            item = heuristic_answer(kwargs)
        if isinstance(item, Exception):
            raise item
        if isinstance(item, BaseModel):
            item = item.model_dump_json()
        elif isinstance(item, dict):
            item = json.dumps(item)
        return _completion(str(item), kwargs)

    def describe(self) -> dict[str, Any]:
        return {"model": self.model_id, "provider": "fake", "mode": "json_schema"}


def _maybe_crash(kwargs: dict[str, Any]) -> None:
    """``NEWSBRIEF_FAKE_CRASH``: die like a worker killed mid-article (see the docstring)."""
    words = os.environ.get("NEWSBRIEF_FAKE_CRASH")
    if not words or not any(words in (m.get("content") or "") for m in kwargs.get("messages", [])):
        return
    marker = os.environ.get("NEWSBRIEF_FAKE_CRASH_MARKER")
    if marker:
        try:  # the first process to create the marker dies; the retry finds it and goes on
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    os.kill(os.getpid(), signal.SIGKILL)


def _completion(content: str, kwargs: dict[str, Any]) -> ChatCompletion:
    prompt_chars = sum(len(m.get("content") or "") for m in kwargs.get("messages", []))
    return ChatCompletion.model_validate(
        {
            "id": "fake",
            "object": "chat.completion",
            "created": 0,
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {
                "prompt_tokens": prompt_chars // 4,
                "completion_tokens": len(content) // 4,
                "total_tokens": (prompt_chars + len(content)) // 4,
            },
        }
    )


def _article_from(kwargs: dict[str, Any]) -> str:
    user = next((m["content"] for m in kwargs.get("messages", []) if m["role"] == "user"), "")
    match = re.search(r"<<<\n(.*)\n>>>", user, re.S)
    return match.group(1) if match else user


def _schema_title(kwargs: dict[str, Any]) -> str:
    response_format = kwargs.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema") or {}
    return str(schema.get("title", ""))


def _window(sentence: str, around: str, words: int = 12) -> str:
    """A verbatim run of up to ``words`` words of ``sentence`` that contains ``around``."""
    tokens = sentence.split()
    if len(tokens) <= words:
        return " ".join(tokens)
    first = around.split()[0] if around.split() else ""
    idx = next((i for i, t in enumerate(tokens) if first and first in t), 0)
    start = max(0, min(idx - words // 3, len(tokens) - words))
    return " ".join(tokens[start : start + words])


def heuristic_answer(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A deterministic draft built from surface cues of the article in the prompt."""
    if _schema_title(kwargs) == "QuoteFixes":
        return {"fixes": []}
    if _schema_title(kwargs) in ("SameVerdict", "ConflictVerdict"):
        return _verdict(kwargs)
    if _schema_title(kwargs) == "InstructionVerdict":
        return _instruction_verdict(kwargs)
    if _schema_title(kwargs) in ("LetterAnswer", "YesNoAnswer", "PolarityAnswer"):
        return _choice(kwargs)
    text = _article_from(kwargs)
    sentences = [s.strip() for s in _SENTENCE.findall(text) if len(s.split()) >= 5]
    names = Counter(m for m in _NAME.findall(text) if m.split()[0] not in _STOP_NAMES)
    parties = []
    for name, _count in names.most_common(4):
        sentence = next((s for s in sentences if name in s), None)
        if sentence:
            parties.append(
                {
                    "name": name,
                    "kind": "person",
                    "role": "",
                    "aliases": [],
                    "quote": _window(sentence, name),
                }
            )
    positions = []
    for party in parties:
        sentence = next((s for s in sentences if party["name"] in s and _SAYS.search(s)), None)
        if sentence:
            positions.append(
                {
                    "party": party["name"],
                    "topic": "the events reported",
                    "stance": sentence[:160],
                    "polarity": "neutral",
                    "quote": _window(sentence, party["name"]),
                }
            )
    dates = []
    for match in _DATE.finditer(text):
        sentence = next((s for s in sentences if match.group(0) in s), None)
        if sentence and len(dates) < 4:
            dates.append(
                {
                    "text": match.group(0),
                    "value": None,
                    "event": "event reported",
                    "quote": _window(sentence, match.group(0)),
                }
            )
    disputes = []
    conflict = next((s for s in sentences if _CONFLICT.search(s)), None)
    if conflict and len(parties) >= 2:
        disputes.append(
            {
                "side_a": [parties[0]["name"]],
                "side_b": [parties[1]["name"]],
                "issue": "the events reported",
                "description": conflict[:160],
                "quote": _window(conflict, conflict.split()[0]),
            }
        )
    lead = sentences[0] if sentences else text.strip()[:200] or "Empty article."
    if _schema_title(kwargs) == "CastDraft":
        return _cast(kwargs, text)
    if _schema_title(kwargs) == "AttributedLabel":
        return _attributed_label(kwargs)
    return {
        "headline": " ".join(lead.split()[:25]),
        "summary": " ".join(sentences[:2]) or lead,
        "event_location": None,
        "parties": parties,
        "positions": positions,
        "dates": dates,
        "disputes": disputes,
    }


_QUOTED_SENTENCE = re.compile(r'^(?:Sentence in [AB]: )?"(.+)"$', re.M)


def _verdict(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A digest judgement: "same" when the two quoted sentences share most of their words;
    a conflict never (the fake cannot tell a real one from a paraphrase)."""
    if _schema_title(kwargs) == "ConflictVerdict":
        return {"conflict": False}
    user = next(
        (m["content"] for m in reversed(kwargs.get("messages", [])) if m.get("role") == "user"), ""
    )
    sentences = _QUOTED_SENTENCE.findall(user)
    if len(sentences) < 2:
        return {"same": False}
    a, b = ({w.lower() for w in re.findall(r"[A-Za-z]{4,}", s)} for s in sentences)
    return {"same": bool(a and b) and len(a & b) >= 0.5 * min(len(a), len(b))}


_PASSAGE = re.compile(r'^Passage: "(.+)"$', re.M)
_PROCESSOR = re.compile(
    r"\b(?:summar\w*|digest\w*|automated|bots?|AI|crawl\w*|aggregat\w*|"
    r"condens\w*|process(?:es|ing)|feeds?|readers?)\b",
    re.I,
)
_ORDER = re.compile(
    r"\b(?:should|must|shall|list|name|present|describe|report|record|write)\b", re.I
)


def _instruction_verdict(kwargs: dict[str, Any]) -> dict[str, str]:
    """The defence question: "yes" when the passage names a processor of the text and gives
    an order (a word of each kind); deterministic, for tests."""
    match = _PASSAGE.search(_user_message(kwargs))
    passage = match.group(1) if match else ""
    yes = bool(_PROCESSOR.search(passage) and _ORDER.search(passage))
    return {"answer": "yes" if yes else "no"}


_ONE_SENTENCE = re.compile(r'^Sentence: "(.+)"$', re.M)


def _user_message(kwargs: dict[str, Any]) -> str:
    return next((m["content"] for m in kwargs.get("messages", []) if m["role"] == "user"), "")


def _favoured(question: str, options: list[str]) -> str:
    """The option the heuristic would answer to a one-word question."""
    asked = _PASSAGE.search(question)
    if asked is not None and "yes" in options:  # the defence question about a passage
        return (
            "yes" if _PROCESSOR.search(asked.group(1)) and _ORDER.search(asked.group(1)) else "no"
        )
    conflict = bool(_CONFLICT.search(question))
    if "yes" in options:
        return "yes" if conflict else "no"
    if "oppose" in options:
        return "oppose" if conflict else "support"
    return options[0]


def _choice(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A one-word answer: the first option offered; "yes" to a dispute and "oppose" to a
    stance when the question's sentence or issue holds a conflict word, else "no" and
    "support"."""
    title = _schema_title(kwargs)
    message = _user_message(kwargs).split(">>>")[-1]
    conflict = bool(_CONFLICT.search(message))
    if title == "LetterAnswer":
        return {"answer": "A"}
    if title == "YesNoAnswer":
        return {"answer": "yes" if conflict else "no"}
    return {"polarity": "oppose" if conflict else "support"}


def _cast(kwargs: dict[str, Any], text: str) -> dict[str, str]:
    """A full name (two words or more), or one the article uses twice, is a person; the
    rest are "other"."""
    response_format = kwargs.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema") or {}
    answer = {}
    for name, spec in schema.get("properties", {}).items():
        allowed = spec.get("enum") or ([spec["const"]] if "const" in spec else ["person", "other"])
        keep = len(name.split()) >= 2 or text.count(name) >= 2
        answer[name] = allowed[0] if keep or "other" not in allowed else "other"
    return answer


def _attributed_label(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A statement's label: a conflict word makes it oppose, anything else is neutral."""
    match = _ONE_SENTENCE.search(_user_message(kwargs))
    sentence = match.group(1) if match else ""
    return {
        "topic": "the events reported",
        "stance": " ".join(sentence.split()[:12]),
        "polarity": "oppose" if _CONFLICT.search(sentence) else "neutral",
    }


def create_backend(name: str, **options: Any) -> FakeBackend:
    """``fake/<anything>``: the heuristic fake (``fake/heuristic``)."""
    options.pop("progress", None)
    return FakeBackend(name, **options)
