"""deepeval integration: the deterministic metrics as deepeval metrics, and an optional judge.

Why deepeval at all: users already gate their apps with ``deepeval test run`` and
``assert_test`` in their own pytest suites; exposing our scores as ``BaseMetric`` subclasses
lets them do that with newsbrief predictions, with no model and no network:

    from deepeval import assert_test
    from evals.deepeval_metrics import FieldF1Metric, GroundingMetric, make_test_case

    def test_article_1() -> None:
        case = make_test_case(article_text, prediction, gold)
        assert_test(case, [FieldF1Metric("parties"), GroundingMetric()])

Conventions of the test case (``LLMTestCase`` fields are strings): ``input`` is the article
text exactly as the offsets refer to it, ``actual_output`` the prediction as
``ArticleSummary`` JSON, ``expected_output`` the gold as JSON (``required`` flags kept).
An ``actual_output`` that is not a valid summary (a failed extraction) scores 0.0 and says
why; an invalid gold is the caller's error and raises.

The LLM-judged faithfulness metric (:func:`make_faithfulness_judge`) is optional, never
used by default, and labels every score with the judge that produced it: a judge as small
as the embedded 1.5B model scored a faithful paraphrase 0.0 when measured, so gates belong
on the deterministic metrics.

deepeval is configured for offline use before it is imported here: telemetry off, no
``.env`` autoloading from the working directory, no prompt inspection. (Its pytest plugin
imports deepeval when pytest starts, before this module; set ``DEEPEVAL_DISABLE_DOTENV=1``
in the environment as well to cover that path. The telemetry setting is re-read on use, so
setting it here is enough for it.)
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
os.environ.setdefault("DEEPEVAL_NO_INSPECT_PROMPT", "1")

from typing import Any

from deepeval.errors import MissingTestCaseParamsError
from deepeval.metrics import BaseMetric, GEval
from deepeval.metrics.g_eval.schema import ReasonScore
from deepeval.models import DeepEvalBaseLLM
from deepeval.test_case import LLMTestCase, SingleTurnParams
from pydantic import BaseModel, Field, ValidationError, create_model

from evals.gold import GoldSummary
from evals.metrics import (
    FIELDS,
    ArticleScores,
    FieldScore,
    describe_item,
    grounding_rate,
    score_article,
)
from summarize.core.backend import CallRecord, StructuredBackend
from summarize.core.schema import (
    ArticleSummary,
    iter_evidence,
)

#: How many missed / invented items a reason names before it says "and N more".
MAX_LISTED = 8
_DETERMINISTIC = "none (deterministic, evals.metrics)"


# --- reading test cases -----------------------------------------------------------------------
class InvalidPredictionError(ValueError):
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
    expected = gold.model_dump_json(serialize_as_any=True) if isinstance(
        gold, ArticleSummary) else gold
    return LLMTestCase(input=article_text, actual_output=actual, expected_output=expected,
                       name=name)


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
class _ThresholdMetric(BaseMetric):
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


class _SummaryMetric(_ThresholdMetric):
    """Shared plumbing: parse the case, score it, set score / reason / success.

    Subclasses implement :meth:`_evaluate`. Scoring is pure Python and fast, so the async
    entry point just calls the sync one (``async_mode`` is False).
    """

    _needs_gold = True

    def __init__(self, threshold: float, *, strict_mode: bool = False,
                 include_reason: bool = True, verbose_mode: bool = False) -> None:
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

    def _score_case(self, pred: ArticleSummary,
                    test_case: LLMTestCase) -> tuple[ArticleScores, ArticleSummary]:
        gold = parse_gold(test_case)
        self.scores = score_article(pred, gold, test_case.input)
        return self.scores, gold

    def _evaluate(self, pred: ArticleSummary,
                  test_case: LLMTestCase) -> tuple[float, str, dict[str, Any]]:
        raise NotImplementedError


def _listing(label: str, labels: list[str]) -> str:
    if not labels:
        return ""
    shown = "; ".join(labels[:MAX_LISTED])
    more = f" and {len(labels) - MAX_LISTED} more" if len(labels) > MAX_LISTED else ""
    return f" {label}: {shown}{more}."


def _field_reason(field: str, fs: FieldScore, pred: ArticleSummary,
                  gold: ArticleSummary) -> str:
    missed = [describe_item(field, getattr(gold, field)[j]) for j in fs.missed]
    invented = [describe_item(field, getattr(pred, field)[i]) for i in fs.false_positives]
    return (
        f"{field}: F1 {fs.f1:.2f} (P {fs.precision:.2f}, R {fs.recall:.2f}; "
        f"{fs.tp} matched, {fs.fn} missed, {fs.fp} invented)."
        + _listing("Missed", missed) + _listing("Invented", invented)
    )


class FieldF1Metric(_SummaryMetric):
    """F1 of one field (parties, positions, dates or disputes) against the gold.

    The reason names the required gold items that were missed and the predicted items that
    matched nothing, so a failing assert says what to fix. ``score_breakdown`` carries P/R.
    """

    def __init__(self, field: str, threshold: float = 0.5, *, strict_mode: bool = False,
                 include_reason: bool = True, verbose_mode: bool = False) -> None:
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        self.field = field
        super().__init__(threshold, strict_mode=strict_mode, include_reason=include_reason,
                         verbose_mode=verbose_mode)

    def _evaluate(self, pred: ArticleSummary,
                  test_case: LLMTestCase) -> tuple[float, str, dict[str, Any]]:
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

    def __init__(self, threshold: float = 0.5, *, strict_mode: bool = False,
                 include_reason: bool = True, verbose_mode: bool = False) -> None:
        super().__init__(threshold, strict_mode=strict_mode, include_reason=include_reason,
                         verbose_mode=verbose_mode)

    def _evaluate(self, pred: ArticleSummary,
                  test_case: LLMTestCase) -> tuple[float, str, dict[str, Any]]:
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

    def __init__(self, threshold: float = 0.9, *, strict_mode: bool = False,
                 include_reason: bool = True, verbose_mode: bool = False) -> None:
        super().__init__(threshold, strict_mode=strict_mode, include_reason=include_reason,
                         verbose_mode=verbose_mode)

    def _evaluate(self, pred: ArticleSummary,
                  test_case: LLMTestCase) -> tuple[float, str, dict[str, Any]]:
        text = test_case.input
        quotes = iter_evidence(pred)
        bad = [(field, i, ev) for field, i, ev in quotes if text[ev.start:ev.end] != ev.quote]
        rate = grounding_rate(pred, text)
        reason = (f"{len(quotes) - len(bad)} of {len(quotes)} evidence quotes found at their "
                  "offsets." if quotes else "No evidence quotes (nothing to misquote).")
        reason += _listing("Not at their offsets",
                           [f"{field}[{i}] {ev.quote!r} @{ev.start}" for field, i, ev in bad])
        return rate, reason, {"quotes": len(quotes), "ungrounded": len(bad)}

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return "Grounding"


def default_metrics(threshold: float = 0.5) -> list[BaseMetric]:
    """The four field F1 metrics, macro F1 and grounding: what a suite gates on."""
    metrics: list[BaseMetric] = [FieldF1Metric(f, threshold) for f in FIELDS]
    return [*metrics, MacroF1Metric(threshold), GroundingMetric()]


# --- the optional LLM judge -------------------------------------------------------------------
class _FreeText(BaseModel):
    text: str


class StructuredJudgeModel(DeepEvalBaseLLM):
    """A deepeval judge model backed by one of our :class:`StructuredBackend` instances.

    deepeval asks its judge for JSON matching a pydantic schema; small local models often
    emit invalid JSON when merely asked. Going through ``backend.generate(messages,
    schema, purpose="judge", max_retries=...)`` gets schema-constrained decoding where the
    backend has it, validation with re-asks, and a :class:`CallRecord` for every attempt
    (kept in :attr:`calls`, so a run can count the judge's cost). GEval's ``ReasonScore``
    is tightened to an integer within the rubric's range, so a constrained decoder cannot
    emit 85 on a 0-10 scale. A call without a schema is answered as ``{"text": ...}`` and
    returned as the text.

    ``a_generate`` runs synchronously: an in-process model must not generate from two
    threads at once (see STACK_NOTES on thread oversubscription).
    """

    def __init__(self, backend: StructuredBackend, *, max_retries: int = 2,
                 max_tokens: int | None = 512,
                 score_range: tuple[int, int] = (0, 10)) -> None:
        self.backend = backend
        self.max_retries = max_retries
        self.max_tokens = max_tokens
        self.calls: list[CallRecord] = []
        self._bounded_reason_score = create_model(
            "ReasonScore",
            __base__=ReasonScore,
            score=(int, Field(ge=score_range[0], le=score_range[1])),
        )
        super().__init__(model=backend.model_id)

    def load_model(self, *args: Any, **kwargs: Any) -> StructuredBackend:
        return self.backend

    def generate(self, prompt: Any, schema: type[BaseModel] | None = None,
                 **kwargs: Any) -> Any:
        response_model: type[BaseModel] = schema or _FreeText
        if response_model is ReasonScore:
            response_model = self._bounded_reason_score
        if isinstance(prompt, str):
            content = prompt
        elif isinstance(prompt, list):  # deepeval's multimodal prompts: text parts only here
            content = "\n".join(str(part) for part in prompt)
        else:
            content = str(prompt)
        result = self.backend.generate(
            [{"role": "user", "content": content}],
            response_model,
            purpose="judge",
            max_retries=self.max_retries,
            max_tokens=self.max_tokens,
        )
        self.calls.extend(result.calls)
        value = result.value
        if not isinstance(value, response_model):
            value = response_model.model_validate(value)
        if schema is None:
            return value.text  # type: ignore[attr-defined]
        return value

    async def a_generate(self, prompt: Any, schema: type[BaseModel] | None = None,
                         **kwargs: Any) -> Any:
        return self.generate(prompt, schema=schema, **kwargs)

    def get_model_name(self, *args: Any, **kwargs: Any) -> str:
        return self.backend.model_id


FAITHFULNESS_STEPS = [
    "Read the article in the input, then the headline and summary in the actual output.",
    "Check each claim of the headline and summary (who, did what, where, when, numbers, "
    "who said what) against the article.",
    "Lower the score for every claim the article does not support or contradicts, and for "
    "any statement attributed to the wrong party.",
    "Do not lower the score for omissions or for paraphrase: judge only whether what is "
    "stated is supported by the article.",
]


class FaithfulnessJudgeMetric(_ThresholdMetric):
    """LLM-judged faithfulness of the prediction's headline and summary to the article.

    Reads the same test case as the deterministic metrics, but shows the judge only the
    article and the headline + summary (not the whole JSON: short prompts are what a small
    local judge can handle). Scoring is GEval's (0-10 scaled to 0-1) with fixed evaluation
    steps, so no call is spent generating them. The judge's model id is in the metric's
    name, ``evaluation_model``, ``score_breakdown`` and reason: a judge score means nothing
    without the judge that gave it.
    """

    def __init__(self, backend: StructuredBackend, *, threshold: float = 0.5,
                 max_retries: int = 2, max_tokens: int | None = 512) -> None:
        self.judge = StructuredJudgeModel(backend, max_retries=max_retries,
                                          max_tokens=max_tokens)
        self.judge_model = backend.model_id
        self.geval = GEval(
            name="Faithfulness",
            evaluation_params=[SingleTurnParams.INPUT, SingleTurnParams.ACTUAL_OUTPUT],
            evaluation_steps=FAITHFULNESS_STEPS,
            model=self.judge,
            threshold=threshold,
            async_mode=False,
        )
        self.threshold = threshold
        self.async_mode = False
        self.include_reason = True
        self.strict_mode = False
        self.evaluation_model = self.judge_model

    def measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float:
        self.error = None
        self.score_breakdown = {"judge": self.judge_model}
        if not test_case.input:
            raise MissingTestCaseParamsError("input (the article text) is missing")
        try:
            pred = parse_prediction(test_case)
        except InvalidPredictionError as exc:
            self.score = 0.0
            self.reason = f"[judge: {self.judge_model}] not judged: no valid prediction: {exc}."
            self.success = self.is_successful()
            return 0.0
        judged = LLMTestCase(
            input=test_case.input,
            actual_output=f"Headline: {pred.headline}\nSummary: {pred.summary}",
        )
        self.geval.measure(judged, _show_indicator=False)
        self.score = self.geval.score
        self.error = self.geval.error
        self.reason = f"[judge: {self.judge_model}] {self.geval.reason}"
        self.success = self.is_successful()
        return float(self.score or 0.0)


    @property
    def __name__(self) -> str:  # type: ignore[override]
        return f"Faithfulness [judge: {self.judge_model}]"


def make_faithfulness_judge(backend: StructuredBackend, *, threshold: float = 0.5,
                            max_retries: int = 2,
                            max_tokens: int | None = 512) -> FaithfulnessJudgeMetric:
    """The optional LLM-judged faithfulness metric, judged by ``backend``.

    Not part of :func:`default_metrics` and never run by default: it needs a model, and a
    small local judge is not reliable enough to gate anything.
    """
    return FaithfulnessJudgeMetric(backend, threshold=threshold, max_retries=max_retries,
                                   max_tokens=max_tokens)


__all__ = [
    "FAITHFULNESS_STEPS",
    "FaithfulnessJudgeMetric",
    "FieldF1Metric",
    "GroundingMetric",
    "InvalidPredictionError",
    "MacroF1Metric",
    "StructuredJudgeModel",
    "default_metrics",
    "make_faithfulness_judge",
    "make_test_case",
    "parse_gold",
    "parse_prediction",
]
