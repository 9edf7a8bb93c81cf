"""Run the reading layer alone over a suite with gold and score it part by part.

No model is loaded: this measures what the parse hands the model, so a change to the
reading layer is judged in seconds, before an eval run spends minutes per article.
"""

from __future__ import annotations

from pathlib import Path

from evals.gold import load_suite
from evals.metrics.reading import (
    CandidateView,
    ReadingScore,
    ReadingView,
    StatementView,
    score_reading,
)
from summarize.reading import ReadingOptions, read_article
from summarize.text import dates as date_rules


def view_of(
    text: str, options: ReadingOptions | None = None
) -> tuple[ReadingView, list[tuple[int, int]]]:
    """The reading of ``text`` (with ``options``, reading.v1 by default) in the metrics'
    terms, and its sentences."""
    reading = read_article(text, options)
    lines = date_rules.publication_spans(text)
    dates = reading.date_mentions or [
        (a, b, w)
        for a, b, w in date_rules.find_date_mentions(text)
        if not any(a < e and s < b for s, e in lines)
    ]
    view = ReadingView(
        candidates=[
            CandidateView(name=c.name, forms=c.forms, label=c.label) for c in reading.candidates
        ],
        statements=[
            StatementView(start=s.start, end=s.end, speaker=s.holder, options=s.options)
            for s in reading.statements
        ]
        if reading.statements
        else [
            StatementView(start=a.start, end=a.end, speaker=a.speaker) for a in reading.attributions
        ],
        date_spans=dates,
    )
    return view, list(reading.sentences)


def score_suite(
    articles: Path, gold: Path | None = None, options: ReadingOptions | None = None
) -> list[ReadingScore]:
    """One score per article of the suite that has gold, in the suite's order."""
    scores = []
    for case in load_suite(articles, gold if gold is not None else articles):
        if case.gold is None:
            continue
        view, sentences = view_of(case.text, options)
        scores.append(score_reading(case.article_id, case.text, view, case.gold, sentences))
    return scores


def total(scores: list[ReadingScore], name: str = "total") -> ReadingScore:
    """The suite's sum (errors prefixed with their article)."""
    out = ReadingScore(article=name)
    for score in scores:
        out = out.add(score)
    return out


__all__ = ["score_suite", "total", "view_of"]
