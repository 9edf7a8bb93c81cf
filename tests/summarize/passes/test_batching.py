"""Several questions of one pass asked together: every answer kept in order, a bad answer
costs only itself, and the embedded model's batch leaves the KV cache as it found it."""

from __future__ import annotations

import pytest

from summarize.core.ledger import Ledger
from summarize.errors import OutputValidationError
from summarize.passes import PassContext
from summarize.passes.attributed_v1 import AttributedLabel
from summarize.prompting import load_prompt
from summarize.providers.fake import FakeBackend
from summarize.reading import read_article

ARTICLE = (
    "The union rejected the mayor's plan to close the bridge, saying jobs were at "
    "stake. The mayor said the bridge was unsafe."
)
GOOD = {"topic": "the plan to close the bridge", "stance": "Rejects it.", "polarity": "oppose"}


def context(backend) -> PassContext:
    return PassContext(
        backend=backend,
        prompt=load_prompt("summary/v8"),
        ledger=Ledger(),
        reading=read_article(ARTICLE),
        variables={"article": ARTICLE, "published": None},
        max_retries=0,
        max_tokens=200,
    )


def test_answers_come_back_in_order_and_a_bad_one_costs_only_itself() -> None:
    # the second question's answer is not JSON (max_retries=0: no re-ask)
    backend = FakeBackend("script", script=[GOOD, "not json", {**GOOD, "polarity": "none"}])
    ctx = context(backend)
    questions = [{"speaker": s, "sentence": ARTICLE} for s in ("union", "mayor", "council")]
    answers = ctx.ask_many("attributed.j2", AttributedLabel, questions, purpose="attributed")
    assert [a.polarity if a else None for a in answers] == ["oppose", None, "none"]
    assert [c.ok for c in ctx.ledger.calls] == [True, False, True]  # the failure is paid for
    # each request carried its own speaker and sentence after the one shared article
    prompts = [
        next(m["content"] for m in r["messages"] if m["role"] == "user") for r in backend.requests
    ]
    assert [
        f"reported from {s}." in p
        for p, s in zip(prompts, ("union", "mayor", "council"), strict=True)
    ] == [True, True, True]
    assert len({p.split(">>>")[0] for p in prompts}) == 1  # one article prefix for all


class OneByOne:
    """A backend without batching: only ``generate``."""

    model_id = "test/one-by-one"

    def __init__(self) -> None:
        self.asked = 0

    def generate(self, messages, response_model, *, purpose, max_retries, max_tokens=None):
        from summarize.core.backend import CallRecord, StructuredResult

        self.asked += 1
        if "reported from mayor." in messages[-1]["content"]:
            raise OutputValidationError("bad answer")
        record = CallRecord(
            purpose=purpose, model=self.model_id, mode="x", attempt=1, ok=True, latency_s=0.0
        )
        return StructuredResult(value=response_model(**GOOD), calls=[record])

    def describe(self):
        return {"model": self.model_id}


def test_a_backend_without_batching_is_asked_in_turn() -> None:
    backend = OneByOne()
    ctx = context(backend)
    questions = [{"speaker": s, "sentence": ARTICLE} for s in ("union", "mayor")]
    answers = ctx.ask_many("attributed.j2", AttributedLabel, questions, purpose="attributed")
    assert backend.asked == 2
    assert answers[0].polarity == "oppose" and answers[1] is None


def test_common_prefix() -> None:
    from summarize.providers.llamacpp_batch import common_prefix

    assert common_prefix([[1, 2, 3], [1, 2, 4], [1, 2]]) == 2
    assert common_prefix([[5, 6], [5, 6]]) == 2
    assert common_prefix([[1], [2]]) == 0


@pytest.mark.slow
def test_the_embedded_batch_answers_every_request_and_keeps_the_prefix_cached() -> None:
    from summarize.providers.registry import FAST_MODEL, resolve_backend

    backend = resolve_backend(FAST_MODEL, parallel=True)
    ctx = context(backend)
    sentences = [
        "The union rejected the mayor's plan to close the bridge.",
        "The mayor said the bridge was unsafe.",
        "The council will vote on the plan next week.",
    ]
    questions = [
        {"speaker": s, "sentence": t}
        for s, t in zip(("the union", "the mayor", "the council"), sentences, strict=True)
    ]
    answers = ctx.ask_many(
        "attributed.j2", AttributedLabel, questions, purpose="attributed", max_tokens=96
    )
    assert all(isinstance(a, AttributedLabel) for a in answers)
    calls = ctx.ledger.calls
    assert [c.mode for c in calls] == ["json_schema (batched)"] * 3
    assert all(c.cached_tokens > 0 for c in calls[1:])  # the shared prefix computed once
    # sequence 0 still holds the article and instructions: an ordinary call reuses them
    after = ctx.ask(
        "attributed.j2", AttributedLabel, purpose="attributed", max_tokens=96, **questions[0]
    )
    assert isinstance(after, AttributedLabel)
    assert ctx.ledger.calls[-1].cached_tokens >= calls[1].cached_tokens
