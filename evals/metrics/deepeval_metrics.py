"""The deterministic metrics as deepeval ``BaseMetric`` subclasses, for users' own pytest.

Users already gate apps with deepeval's ``assert_test``; these adapters let them gate
newsbrief predictions, with no model and no network: ``assert_test(make_test_case(text,
prediction, gold), [FieldF1Metric("parties"), GroundingMetric()])``. A case's ``input`` is
the article, ``actual_output`` the prediction's JSON, ``expected_output`` the gold's JSON.
deepeval is set to offline use (no telemetry, no ``.env``) before it is imported.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
os.environ.setdefault("DEEPEVAL_NO_INSPECT_PROMPT", "1")

from typing import Any

from deepeval.errors import MissingTestCaseParamsError
from deepeval.metrics import BaseMetric
from deepeval.test_case import LLMTestCase
from pydantic import ValidationError

from evals.errors import EvalError
from evals.gold import GoldSummary
from evals.metrics import (
    FIELDS,
    ArticleScores,
    FieldScore,
    describe_item,
    grounding_rate,
    score_article,
)
from summarize.core.schema import (
    ArticleSummary,
    iter_evidence,
)

#: How many missed / invented items a reason names before it says "and N more".
MAX_LISTED = 8
_DETERMINISTIC = "none (deterministic, evals.metrics)"


# --- reading test cases -----------------------------------------------------------------------
class InvalidPredictionError(EvalError):
    """The test case's ``actual_output`` is not a valid ArticleSummary."""


def make_test_case(
    article_text: str,
    prediction: ArticleSummary | str | None,
    gold: ArticleSummary | str,
    *,
    name: str | None = None,
) -> LLMTestCase:
    """A deepeval test case in the convention the metrics of this module read.

    ``prediction`` may be a summary, the raw JSON a model produced (scored as is, so an
    invalid output costs 0.0 rather than being skipped) or None for a failed extraction
    (stored as an empty output: it scores 0.0). ``gold`` may be any ArticleSummary,
    including ``evals.gold`` subclasses; their ``required`` flags are kept in the JSON
    (``serialize_as_any``), even on subclass items inside a plain ArticleSummary.
    """
    if isinstance(prediction, ArticleSummary):
        actual = prediction.model_dump_json()
    else:
        actual = prediction or ""
    expected = (
        gold.model_dump_json(serialize_as_any=True) if isinstance(gold, ArticleSummary) else gold
    )
    return LLMTestCase(
        input=article_text, actual_output=actual, expected_output=expected, name=name
    )


def parse_prediction(test_case: LLMTestCase) -> ArticleSummary:
    """The prediction of a test case; :class:`InvalidPredictionError` if it is not valid.

    Validated without the article as context on purpose: an ungrounded quote must lower
    the grounding rate, not void the whole prediction.
    """
    if test_case.actual_output is None:
        raise MissingTestCaseParamsError("actual_output (the prediction JSON) is missing")
    if not test_case.actual_output.strip():
        raise InvalidPredictionError("the prediction is empty (the extraction failed)")
    try:
        return ArticleSummary.model_validate_json(test_case.actual_output)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"msg": str(exc), "loc": ()}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidPredictionError(
            f"{exc.error_count()} validation error(s); first at {where or 'top level'}: "
            f"{first.get('msg')}"
        ) from None


def parse_gold(test_case: LLMTestCase) -> ArticleSummary:
    """The gold of a test case, ``required`` flags included; raises ValueError if invalid."""
    if not test_case.expected_output:
        raise MissingTestCaseParamsError("expected_output (the gold JSON) is missing")
    try:
        data = json.loads(test_case.expected_output)
        if isinstance(data, dict):  # a plain ArticleSummary is gold too; it names no file
            data.setdefault("article", "(test case)")
        return GoldSummary.model_validate(data)
    except (ValidationError, json.JSONDecodeError) as exc:
        raise ValueError(f"the gold in expected_output is not a valid summary: {exc}") from exc


