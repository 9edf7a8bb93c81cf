"""Sentence spans: the one segmentation that grounding, chunking and the reading layer share.

English text is split by the parser (:func:`summarize.text.nlp.parse`); text in another
language, and text too long to parse, by a language-neutral rule sentencizer. A span never
crosses a line break and never ends after a title's abbreviation ("Mr.").
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarize.text import nlp
from summarize.text.nlp import MAX_PARSE_CHARS, looks_english, parse


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``, trailing whitespace excluded."""
    if len(text) > MAX_PARSE_CHARS or not looks_english(text):
        return list(_rule_sentences(text))
    return list(_parsed_sentences(text))


@lru_cache(maxsize=16)
def _parsed_sentences(text: str) -> list[tuple[int, int]]:
    return _spans(text, parse(text).sents)


def rule_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences by the rule sentencizer alone (any language, no parse)."""
    return list(_rule_sentences(text))


@lru_cache(maxsize=4)
def _rule_sentences(text: str) -> list[tuple[int, int]]:
    return _spans(text, nlp.sentencizer()(text).sents)


#: A sentence does not end after a title's abbreviation or an initial ("Mr. Smith", "J. Doe").
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|No|Nos)|\b[A-Z])\.$"
)


def _spans(text: str, sents) -> list[tuple[int, int]]:
    """Sentence spans without surrounding whitespace; a sentence never crosses a line break
    (a headline, a dateline or a caption is a sentence of its own) and never ends after an
    abbreviation such as "Mr." (the parser splits there on odd text)."""
    spans = _raw_spans(text, sents)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            merged
            and _ABBREVIATION_END.search(text[merged[-1][0] : merged[-1][1]])
            and "\n" not in text[merged[-1][1] : start]
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _raw_spans(text: str, sents) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for sent in sents:
        start, end = sent.start_char, sent.end_char
        for piece_start, piece_end in _split_paragraphs(text, start, end):
            while piece_start < piece_end and text[piece_start].isspace():
                piece_start += 1
            while piece_end > piece_start and text[piece_end - 1].isspace():
                piece_end -= 1
            if piece_end > piece_start:
                spans.append((piece_start, piece_end))
    return spans


def _split_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    at = start
    while True:
        cut = text.find("\n", at, end)
        if cut < 0:
            pieces.append((at, end))
            return pieces
        pieces.append((at, cut))
        at = cut + 1
