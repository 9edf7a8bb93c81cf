"""Grounding: every evidence quote must be the exact text at its offsets."""

from __future__ import annotations

from summarize.core.schema import ArticleSummary, iter_evidence


def grounding_rate(pred: ArticleSummary, text: str) -> float:
    """Share of the prediction's evidence quotes with ``text[start:end] == quote`` exactly.

    ``text`` must be the exact string the offsets refer to (no normalisation here: a user
    highlights spans in that string). A prediction with no evidence at all scores 1.0:
    every item must carry evidence, so no evidence means no items, nothing was misquoted,
    and the empty output is already paid for by recall.
    """
    quotes = iter_evidence(pred)
    if not quotes:
        return 1.0
    ok = sum(1 for _, _, ev in quotes if text[ev.start : ev.end] == ev.quote)
    return ok / len(quotes)