# --- deterministic metrics --------------------------------------------------------------------
class ThresholdMetric(BaseMetric):
    """What every metric here shares: synchronous scoring, success = no error and score at
    or above the threshold."""

    async def a_measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float:
        return self.measure(test_case, *args, **kwargs)

    def is_successful(self) -> bool:
        if self.error is not None or self.score is None:
            self.success = False
        else:
            self.success = self.score >= self.threshold
        return self.success


class _SummaryMetric(ThresholdMetric):
    """Shared plumbing: parse the case, score it, set score / reason / success.

    Subclasses implement :meth:`_evaluate`. Scoring is pure Python and fast, so the async
    entry point just calls the sync one (``async_mode`` is False).
    """

    _needs_gold = True

    def __init__(
        self,
        threshold: float,
        *,
        strict_mode: bool = False,
        include_reason: bool = True,
        verbose_mode: bool = False,
    ) -> None:
        self.threshold = 1.0 if strict_mode else threshold
        self.strict_mode = strict_mode
        self.include_reason = include_reason
        self.verbose_mode = verbose_mode
        self.async_mode = False
        self.evaluation_model = _DETERMINISTIC
        self.scores: ArticleScores | None = None

    def measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float:
        self.error = None
        self.scores = None
        if not test_case.input:
            raise MissingTestCaseParamsError("input (the article text) is missing")
        try:
            pred = parse_prediction(test_case)
        except InvalidPredictionError as exc:
            if self._needs_gold:
                parse_gold(test_case)  # an invalid gold raises even when the prediction fails
            return self._finish(0.0, f"No valid prediction: {exc}.", {})
        score, reason, breakdown = self._evaluate(pred, test_case)
        return self._finish(score, reason, breakdown)

    def _finish(self, score: float, reason: str, breakdown: dict[str, Any]) -> float:
        self.score = score
        self.reason = reason if self.include_reason else None
        self.score_breakdown = breakdown
        self.success = self.is_successful()
        return score

    def _score_case(
        self, pred: ArticleSummary, test_case: LLMTestCase
    ) -> tuple[ArticleScores, ArticleSummary]:
        gold = parse_gold(test_case)
        self.scores = score_article(pred, gold, test_case.input)
        return self.scores, gold

    def _evaluate(
        self, pred: ArticleSummary, test_case: LLMTestCase
    ) -> tuple[float, str, dict[str, Any]]:
        raise NotImplementedError


def _listing(label: str, labels: list[str]) -> str:
    if not labels:
        return ""
    shown = "; ".join(labels[:MAX_LISTED])
    more = f" and {len(labels) - MAX_LISTED} more" if len(labels) > MAX_LISTED else ""
    return f" {label}: {shown}{more}."


def _field_reason(field: str, fs: FieldScore, pred: ArticleSummary, gold: ArticleSummary) -> str:
    missed = [describe_item(field, getattr(gold, field)[j]) for j in fs.missed]
    invented = [describe_item(field, getattr(pred, field)[i]) for i in fs.false_positives]
    return (
        f"{field}: F1 {fs.f1:.2f} (P {fs.precision:.2f}, R {fs.recall:.2f}; "
        f"{fs.tp} matched, {fs.fn} missed, {fs.fp} invented)."
        + _listing("Missed", missed)
        + _listing("Invented", invented)
    )


