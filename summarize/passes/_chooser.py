"""What the passes of summary/v9 share: the article's words for an item, and one-token answers.

On a small model, code writes and the model chooses: every v9 question offers options that
code found and takes a one-word answer under a grammar (a letter, yes/no, a polarity), so
the output stays a handful of tokens and nothing the model writes reaches the summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import create_model

from summarize.core.draft import QUOTE_CHARS, DraftShape
from summarize.core.names import split_title
from summarize.core.reading import Reading, Statement

#: Letters that name the options of a choice (four at most: the reading offers no more).
LETTERS = ("A", "B", "C", "D")
#: Output tokens of a one-word answer under the grammar ({"answer": "B"} and its end).
ANSWER_TOKENS = 12


class LetterAnswer(DraftShape):
    """Which option: a letter."""

    answer: Literal["A", "B", "C", "D"]


class YesNoAnswer(DraftShape):
    """A confirmation."""

    answer: Literal["yes", "no"]


class PolarityAnswer(DraftShape):
    """Whether a sentence holds a position of its holder, and which way."""

    polarity: Literal["support", "oppose", "neutral", "mixed", "none"]


#: The one-word answers of a stance question, in the order the template names them.
POLARITIES = ["support", "oppose", "neutral", "mixed", "none"]


def letters_shape(options: list[str]) -> type[DraftShape]:
    """A letter among the first ``len(options)`` (the grammar's fallback for a choice)."""
    return create_model("LetterAnswer", __base__=DraftShape, answer=(Literal[tuple(options)], ...))  # type: ignore[valid-type]


def fixed_shape(model: type[DraftShape]) -> Callable[[list[str]], type[DraftShape]]:
    """The same answer shape whatever the options (they are the shape's Literal)."""
    return lambda options: model


def one_line(text: str) -> str:
    """Whitespace folded to single spaces: a name broken over two lines of wire copy
    ("Ministry of International Trade and\\nIndustry") must never reach a grammar or a JSON
    key with its line break."""
    return " ".join(text.split())


def words(text: str, span: tuple[int, int] | None, limit: int) -> str:
    """The article's words in ``span``, on one line, cut at a word to ``limit`` characters."""
    if span is None:
        return ""
    phrase = one_line(text[span[0] : span[1]]).strip(" ,;:-–—\"'“”‘’")
    if len(phrase) > limit:
        phrase = phrase[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return tidy(phrase)


def tidy(phrase: str) -> str:
    """Quotation marks dropped when a cut left them unbalanced ('a "political settlement')."""
    if phrase.count('"') % 2 or phrase.count("“") != phrase.count("”"):
        phrase = phrase.replace('"', "").replace("“", "").replace("”", "")
    return phrase


def evidence(text: str, statement: Statement) -> str:
    """A verbatim quote for a statement: its content when that is long enough to stand as
    evidence (3 words or more), else the start of its sentence; at most QUOTE_CHARS."""
    for start, end in (statement.content, (statement.start, statement.end)):
        if start is None:
            continue
        quote = text[start:end]
        if len(quote) > QUOTE_CHARS - 1:
            quote = quote[: QUOTE_CHARS - 1].rsplit(" ", 1)[0]
        quote = quote.strip(" ,;:\"'“”‘’")
        if len(quote.split()) >= 3:
            return quote
    return text[statement.start : statement.end][: QUOTE_CHARS - 1]


def party_of(name: str | None, reading: Reading, parties: dict[str, dict[str, Any]]) -> str | None:
    """The kept party a reading-layer candidate became, if the cast kept it."""
    if name is None:
        return None
    if name in parties:
        return name
    bare = split_title(name)[1]
    if bare in parties:
        return bare
    candidate = reading.candidate(name)
    if candidate is not None:
        for form in [candidate.name, *candidate.forms]:
            if form in parties or one_line(form) in parties:
                return form if form in parties else one_line(form)
    return None


def sentence_of(text: str, statement: Statement) -> str:
    return one_line(text[statement.start : statement.end])


__all__ = [
    "ANSWER_TOKENS",
    "LETTERS",
    "LetterAnswer",
    "PolarityAnswer",
    "YesNoAnswer",
    "evidence",
    "one_line",
    "party_of",
    "sentence_of",
    "tidy",
    "words",
]
