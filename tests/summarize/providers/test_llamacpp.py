"""The embedded backend really constrains decoding with a grammar built from the schema.

instructor's JSON_SCHEMA mode sends a response_format that llama-cpp-python ignores; the
backend rewrites it. The fast test pins the rewrite on the full instructor path; the slow
test proves, on the real model, that output is forced into a shape the model would never
produce by itself — and that without the rewrite it is not.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from summarize.core.draft import SummaryDraft
from summarize.providers.llamacpp import LlamaCppBackend, constrain_response_format


class RecordingLlama:
    """Stands in for llama_cpp.Llama: records the request, answers valid JSON."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        return ChatCompletion.model_validate(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": json.dumps(self.answer)},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
        ).model_dump()


def test_json_schema_mode_reaches_llama_as_a_schema_grammar(tmp_path) -> None:
    llama = RecordingLlama({"headline": "h", "summary": "s"})
    backend = LlamaCppBackend("local/test", tmp_path / "m.gguf", llama=llama)
    result = backend.generate(
        [{"role": "user", "content": "x"}], SummaryDraft, purpose="extract", max_retries=0
    )
    assert result.value.headline == "h"
    response_format = llama.requests[0]["response_format"]
    assert response_format["type"] == "json_object"
    schema = response_format["schema"]
    assert set(schema["properties"]) >= {"parties", "positions", "dates", "disputes"}
    assert result.calls[0].prompt_tokens == 10 and result.calls[0].ok


def test_rewrite_leaves_other_forms_alone() -> None:
    assert constrain_response_format({"x": 1}) == {"x": 1}
    plain = {"response_format": {"type": "json_object"}}
    assert constrain_response_format(plain) == plain


class Secret(BaseModel):
    code: Literal["zq-4417-xv"]
    count: int


@pytest.mark.slow
def test_real_model_output_is_forced_by_the_grammar() -> None:
    from summarize.providers.registry import FAST_MODEL, resolve_backend

    backend = resolve_backend(FAST_MODEL)
    messages = [{"role": "user", "content": "Say hello in one word."}]
    result = backend.generate(messages, Secret, purpose="test", max_retries=0, max_tokens=40)
    assert result.value.code == "zq-4417-xv"
    # llama.cpp's counters split the call's cost: prompt computed vs cached, and seconds
    call = result.calls[0]
    assert 0 < call.prefilled_tokens <= call.prompt_tokens
    assert call.prefill_s > 0 and call.decode_s > 0
    assert call.prefill_s + call.decode_s <= call.latency_s
    again = backend.generate(messages, Secret, purpose="test", max_retries=0, max_tokens=40)
    assert again.calls[0].cached_tokens > 0  # the same prompt's prefix came from the KV cache

    # Control: the same request with the json_schema form llama.cpp ignores is unconstrained.
    schema = Secret.model_json_schema()
    raw = backend.llama.create_chat_completion_openai_v1(
        messages=messages,
        max_tokens=20,
        temperature=0.0,
        response_format={"type": "json_schema", "json_schema": {"name": "S", "schema": schema}},
    )
    assert "zq-4417-xv" not in (raw.choices[0].message.content or "")


@pytest.mark.slow
def test_grammar_checked_last_decodes_the_same_tokens() -> None:
    """The fast sampler (grammar checked on the model's best token first) is an optimisation
    only: under greedy decoding it must produce exactly what the library's sampler does."""
    from summarize.passes.attributed_v1 import AttributedLabel
    from summarize.passes.overview_v1 import OverviewDraft
    from summarize.providers.registry import FAST_MODEL, resolve_backend

    text = "The union rejected the mayor's plan to close the bridge on Monday, citing jobs."
    messages = [{"role": "user", "content": f"Article: {text}\nDescribe its main statement."}]
    outputs = {}
    for grammar_last in (False, True):
        backend = resolve_backend(FAST_MODEL, grammar_last=grammar_last)
        for shape in (AttributedLabel, OverviewDraft, Secret):
            result = backend.generate(
                messages, shape, purpose="test", max_retries=0, max_tokens=400
            )  # room for the longest overview
            outputs[grammar_last, shape.__name__] = result.calls[-1].raw_output
    for shape in ("AttributedLabel", "OverviewDraft", "Secret"):
        assert outputs[True, shape] == outputs[False, shape]
    assert "zq-4417-xv" in outputs[True, "Secret"]  # and the grammar still binds
