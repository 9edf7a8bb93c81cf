"""dates.v2: every date the second reading found, its event in its sentence's words; no call.

The date words come from the reading (``reading.v2`` also finds "in April", "since late
April", "the following month"); code resolves each value from the words, the publication
date and the text, as before. The event is the clause the date belongs to, cut from the
evidence sentence by the parse (its subject, verb and object), never a fragment the model
wrote. Dates are kept in text order, so the lead's date, the story's main event, is first;
page furniture and masked text give none.
"""

from __future__ import annotations

from typing import Any

from summarize.core.draft import MAX_DATES, QUOTE_CHARS
from summarize.passes._chooser import one_line, tidy
from summarize.passes.registry import Pass, PassContext, register
from summarize.reading import event_clause

#: Characters of a date's evidence on either side of its words.
_WINDOW = 45


def run(ctx: PassContext) -> dict[str, Any]:
    """The dates of the article, each with its event and a quote around its words."""
    text = ctx.article
    dates: list[dict[str, Any]] = []
    seen: set[str] = set()
    for start, end, words in ctx.reading.date_mentions:
        if len(dates) >= MAX_DATES:
            break
        sentence = next(((a, b) for a, b in ctx.reading.sentences if a <= start < b), None)
        if sentence is None or any(ch in text[start:end] for ch in "\n"):
            continue
        event = event_clause(text, start, end)
        key = " ".join(words.lower().split())
        if event is None or key in seen:
            continue  # the same words twice: one date (a caption repeats the lead's day)
        seen.add(key)
        dates.append(
            {
                "text": words,
                "event": tidy(one_line(event))[:80],
                "quote": _quote(text, sentence, start, end),
            }
        )
    return {"dates": dates}


def _quote(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The date's words with some of their sentence around them, cut at words."""
    a = max(sentence[0], start - _WINDOW)
    b = min(sentence[1], end + _WINDOW)
    if a > sentence[0]:
        a = text.find(" ", a, start) + 1 or a
    if b < sentence[1]:
        cut = text.rfind(" ", end, b)
        b = cut if cut > end else b
    quote = text[a:b].strip(" ,;:\"'“”‘’")
    return quote[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] if len(quote) >= QUOTE_CHARS else quote


PASS = register(Pass("dates.v2", template=None, shape=None, run=run))
