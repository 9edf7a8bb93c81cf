"""The deepeval face of the metrics: deterministic metrics through ``assert_test``, and the
optional judge wrapper driven by a scripted stand-in for a backend (no model, no network).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from evals.metrics.deepeval_metrics import (
    FieldF1Metric,
    GroundingMetric,
    MacroF1Metric,
    default_metrics,
    make_test_case,
    parse_gold,
)
from evals.metrics.judge import (
    FaithfulnessJudgeMetric,
    StructuredJudgeModel,
    make_faithfulness_judge,
)
from summarize.core.backend import CallRecord, StructuredBackend, StructuredResult
from summarize.core.schema import ArticleSummary, DateRef, Evidence, Party, Position
from tests.helpers.paths import ROOT

ARTICLE = (
    "BUDAPEST, July 8, 2024 - Hungarian Prime Minister Viktor Orbán met Chinese President "
    "Xi Jinping in Beijing on Monday. Xi said China supports an early ceasefire in Ukraine. "
    "The US State Department said it was concerned by the meeting."
)


def ev(quote: str) -> Evidence:
    start = ARTICLE.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


class OptionalDate(DateRef):
    required: bool = True


def gold_summary() -> ArticleSummary:
    return ArticleSummary(
        headline="Orban meets Xi in Beijing",
        summary="Viktor Orban met Xi Jinping in Beijing; the US voiced concern.",
        parties=[
            Party(name="Viktor Orban", kind="person", evidence=[ev("Viktor Orbán met Chinese")]),
            Party(
                name="Xi Jinping",
                kind="person",
                aliases=["Xi"],
                evidence=[ev("President Xi Jinping in Beijing")],
            ),
            Party(
                name="United States",
                kind="state",
                aliases=["US"],
                evidence=[ev("The US State Department said")],
            ),
        ],
        positions=[
            Position(
                party="Xi Jinping",
                topic="ceasefire in Ukraine",
                stance="supports an early ceasefire",
                polarity="support",
                evidence=[ev("China supports an early ceasefire in Ukraine")],
            )
        ],
        dates=[
            DateRef(
                value="2024-07-08",
                text="on Monday",
                event="Orban met Xi",
                evidence=[ev("in Beijing on Monday.")],
            ),
            OptionalDate(
                value="2024-07-08",
                text="July 8, 2024",
                event="dateline",
                evidence=[ev("BUDAPEST, July 8, 2024")],
                required=False,
            ),
        ],
    )


def bad_prediction() -> ArticleSummary:
    return ArticleSummary(
        headline="Orban visits Beijing",
        summary="Orban went to Beijing.",
        parties=[
            Party(name="Orbn", kind="person", evidence=[ev("Viktor Orbán met Chinese")]),
            Party(name="Belarus", kind="state", evidence=[ev("The US State Department said")]),
        ],
        dates=[
            DateRef(
                value="2024-07",
                text="on Monday",
                event="meeting",
                evidence=[ev("in Beijing on Monday.")],
            )
        ],
    )


# --- test cases -------------------------------------------------------------------------------
def test_make_test_case_keeps_required_flags_of_subclassed_gold_items() -> None:
    case = make_test_case(ARTICLE, gold_summary(), gold_summary())
    assert json.loads(case.expected_output or "")["dates"][1]["required"] is False
    assert "required" not in (case.actual_output or "")  # the prediction is a plain summary
    gold = parse_gold(case)
    assert getattr(gold.dates[1], "required", True) is False
    assert getattr(gold.dates[0], "required", True) is True
    assert case.input == ARTICLE


def test_gold_can_be_given_as_json_with_bookkeeping_fields() -> None:
    gold = json.loads(gold_summary().model_dump_json())
    gold["article"] = "000_seed.txt"  # evals.gold keeps the article's file name at the top
    case = make_test_case(ARTICLE, gold_summary(), json.dumps(gold))
    assert FieldF1Metric("parties").measure(case) == 1.0


# --- deterministic metrics through deepeval ---------------------------------------------------
@pytest.mark.parametrize("run_async", [True, False])
def test_assert_test_passes_for_a_perfect_prediction(run_async: bool) -> None:
    from deepeval import assert_test

    case = make_test_case(ARTICLE, gold_summary(), gold_summary())
    metrics = default_metrics()
    assert_test(case, metrics, run_async=run_async)
    if not run_async:  # the async path measures copies of the metrics
        assert all(m.score == 1.0 and m.success for m in metrics)


def test_assert_test_fails_for_a_bad_prediction() -> None:
    from deepeval import assert_test

    case = make_test_case(ARTICLE, bad_prediction(), gold_summary())
    with pytest.raises(AssertionError) as info:
        assert_test(case, [FieldF1Metric("parties", threshold=0.9), MacroF1Metric()])
    message = str(info.value)
    assert "Parties F1" in message
    assert "Xi Jinping" in message  # the reason names what was missed


def test_field_metric_reason_names_missed_and_invented_items() -> None:
    case = make_test_case(ARTICLE, bad_prediction(), gold_summary())
    metric = FieldF1Metric("parties")
    score = metric.measure(case)
    # Orbn = Viktor Orban; Belarus invented; Xi Jinping and United States missed
    assert score == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert metric.success is False
    assert metric.reason is not None
    assert "Missed: Xi Jinping; United States." in metric.reason
    assert "Invented: Belarus." in metric.reason
    assert metric.score_breakdown == {
        "precision": 0.5,
        "recall": pytest.approx(1 / 3),
        "f1": pytest.approx(score),
    }
    dates = FieldF1Metric("dates")
    assert dates.measure(case) == 0.0  # "2024-07" is less precise than the gold day
    assert dates.reason is not None and "'2024-07' (meeting)" in dates.reason


def test_macro_metric_scores_the_mean_of_the_fields() -> None:
    case = make_test_case(ARTICLE, bad_prediction(), gold_summary())
    metric = MacroF1Metric()
    score = metric.measure(case)
    assert metric.scores is not None
    assert score == pytest.approx(metric.scores.macro_f1)
    assert set(metric.score_breakdown) == {"parties", "positions", "dates", "disputes"}
    assert metric.score_breakdown["disputes"] == 1.0  # none predicted, none in gold


@pytest.mark.parametrize("prediction", [None, "", "not json", '{"headline": "x"}'])
def test_an_invalid_prediction_scores_zero_with_a_reason(prediction: str | None) -> None:
    case = make_test_case(ARTICLE, prediction, gold_summary())
    for metric in (FieldF1Metric("dates"), MacroF1Metric(), GroundingMetric()):
        assert metric.measure(case) == 0.0
        assert metric.success is False
        assert metric.reason is not None and metric.reason.startswith("No valid prediction")


def test_an_invalid_gold_raises() -> None:
    case = make_test_case(ARTICLE, gold_summary(), '{"headline": "only a headline"}')
    with pytest.raises(ValueError, match="gold"):
        FieldF1Metric("parties").measure(case)
    with pytest.raises(ValueError, match="gold"):
        FieldF1Metric("parties").measure(make_test_case(ARTICLE, None, "{}"))


def test_grounding_metric_reports_misquoted_offsets() -> None:
    pred = gold_summary()
    quote = "Viktor Orbán met Chinese"
    start = ARTICLE.index(quote) + 2
    pred.parties[0].evidence = [Evidence(quote=quote, start=start, end=start + len(quote))]
    metric = GroundingMetric()
    score = metric.measure(make_test_case(ARTICLE, pred, gold_summary()))
    assert score == pytest.approx(5 / 6)
    assert metric.success is False  # below the default 0.9
    assert metric.reason is not None and "'Viktor Orbán met Chinese'" in metric.reason
    assert metric.score_breakdown == {"quotes": 6, "ungrounded": 1}


def test_grounding_metric_needs_no_gold() -> None:
    case = make_test_case(ARTICLE, gold_summary(), "")
    assert GroundingMetric().measure(case) == 1.0


def test_metric_names_and_unknown_field() -> None:
    assert [m.__name__ for m in default_metrics()] == [
        "Parties F1",
        "Positions F1",
        "Dates F1",
        "Disputes F1",
        "Macro F1",
        "Grounding",
    ]
    with pytest.raises(ValueError, match="unknown field"):
        FieldF1Metric("headline")


def test_strict_mode_requires_a_perfect_score() -> None:
    case = make_test_case(ARTICLE, bad_prediction(), gold_summary())
    metric = FieldF1Metric("parties", threshold=0.1, strict_mode=True)
    metric.measure(case)
    assert metric.threshold == 1.0 and metric.success is False


def test_importing_the_metrics_turns_deepeval_offline_by_itself() -> None:
    """In a process whose environment has none of the settings (the conftest sets them for
    the tests, so checking os.environ here would prove nothing), the import sets them."""
    names = ("DEEPEVAL_TELEMETRY_OPT_OUT", "DEEPEVAL_DISABLE_DOTENV", "DEEPEVAL_NO_INSPECT_PROMPT")
    code = (
        "import os, evals.metrics.deepeval_metrics; "
        f"print(','.join(os.environ.get(n, '') for n in {names!r}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in names}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip().splitlines()[-1] == "1,1,1"


def test_the_deterministic_metrics_module_does_not_import_deepeval() -> None:
    code = "import sys, evals.metrics; assert 'deepeval' not in sys.modules"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


# --- the judge wrapper ------------------------------------------------------------------------
class ScriptedBackend:
    """Implements the StructuredBackend protocol; returns scripted values, records calls."""

    model_id = "fake/judge-0"

    def __init__(self, *values: Any) -> None:
        self.values = list(values)
        self.requests: list[dict[str, Any]] = []

    def generate(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> StructuredResult:
        self.requests.append(
            {
                "messages": messages,
                "response_model": response_model,
                "purpose": purpose,
                "max_retries": max_retries,
                "max_tokens": max_tokens,
            }
        )
        value = response_model.model_validate(self.values.pop(0))
        call = CallRecord(
            purpose=purpose, model=self.model_id, mode="scripted", attempt=1, ok=True, latency_s=0.0
        )
        return StructuredResult(value=value, calls=[call], raw_output=value.model_dump_json())

    def describe(self) -> dict[str, Any]:
        return {"model": self.model_id}


def test_scripted_backend_satisfies_the_protocol() -> None:
    assert isinstance(ScriptedBackend(), StructuredBackend)


def test_faithfulness_judge_scores_through_the_backend() -> None:
    backend = ScriptedBackend({"reason": "Every claim is in the article.", "score": 9})
    judge = make_faithfulness_judge(backend)
    assert isinstance(judge, FaithfulnessJudgeMetric)
    score = judge.measure(make_test_case(ARTICLE, gold_summary(), gold_summary()))
    assert score == pytest.approx(0.9)
    assert judge.success is True
    assert judge.reason == "[judge: fake/judge-0] Every claim is in the article."
    assert judge.__name__ == "Faithfulness [judge: fake/judge-0]"
    assert judge.evaluation_model == "fake/judge-0"
    assert judge.score_breakdown == {"judge": "fake/judge-0"}

    (request,) = backend.requests
    assert request["purpose"] == "judge" and request["max_retries"] == 2
    prompt = request["messages"][0]["content"]
    assert ARTICLE in prompt
    assert "Headline: Orban meets Xi in Beijing" in prompt
    assert '"evidence"' not in prompt  # the judge sees headline + summary, not the JSON
    assert len(judge.judge.calls) == 1


def test_judge_schema_bounds_the_score_to_the_rubric() -> None:
    backend = ScriptedBackend({"reason": "r", "score": 85})
    judge = make_faithfulness_judge(backend)
    with pytest.raises(ValidationError):
        judge.measure(make_test_case(ARTICLE, gold_summary(), gold_summary()))


def test_judge_through_assert_test_fails_a_low_score() -> None:
    from deepeval import assert_test

    backend = ScriptedBackend({"reason": "The headline invents a summit.", "score": 2})
    case = make_test_case(ARTICLE, gold_summary(), gold_summary())
    with pytest.raises(AssertionError, match=r"judge: fake/judge-0"):
        assert_test(case, [make_faithfulness_judge(backend)], run_async=False)


def test_judge_skips_the_model_for_an_invalid_prediction() -> None:
    backend = ScriptedBackend()
    judge = make_faithfulness_judge(backend)
    assert judge.measure(make_test_case(ARTICLE, None, gold_summary())) == 0.0
    assert judge.success is False
    assert backend.requests == []


def test_judge_model_wrapper_answers_free_text_and_schemas() -> None:
    class Verdict(BaseModel):
        verdict: str

    backend = ScriptedBackend({"text": "plain answer"}, {"verdict": "yes"})
    model = StructuredJudgeModel(backend, max_retries=1, max_tokens=64)
    assert model.get_model_name() == "fake/judge-0"
    assert model.load_model() is backend
    assert model.generate("say something") == "plain answer"
    assert model.generate("decide", schema=Verdict) == Verdict(verdict="yes")
    assert [r["max_retries"] for r in backend.requests] == [1, 1]
    assert [r["max_tokens"] for r in backend.requests] == [64, 64]
    assert len(model.calls) == 2