class FieldF1Metric(_SummaryMetric):
    """F1 of one field (parties, positions, dates or disputes) against the gold.

    The reason names the required gold items that were missed and the predicted items that
    matched nothing, so a failing assert says what to fix. ``score_breakdown`` carries P/R.
    """

    def __init__(
        self,
        field: str,
        threshold: float = 0.5,
        *,
        strict_mode: bool = False,
        include_reason: bool = True,
        verbose_mode: bool = False,
    ) -> None:
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        self.field = field
        super().__init__(
            threshold,
            strict_mode=strict_mode,
            include_reason=include_reason,
            verbose_mode=verbose_mode,
        )

    def _evaluate(
        self, pred: ArticleSummary, test_case: LLMTestCase
    ) -> tuple[float, str, dict[str, Any]]:
        scores, gold = self._score_case(pred, test_case)
        fs: FieldScore = getattr(scores, self.field)
        reason = _field_reason(self.field, fs, pred, gold)
        if self.field == "positions" and scores.polarity_accuracy is not None:
            reason += f" Polarity agrees on {scores.polarity_correct}/{scores.polarity_pairs}."
        breakdown = {"precision": fs.precision, "recall": fs.recall, "f1": fs.f1}
        return fs.f1, reason, breakdown

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return f"{self.field.capitalize()} F1"


class MacroF1Metric(_SummaryMetric):
    """Mean of the four field F1 scores; the reason gives each field's F1 and misses."""

    def __init__(
        self,
        threshold: float = 0.5,
        *,
        strict_mode: bool = False,
        include_reason: bool = True,
        verbose_mode: bool = False,
    ) -> None:
        super().__init__(
            threshold,
            strict_mode=strict_mode,
            include_reason=include_reason,
            verbose_mode=verbose_mode,
        )

    def _evaluate(
        self, pred: ArticleSummary, test_case: LLMTestCase
    ) -> tuple[float, str, dict[str, Any]]:
        scores, gold = self._score_case(pred, test_case)
        parts = [f"Macro F1 {scores.macro_f1:.2f}."]
        parts += [_field_reason(f, getattr(scores, f), pred, gold) for f in FIELDS]
        breakdown = {f: getattr(scores, f).f1 for f in FIELDS}
        return scores.macro_f1, " ".join(parts), breakdown

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return "Macro F1"


class GroundingMetric(_SummaryMetric):
    """Share of evidence quotes found verbatim at their offsets in the article (``input``).

    Needs no gold. Default threshold 0.9: the pipeline re-grounds quotes, so anything below
    means it let misquotes through.
    """

    _needs_gold = False

    def __init__(
        self,
        threshold: float = 0.9,
        *,
        strict_mode: bool = False,
        include_reason: bool = True,
        verbose_mode: bool = False,
    ) -> None:
        super().__init__(
            threshold,
            strict_mode=strict_mode,
            include_reason=include_reason,
            verbose_mode=verbose_mode,
        )

    def _evaluate(
        self, pred: ArticleSummary, test_case: LLMTestCase
    ) -> tuple[float, str, dict[str, Any]]:
        text = test_case.input
        quotes = iter_evidence(pred)
        bad = [(field, i, ev) for field, i, ev in quotes if text[ev.start : ev.end] != ev.quote]
        rate = grounding_rate(pred, text)
        reason = (
            f"{len(quotes) - len(bad)} of {len(quotes)} evidence quotes found at their offsets."
            if quotes
            else "No evidence quotes (nothing to misquote)."
        )
        reason += _listing(
            "Not at their offsets",
            [f"{field}[{i}] {ev.quote!r} @{ev.start}" for field, i, ev in bad],
        )
        return rate, reason, {"quotes": len(quotes), "ungrounded": len(bad)}

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return "Grounding"


def default_metrics(threshold: float = 0.5) -> list[BaseMetric]:
    """The four field F1 metrics, macro F1 and grounding: what a suite gates on."""
    metrics: list[BaseMetric] = [FieldF1Metric(f, threshold) for f in FIELDS]
    return [*metrics, MacroF1Metric(threshold), GroundingMetric()]


__all__ = [
    "FieldF1Metric",
    "GroundingMetric",
    "InvalidPredictionError",
    "MacroF1Metric",
    "ThresholdMetric",
    "default_metrics",
    "make_test_case",
    "parse_gold",
    "parse_prediction",
]
