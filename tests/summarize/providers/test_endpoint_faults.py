"""The openai/... backend against real HTTP faults, served on 127.0.0.1 by ``FaultServer``.

Why: the retry, timeout and mode-fallback logic of ``summarize.providers.base`` is only as
good as its reading of how the openai client reports each fault. Here the real client talks
to a real socket that refuses, hangs, drops, rate-limits, answers garbage or refuses a
structured-output form, and every test checks both the outcome (a typed error saying what
happened, or a success) and how many requests the server actually saw. No model is loaded;
every wait is capped; each test takes well under a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from summarize.core.draft import SummaryDraft
from summarize.errors import (
    BackendError,
    EndpointError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    SummarizeError,
)
from summarize.providers import registry
from summarize.providers.base import RetryPolicy
from summarize.providers.openai_compat import OpenAICompatBackend
from tests.helpers.fault_server import (
    ALL_MODES,
    MAX_SLEEP_S,
    FaultServer,
    drop,
    hang,
    invalid_schema,
    keep_requests_local,
    malformed,
    ok,
    refuse_mode,
    refusing_port,
    status,
)
from tests.helpers.paths import ROOT

REPO = ROOT
POLICY = RetryPolicy(
    max_attempts=3, initial_wait_s=0.01, max_wait_s=0.05, request_timeout_s=1.0, max_total_s=10
)
MESSAGES = [
    {"role": "system", "content": "Extract the facts as JSON."},
    {"role": "user", "content": "Mayor Ana Lopez said on Monday the bridge will close."},
]


class Tiny(BaseModel):
    """A schema small enough that violating it is easy to write down."""

    name: str
    count: int


GOOD = {"name": "Ana Lopez", "count": 2}
DRAFT = {
    "headline": "Bridge to close",
    "summary": "The mayor will close the bridge.",
    "event_location": None,
    "parties": [
        {
            "name": "Ana Lopez",
            "kind": "person",
            "role": "mayor",
            "aliases": [],
            "quote": "Mayor Ana Lopez said on Monday",
        }
    ],
    "positions": [],
    "dates": [],
    "disputes": [],
}


@pytest.fixture(autouse=True)
def _local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    keep_requests_local(monkeypatch)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


def backend_for(url: str, policy: RetryPolicy = POLICY) -> OpenAICompatBackend:
    return OpenAICompatBackend("fake", base_url=url, api_key="sk-test", retry=policy)


def generate(backend: OpenAICompatBackend, model: type[BaseModel] = Tiny) -> Any:
    return backend.generate(MESSAGES, model, purpose="extract", max_retries=1)


def count_completes(backend: OpenAICompatBackend, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count raw requests made, where no server exists to count them (connection refused)."""
    seen: list[int] = []
    original = backend._complete

    def counting(**kwargs: Any) -> Any:
        seen.append(1)
        return original(**kwargs)

    monkeypatch.setattr(backend, "_complete", counting)
    return seen


# --- transport faults -------------------------------------------------------------------------
def test_connection_refused_gives_up_after_the_policy_s_tries(monkeypatch) -> None:
    with refusing_port() as port:
        backend = backend_for(f"http://127.0.0.1:{port}/v1")
        tries = count_completes(backend, monkeypatch)
        started = time.monotonic()
        with pytest.raises(EndpointError) as info:
            generate(backend)
    assert "could not reach" in str(info.value)
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "3 tries" in str(info.value)
    assert info.value.attempts == 3
    assert len(tries) == 3
    assert time.monotonic() - started < 30


def test_two_5xx_then_ok_succeeds_and_the_ledger_keeps_the_failed_tries(server) -> None:
    server.enqueue(status(500), status(503), ok(DRAFT))
    result = generate(backend_for(server.base_url), SummaryDraft)
    assert isinstance(result.value, SummaryDraft)
    assert result.value.parties[0].name == "Ana Lopez"
    assert [c.ok for c in result.calls] == [False, False, True]
    assert [c.attempt for c in result.calls] == [1, 2, 3]
    assert "HTTP 500" in (result.calls[0].error or "")
    assert "HTTP 503" in (result.calls[1].error or "")
    assert result.calls[2].prompt_tokens and result.calls[2].completion_tokens
    assert len(server.requests) == 3
    assert all(r.headers["authorization"] == "Bearer sk-test" for r in server.requests)
    assert all(r.body and r.body["model"] == "fake" for r in server.requests)


