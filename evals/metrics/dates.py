"""Dates: the gold's ISO value at the gold's precision, or the same words when it has none."""

from __future__ import annotations

from evals.metrics.matching import FieldScore, field_score
from evals.metrics.similarity import text_similarity
from summarize.core.schema import ArticleSummary, DateRef, check_iso_partial

#: A gold date without an ISO value matches a prediction whose ``text`` is this similar:
#: "on Monday" ~ "Monday", "earlier this week" ~ "this week", not "last week" ~ "last month".
DATE_TEXT_THRESHOLD = 0.6


def _iso_parts(value: str) -> tuple[int, int | None, int | None] | None:
    try:
        return check_iso_partial(value)
    except ValueError:
        return None


def date_similarity(pred: DateRef, gold: DateRef) -> float | None:
    """Dates match by ISO value at the gold's precision.

    - Gold has a value: the prediction must have one that agrees with it on every part the
      gold gives and is not less precise (gold "2024-07" matches "2024-07" and "2024-07-08";
      gold "2024-07-08" does not match "2024-07"). More precise than the gold is accepted:
      the gold keeps what is certain, and a day inside the right month is no contradiction.
    - Gold has a value, prediction has none: no match if the gold item is required (the
      article gave what was needed to resolve it). If it is optional -- per the annotation
      guide, a value that only outside knowledge gives, as for "Monday" in an undated
      article -- a null value is what the guide asks a reader to write, so it matches by
      ``text`` as below.
    - Gold value is null (unresolvable reference): match when the ``text`` is at least
      :data:`DATE_TEXT_THRESHOLD` similar (:func:`text_similarity`), whatever the
      predicted value.

    The event is not a condition; its similarity (plus 0.1 for the identical value) breaks
    ties when several dates share a value.
    """
    bonus = 0.0
    gold_optional = not getattr(gold, "required", True)
    if gold.value is None or (pred.value is None and gold_optional):
        if text_similarity(pred.text, gold.text) < DATE_TEXT_THRESHOLD:
            return None
    else:
        g = _iso_parts(gold.value)
        p = _iso_parts(pred.value) if pred.value is not None else None
        if g is None or p is None:
            return None
        for gp, pp in zip(g, p, strict=True):
            if gp is not None and gp != pp:
                return None
        bonus = 0.1 if pred.value == gold.value else 0.0
    return text_similarity(pred.event, gold.event) + bonus


def score_dates(pred: ArticleSummary, gold: ArticleSummary) -> FieldScore:
    """Dates field score; see :func:`date_similarity` for the rule."""
    return field_score(pred.dates, gold.dates, date_similarity)
