"""The reading layer's part-by-part scores as a terminal table, with every error listed."""

from __future__ import annotations

from evals.metrics.reading import ReadingScore


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "-"


def _forms(score: ReadingScore) -> str:
    return "  ".join(
        f"{form} {c.get('right', 0)}/{c.get('wrong', 0)}/{c.get('none', 0)}"
        for form, c in sorted(score.attribution.items())
    )


COLUMNS = (
    "article",
    "cand. recall",
    "cand. precision",
    "attribution",
    "right/wrong/none by form",
    "offered",
    "date words",
    "dispute pairs",
)


def reading_rows(scores: list[ReadingScore], total: ReadingScore) -> list[list[str]]:
    """One row per article and the total: candidate recall and precision, attribution
    (right/wrong/none per form; "offered": the gold holder among the model's options),
    date words, dispute pairs among the candidates."""
    return [
        [
            score.article,
            _ratio(score.parties_found, score.parties_required),
            _ratio(score.candidates_named, score.candidates),
            _ratio(score.attribution_right, score.attribution_total),
            _forms(score),
            str(score.offered),
            _ratio(score.dates_found, score.dates_required),
            _ratio(score.disputes_candidates, score.disputes_required),
        ]
        for score in [*scores, total]
    ]


def error_lines(total: ReadingScore) -> list[str]:
    """Every miss, one line each: part, then what was missed."""
    return [f"  {error.part:12} {error.detail}" for error in total.errors]


__all__ = ["COLUMNS", "error_lines", "reading_rows"]