def test_5xx_every_time_is_an_endpoint_error_after_three_tries(server) -> None:
    server.enqueue(status(500), status(500), status(500), ok(GOOD))
    with pytest.raises(EndpointError) as info:
        generate(backend_for(server.base_url))
    assert "HTTP 500" in str(info.value) and "3 tries" in str(info.value)
    assert info.value.attempts == 3
    assert len(server.requests) == 3
    assert server.pending == 1  # the ok was never reached: no 4th try


def test_429_is_retried_after_the_retry_after_hint(server) -> None:
    hint = 0.05  # > initial_wait_s (0.01): only the header explains a gap this long
    server.enqueue(status(429, retry_after=hint), ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [c.ok for c in result.calls] == [False, True]
    assert "429" in (result.calls[0].error or "")
    first, second = server.requests
    assert second.at - first.at >= hint


def test_a_huge_retry_after_is_capped_by_max_wait(server) -> None:
    server.enqueue(status(429, retry_after=3600), ok(GOOD))
    started = time.monotonic()
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    # capped at max_wait (0.05 s), not an hour: bounds that hold on a loaded 2-core machine
    assert time.monotonic() - started < 30
    assert len(server.requests) == 2


def test_an_http_date_retry_after_falls_back_to_backoff(server) -> None:
    server.enqueue(status(503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"), ok(GOOD))
    assert generate(backend_for(server.base_url)).value.model_dump() == GOOD
    assert len(server.requests) == 2


def test_429_every_time_says_rate_limited(server) -> None:
    server.enqueue(*[status(429, retry_after=0.01)] * 3)
    with pytest.raises(EndpointError, match="rate limiting") as info:
        generate(backend_for(server.base_url))
    assert info.value.attempts == 3
    assert len(server.requests) == 3


def test_a_hang_past_the_timeout_is_an_endpoint_error_in_bounded_time(server) -> None:
    server.enqueue(hang(5), hang(5), hang(5))
    started = time.monotonic()
    with pytest.raises(EndpointError, match="timeout") as info:
        generate(backend_for(server.base_url))
    elapsed = time.monotonic() - started
    assert info.value.attempts == 3
    assert len(server.requests) == 3
    # three 1 s timeouts plus the tiny backoffs, not three 5 s hangs (15 s)
    assert 2.9 <= elapsed < 3 * 5


def test_max_total_s_stops_retrying_a_hanging_endpoint_early(server) -> None:
    policy = RetryPolicy(
        max_attempts=5,
        initial_wait_s=0.01,
        max_wait_s=0.05,
        request_timeout_s=0.5,
        max_total_s=0.75,
    )
    server.enqueue(*[hang(5)] * 5)
    started = time.monotonic()
    with pytest.raises(EndpointError, match="timeout") as info:
        generate(backend_for(server.base_url, policy))
    # 0.5 s < 0.75 s, then 1.0 s >= 0.75 s: stop after two (three on a slow machine), never
    # all five
    assert 2 <= info.value.attempts <= 3
    assert len(server.requests) == info.value.attempts
    assert time.monotonic() - started < 5 * 0.5


def test_a_hang_then_ok_recovers(server) -> None:
    policy = RetryPolicy(
        max_attempts=3, initial_wait_s=0.01, max_wait_s=0.05, request_timeout_s=0.5, max_total_s=10
    )
    server.enqueue(hang(3), ok(GOOD))
    result = generate(backend_for(server.base_url, policy))
    assert result.value.model_dump() == GOOD
    assert "timeout" in (result.calls[0].error or "")
    assert len(server.requests) == 2


def test_a_connection_dropped_mid_body_is_retried_then_an_endpoint_error(server) -> None:
    server.enqueue(drop(), drop(), drop())
    with pytest.raises(EndpointError) as info:
        generate(backend_for(server.base_url))
    # it was reached: the message must not send the user off to check the URL
    assert "broke before the answer was complete" in str(info.value)
    assert "could not reach" not in str(info.value)
    assert info.value.attempts == 3
    assert len(server.requests) == 3


def test_a_dropped_connection_then_ok_succeeds(server) -> None:
    server.enqueue(drop(), ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [c.ok for c in result.calls] == [False, True]
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "bad",
    [
        malformed("application/json"),  # the client's json.loads fails
        malformed("text/html"),  # the client hands back the body as a str
        status(200, {}),  # JSON, but no choices
        status(200, {"choices": []}),
        status(200, {"error": {"message": "upstream overloaded"}}),
    ],
    ids=["not-json", "html", "empty-object", "no-choices", "error-in-200"],
)
def test_a_200_that_is_not_a_chat_completion_is_an_endpoint_fault(server, bad) -> None:
    """Before the fix this was an OutputValidationError blaming the model (and re-asked),
    or a bare ``BackendError: JSONDecodeError`` that named no endpoint."""
    server.enqueue(bad, bad, bad)
    with pytest.raises(EndpointError, match="not a chat completion") as info:
        generate(backend_for(server.base_url))
    assert server.base_url in str(info.value)
    assert info.value.attempts == 3
    assert len(server.requests) == 3


def test_a_malformed_200_then_ok_succeeds_and_is_logged_as_failed(server) -> None:
    server.enqueue(malformed(), ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [c.ok for c in result.calls] == [False, True]
    assert "not a chat completion" in (result.calls[0].error or "")


# --- the model's output -----------------------------------------------------------------------
def test_schema_violations_are_re_asked_then_an_output_validation_error(server) -> None:
    server.enqueue(invalid_schema({"name": 7}), invalid_schema({"nope": True}))
    with pytest.raises(OutputValidationError) as info:
        generate(backend_for(server.base_url))
    err = info.value
    assert err.attempts == 2  # max_retries=1: the first answer and one re-ask
    assert err.raw_output is not None and json.loads(err.raw_output) == {"nope": True}
    assert "Tiny" in str(err)
    first, second = server.requests
    assert first.body and second.body
    # the re-ask carries the validation error back to the model
    assert len(second.body["messages"]) > len(first.body["messages"])
    assert "count" in json.dumps(second.body["messages"])


def test_a_schema_violation_then_a_valid_answer_succeeds(server) -> None:
    server.enqueue(invalid_schema({"name": "x"}), ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [c.ok for c in result.calls] == [False, True]
    assert (result.calls[0].error or "").startswith("invalid output")
    assert result.raw_output == json.dumps(GOOD)


# --- structured-output forms ------------------------------------------------------------------
def test_refused_tools_fall_back_to_json_schema_and_the_choice_is_remembered(server) -> None:
    server.refuse("tools")
    server.enqueue(ok(GOOD), ok(GOOD))
    backend = backend_for(server.base_url)

    first = generate(backend)
    assert first.value.model_dump() == GOOD
    assert [r.mode for r in server.requests] == ["tools", "json_schema"]
    second_request = server.requests[1].body or {}
    assert second_request["response_format"]["type"] == "json_schema"
    assert "tools" not in second_request
    assert [(c.mode, c.ok) for c in first.calls] == [
        ("tool_call", False),
        ("json_schema_mode", True),
    ]
    assert backend.describe()["mode"] == "json_schema_mode"

    second = generate(backend)
    assert second.value.model_dump() == GOOD
    assert len(server.requests) == 3
    assert server.requests[2].mode == "json_schema"  # no wasted tools request this time
    assert [c.mode for c in second.calls] == ["json_schema_mode"]


def test_a_one_shot_tools_refusal_from_the_queue_behaves_the_same(server) -> None:
    server.enqueue(refuse_mode("tools"), ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [r.mode for r in server.requests] == ["tools", "json_schema"]


def test_a_llama_cpp_style_500_on_json_schema_is_a_refusal_not_a_retry(server) -> None:
    """llama_cpp.server answers 500 to json_schema: move on at once, do not retry 3 times."""
    server.refuse("tools", "json_schema")
    server.enqueue(ok(GOOD))
    result = generate(backend_for(server.base_url))
    assert result.value.model_dump() == GOOD
    assert [r.mode for r in server.requests] == ["tools", "json_schema", "json_object"]
    assert [c.mode for c in result.calls][-1] == "json_mode"


def test_a_server_that_refuses_every_form_is_unsupported(server) -> None:
    server.refuse(*ALL_MODES)
    with pytest.raises(StructuredOutputUnsupportedError) as info:
        generate(backend_for(server.base_url))
    message = str(info.value)
    for mode in ("tool_call", "json_schema_mode", "json_mode", "markdown_json_mode"):
        assert mode in message
    assert info.value.attempts == 4
    assert [r.mode for r in server.requests] == ["tools", "json_schema", "json_object", "plain"]


# --- fatal answers ----------------------------------------------------------------------------
@pytest.mark.parametrize("code", [401, 403])
def test_bad_credentials_fail_at_once_without_the_key(server, code) -> None:
    body = {"error": {"message": "Incorrect API key provided: sk-test.", "type": "auth"}}
    server.enqueue(status(code, body), ok(GOOD))
    with pytest.raises(BackendError) as info:
        generate(backend_for(server.base_url))
    assert not isinstance(info.value, EndpointError | OutputValidationError)
    assert f"HTTP {code}" in str(info.value)
    assert "sk-test" not in str(info.value)
    assert info.value.attempts == 1
    assert len(server.requests) == 1


def test_a_plain_400_is_fatal_and_shows_the_server_s_reason(server) -> None:
    server.enqueue(status(400, {"error": {"message": "context length exceeded"}}), ok(GOOD))
    with pytest.raises(BackendError, match="context length exceeded") as info:
        generate(backend_for(server.base_url))
    assert not isinstance(info.value, EndpointError)
    assert len(server.requests) == 1


# --- through the registry, configured by the environment --------------------------------------
@pytest.fixture
def clean_registry() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def test_the_fault_server_as_an_openai_model_from_the_environment(
    server, monkeypatch, clean_registry
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    backend = registry.resolve_backend("openai/fake", retry=POLICY)
    assert isinstance(backend, OpenAICompatBackend)
    assert registry.resolve_backend("openai/fake", retry=POLICY) is backend  # cached
    server.enqueue(status(500), ok(DRAFT))
    result = backend.generate(MESSAGES, SummaryDraft, purpose="extract", max_retries=1)
    assert isinstance(result.value, SummaryDraft)
    assert len(server.requests) == 2
    assert {r.headers["authorization"] for r in server.requests} == {"Bearer sk-from-env"}
    assert {(r.body or {}).get("model") for r in server.requests} == {"fake"}
    assert backend.describe()["endpoint"].startswith(server.base_url)
    assert all(c.model == "openai/fake" for c in result.calls)


# --- the library stays quiet ------------------------------------------------------------------
def test_failures_print_nothing_to_stderr_in_an_app_without_logging_config(server) -> None:
    """instructor logs each failure it hands back at ERROR; with no logging configured Python
    would print those lines to stderr, next to the CLI's own one-line error."""
    server.enqueue(
        status(500), status(500), status(500), invalid_schema({"x": 1}), invalid_schema({"x": 2})
    )
    script = textwrap.dedent(f"""
        from pydantic import BaseModel
        from summarize.errors import SummarizeError
        from summarize.providers.base import RetryPolicy
        from summarize.providers.openai_compat import OpenAICompatBackend

        class Tiny(BaseModel):
            name: str

        policy = RetryPolicy(max_attempts=3, initial_wait_s=0.01, max_wait_s=0.05,
                             request_timeout_s=1.0, max_total_s=10)
        backend = OpenAICompatBackend("fake", base_url={server.base_url!r}, api_key="sk-test",
                                      retry=policy)
        for _ in range(2):
            try:
                backend.generate([{{"role": "user", "content": "hi"}}], Tiny,
                                 purpose="extract", max_retries=1)
            except SummarizeError as exc:
                print(type(exc).__name__)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
    )
    assert proc.stdout.split() == ["EndpointError", "OutputValidationError"], proc.stderr
    assert proc.stderr == ""
    assert len(server.requests) == 5


# --- the fault server itself ------------------------------------------------------------------
def test_the_fault_server_stops_promptly_even_while_a_request_hangs() -> None:
    server = FaultServer([hang(MAX_SLEEP_S)]).start()
    try:
        url = server.base_url + "/chat/completions"

        def poke() -> None:
            req = urllib.request.Request(
                url, data=b"{}", method="POST", headers={"Content-Type": "application/json"}
            )
            with contextlib.suppress(OSError):  # the server closes without answering
                urllib.request.urlopen(req, timeout=MAX_SLEEP_S + 1).read()

        client = threading.Thread(target=poke, daemon=True)
        client.start()
        deadline = time.monotonic() + 2
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.requests, "the request never arrived"
    finally:
        server.stop()
    client.join(timeout=10)
    assert not client.is_alive(), "the client hung on a dropped server"


def test_the_fault_server_refuses_to_sleep_past_its_cap() -> None:
    with pytest.raises(ValueError):
        hang(MAX_SLEEP_S + 1)


def test_an_unexpected_request_gets_a_loud_non_retryable_answer(server) -> None:
    """An under-filled queue must fail the test fast, not be retried into a timeout."""
    with pytest.raises(BackendError, match="queue is empty") as info:
        generate(backend_for(server.base_url))
    assert not isinstance(info.value, EndpointError)
    assert len(server.requests) == 1
    assert isinstance(info.value, SummarizeError)
