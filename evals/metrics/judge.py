"""The optional LLM judge: faithfulness of a prediction's headline and summary to the article.

Never used by default and never gated on: a judge as small as the embedded 1.5B model scored
a faithful paraphrase 0.0 when measured. Every score is labelled with the judge that gave it,
and every judge call goes through a :class:`StructuredBackend`, so its cost is recorded.
"""

from __future__ import annotations

from typing import Any

from deepeval.errors import MissingTestCaseParamsError
from deepeval.metrics import GEval
from deepeval.metrics.g_eval.schema import ReasonScore
from deepeval.models import DeepEvalBaseLLM
from deepeval.test_case import LLMTestCase, SingleTurnParams
from pydantic import BaseModel, Field, create_model

from evals.metrics.deepeval_metrics import (
    InvalidPredictionError,
    ThresholdMetric,
    parse_prediction,
)
from summarize.core.backend import CallRecord, StructuredBackend


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
    threads at once (two generations on 2 cores make each many times slower).
    """

    def __init__(
        self,
        backend: StructuredBackend,
        *,
        max_retries: int = 2,
        max_tokens: int | None = 512,
        score_range: tuple[int, int] = (0, 10),
    ) -> None:
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

    def generate(self, prompt: Any, schema: type[BaseModel] | None = None, **kwargs: Any) -> Any:
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

    async def a_generate(
        self, prompt: Any, schema: type[BaseModel] | None = None, **kwargs: Any
    ) -> Any:
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


class FaithfulnessJudgeMetric(ThresholdMetric):
    """LLM-judged faithfulness of the prediction's headline and summary to the article.

    Reads the same test case as the deterministic metrics, but shows the judge only the
    article and the headline + summary (not the whole JSON: short prompts are what a small
    local judge can handle). Scoring is GEval's (0-10 scaled to 0-1) with fixed evaluation
    steps, so no call is spent generating them. The judge's model id is in the metric's
    name, ``evaluation_model``, ``score_breakdown`` and reason: a judge score means nothing
    without the judge that gave it.
    """

    def __init__(
        self,
        backend: StructuredBackend,
        *,
        threshold: float = 0.5,
        max_retries: int = 2,
        max_tokens: int | None = 512,
    ) -> None:
        self.judge = StructuredJudgeModel(backend, max_retries=max_retries, max_tokens=max_tokens)
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


def make_faithfulness_judge(
    backend: StructuredBackend,
    *,
    threshold: float = 0.5,
    max_retries: int = 2,
    max_tokens: int | None = 512,
) -> FaithfulnessJudgeMetric:
    """The optional LLM-judged faithfulness metric, judged by ``backend``.

    Not part of :func:`default_metrics` and never run by default: it needs a model, and a
    small local judge is not reliable enough to gate anything.
    """
    return FaithfulnessJudgeMetric(
        backend, threshold=threshold, max_retries=max_retries, max_tokens=max_tokens
    )


__all__ = [
    "FAITHFULNESS_STEPS",
    "FaithfulnessJudgeMetric",
    "StructuredJudgeModel",
    "make_faithfulness_judge",
]
