"""The optional LLM judge of a run, imported only when asked for (deepeval takes seconds)."""

from __future__ import annotations

from typing import Any

from summarize.core.schema import ArticleSummary


class Judge:
    """The optional LLM judge (deepeval GEval faithfulness); imported only when asked for."""

    def __init__(self, model: str) -> None:
        from evals.metrics.judge import make_faithfulness_judge
        from summarize.providers.registry import resolve_backend

        self.backend = resolve_backend(model)
        self.model_id = model  # the model string: what labels the scores and resumes the run
        self.metric = make_faithfulness_judge(self.backend)

    def judge(self, text: str, prediction: dict[str, Any]) -> dict[str, Any]:
        from evals.metrics.deepeval_metrics import make_test_case

        before = len(self.metric.judge.calls)
        out: dict[str, Any] = {"judge": self.model_id}
        try:
            case = make_test_case(text, ArticleSummary.model_validate(prediction), "")
            out["faithfulness"] = float(self.metric.measure(case))
            out["reason"] = self.metric.reason
            if self.metric.error:
                out["error"] = str(self.metric.error)
        except Exception as exc:  # a judge failure must not lose the record
            out["faithfulness"] = None
            out["error"] = f"{type(exc).__name__}: {exc}"
            failed_calls = list(getattr(exc, "calls", None) or [])
        else:
            failed_calls = []
        calls = [*self.metric.judge.calls[before:], *failed_calls]
        out["calls"] = [c.model_dump(mode="json") for c in calls]
        return out


__all__ = ["Judge"]
