"""overview.v2: the headline, the summary and the place from the article itself; no call.

News is written lead first: the article's own title line is its headline, and its lead
sentences are the summary a reader gets first. So the embedded model writes none of it:
the headline is the title line when the article has one (a site name after " - " or " | "
dropped), else the lead cut to 30 words; the summary is the first two sentences of the
body; the place is the dateline's. An endpoint model may paraphrase behind a prompt version
of its own; this one quotes.
"""

from __future__ import annotations

import re
from typing import Any

from summarize.core.schema import MAX_HEADLINE_WORDS
from summarize.defence import untrusted_spans
from summarize.passes._chooser import one_line
from summarize.passes.registry import Pass, PassContext, register
from summarize.text.dates import dateline_span, publication_spans

_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")
_SUMMARY_CHARS = 700
_MIN_LEAD_WORDS = 8


def run(ctx: PassContext) -> dict[str, Any]:
    text = ctx.article
    junk = untrusted_spans(text)
    published = publication_spans(text)
    body = []
    for a, b in ctx.reading.sentences:
        for x, y in published:  # "date 2024-07-08 Bejing, China - Xi told ...": the rest
            if x <= a < y:
                a = y
        while a < b and text[a].isspace():
            a += 1
        if a < b and not any(x <= a < y for x, y in junk):
            body.append((a, b))
    title = _title_line(text, body)
    lead = [
        (a, b)
        for a, b in body
        if len(text[a:b].split()) >= _MIN_LEAD_WORDS and (title is None or a >= title[1])
    ]
    dateline = dateline_span(text)
    sentences = [_after(text, a, b, dateline) for a, b in lead[:2]]
    summary = one_line(" ".join(sentences))[:_SUMMARY_CHARS]
    if title is not None:
        headline = _SITE_SUFFIX.sub("", one_line(text[title[0] : title[1]]))
    else:
        headline = _cut(sentences[0]) if sentences else ""
    place = one_line(text[dateline[0] : dateline[1]]) if dateline else None
    return {
        "headline": headline[:200] or summary[:200],
        "summary": summary or headline,
        "event_location": place[:60] if place else None,
    }


#: Words of a headline cut from the lead (a clause boundary is looked for before it).
_HEADLINE_WORDS = 24


def _cut(sentence: str) -> str:
    """The lead as a headline: whole when short, else cut at the last clause boundary
    within its first words (before "during", "while", "as"..., or after a comma)."""
    words = sentence.split()
    if len(words) <= _HEADLINE_WORDS:
        return " ".join(words).rstrip(".")
    head = words[:_HEADLINE_WORDS]
    for i in range(len(head) - 1, 7, -1):
        if head[i].lower() in _BOUNDARIES:
            return " ".join(head[:i]).rstrip(",")
        if head[i].endswith(","):
            return " ".join(head[: i + 1]).rstrip(",")
    return " ".join(words[:MAX_HEADLINE_WORDS])


_BOUNDARIES = frozenset({"during", "while", "as", "after", "before", "amid", "because", "when"})


def _title_line(text: str, body: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first sentence when it is a line of its own without a full stop: a title."""
    if not body:
        return None
    a, b = body[0]
    line_end = text.find("\n", a)
    line = text[a:b]
    if (
        (line_end == -1 or line_end >= b)
        and not line.rstrip().endswith((".", '"', "”"))
        and (3 <= len(line.split()) <= 25)
        and text[b : b + 1] in ("\n", "")
    ):
        return a, b
    return None


def _after(text: str, a: int, b: int, dateline: tuple[int, int] | None) -> str:
    """A sentence without the dateline before it ("Bejing, China - ")."""
    if dateline is not None and a <= dateline[0] < b:
        rest = _DATELINE_TAIL.sub("", text[dateline[1] : b], count=1)
        return rest
    return text[a:b]


_DATELINE_TAIL = re.compile(r"^\s*,?\s*(?:\([^)\n]*\)\s*)?[-–—]+\s*")


PASS = register(Pass("overview.v2", template=None, shape=None, run=run))
