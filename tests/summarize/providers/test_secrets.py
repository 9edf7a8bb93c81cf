"""The API key never leaves the process except in the Authorization header.

Why this is a test and not a code-review note: the key reaches places nobody writes on
purpose. OpenAI echoes it back in its 401 body ("Incorrect API key provided: sk-..."), the
openai client puts that body in its exception message, our errors quote server bodies to
explain refusals, exceptions are chained, logged and stored by the eval harness, and the
call ledger is written to disk. So: a sentinel key, a server that echoes it in every error
body it can, and a check of every surface a user or a log file sees.
"""

from __future__ import annotations

import inspect
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from summarize.core.backend import CallRecord
from summarize.errors import BackendError, EndpointError
from summarize.providers import registry
from summarize.providers.base import RetryPolicy
from summarize.providers.openai_compat import OpenAICompatBackend
from tests.helpers.fault_server import (
    Behaviour,
    FaultServer,
    keep_requests_local,
    malformed,
    ok,
    status,
)

SENTINEL = "sk-SENTINEL-7f3a9c-do-not-leak"
POLICY = RetryPolicy(
    max_attempts=3, initial_wait_s=0.01, max_wait_s=0.05, request_timeout_s=1.0, max_total_s=10
)
MESSAGES = [{"role": "user", "content": "Mayor Ana Lopez said on Monday the bridge will close."}]
ECHO = {
    "error": {
        "message": f"Incorrect API key provided: {SENTINEL}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}


class Tiny(BaseModel):
    name: str
    count: int


GOOD = {"name": "Ana Lopez", "count": 2}

# (behaviours queued, what generate should end in: an error type or None for success)
SCENARIOS: dict[str, tuple[list[Behaviour], type[Exception] | None]] = {
    "401-echoing-the-key": ([status(401, ECHO)], BackendError),
    "400-echoing-the-key": ([status(400, ECHO)], BackendError),
    "500-echoing-the-key": ([status(500, ECHO)] * 3, EndpointError),
    "429-echoing-the-key": ([status(429, ECHO, retry_after=0.01)] * 3, EndpointError),
    "refusal-echoing-the-key": (
        [
            status(400, {"error": {"message": f"tools are not supported for key {SENTINEL}"}}),
            ok(GOOD),
        ],
        None,
    ),
    "html-200-echoing-the-key": (
        [malformed("text/html", f"<p>proxy: bad key {SENTINEL}</p>")] * 3,
        EndpointError,
    ),
    "success": ([ok(GOOD)], None),
}


@pytest.fixture(autouse=True)
def _local_only(monkeypatch: pytest.MonkeyPatch) -> None:
    keep_requests_local(monkeypatch)


@pytest.fixture
def sentinel_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    registry.clear_cache()
    yield
    registry.clear_cache()


def spy_ledger(
    backend: OpenAICompatBackend, monkeypatch: pytest.MonkeyPatch
) -> list[list[CallRecord]]:
    """The call ledgers ``generate`` writes, including that of a call that then raised (the
    exception does not carry it, but an eval run may store it)."""
    ledgers: list[list[CallRecord]] = []
    original = backend._recording_create

    def spying(calls: list[CallRecord], purpose: str, mode: Any) -> Any:
        if not any(calls is seen for seen in ledgers):
            ledgers.append(calls)
        return original(calls, purpose, mode)

    monkeypatch.setattr(backend, "_recording_create", spying)
    return ledgers


def exception_surfaces(exc: BaseException) -> list[str]:
    """Everything a handler, a logger or an error tracker could render from ``exc``: its
    message, repr, formatted traceback, and every exception reachable through the chain
    (suppressed contexts included) with its attributes."""
    out = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        out += [str(current), repr(current), repr(current.args)]
        out += [repr(value) for value in vars(current).values()]
        todo += [current.__cause__, current.__context__]
    return out


def assert_clean(texts: list[str], where: str) -> None:
    for text in texts:
        assert SENTINEL not in text, f"the API key leaked into {where}: {text[:300]!r}"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_key_never_shows_in_errors_ledger_logs_or_description(
    scenario: str,
    sentinel_env: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    behaviours, expected = SCENARIOS[scenario]
    caplog.set_level(logging.DEBUG)
    with FaultServer(behaviours) as server:
        backend = OpenAICompatBackend("fake", base_url=server.base_url, retry=POLICY)
        ledgers = spy_ledger(backend, monkeypatch)
        error: BaseException | None = None
        try:
            result = backend.generate(MESSAGES, Tiny, purpose="extract", max_retries=1)
        except Exception as exc:
            error = exc
            result = None
        requests = server.requests

    # the sentinel really was the key in play (else this test would prove nothing)
    assert requests
    assert {r.headers.get("authorization") for r in requests} == {f"Bearer {SENTINEL}"}

    if expected is None:
        assert error is None, error
        assert result is not None
        assert_clean([c.model_dump_json() for c in result.calls], "the result's ledger")
        assert_clean([result.model_dump_json()], "the result")
    else:
        assert isinstance(error, expected), error
        assert_clean(exception_surfaces(error), "the exception")
    ledger = [call for calls in ledgers for call in calls]
    assert len(ledger) == len(requests)
    assert_clean([c.model_dump_json() for c in ledger], "the call ledger")
    assert_clean([json.dumps(backend.describe()), repr(backend), str(backend)], "describe/repr")
    assert_clean(
        [caplog.text]
        + [r.getMessage() for r in caplog.records]
        + [r.exc_text or "" for r in caplog.records],
        "the logs",
    )


def test_a_server_body_is_shown_with_the_key_masked(sentinel_env: None) -> None:
    """Redaction, not omission: the rest of the server's explanation stays readable."""
    with FaultServer([status(400, ECHO)]) as server:
        backend = OpenAICompatBackend("fake", base_url=server.base_url, retry=POLICY)
        with pytest.raises(BackendError) as info:
            backend.generate(MESSAGES, Tiny, purpose="extract", max_retries=1)
    assert "Incorrect API key provided: ***" in str(info.value)


def test_the_key_does_not_leak_through_a_registry_backend(
    sentinel_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultServer([status(401, ECHO), ok(GOOD)]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        backend = registry.resolve_backend("openai/fake", retry=POLICY)
        with pytest.raises(BackendError) as info:
            backend.generate(MESSAGES, Tiny, purpose="extract", max_retries=1)
        result = backend.generate(MESSAGES, Tiny, purpose="extract", max_retries=1)
    assert_clean(exception_surfaces(info.value), "the exception")
    assert_clean([c.model_dump_json() for c in result.calls], "the ledger")
    assert_clean([json.dumps(backend.describe()), repr(backend)], "describe/repr")


# --- a whole eval run -----------------------------------------------------------------------
ARTICLE = (
    "Riverton - Mayor Ana Lopez said on Monday that the city will close the old harbour "
    "bridge for repairs. The Harbour Workers Union criticized the plan."
)
DRAFT = {
    "headline": "Riverton to close harbour bridge",
    "summary": "The mayor will close the bridge; the union objects.",
    "event_location": "Riverton",
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


def _run_suite(runner: Any, suite: Path, runs_root: Path) -> Any:
    """Call ``run_suite`` with the documented arguments, plus only the optional ones it has."""
    wanted: dict[str, Any] = {
        # one extraction pass: the fault server's single answer is a whole valid draft
        "models": ["openai/fake"],
        "prompts": ["summary/v1"],
        "suite_dir": suite,
        "gold_dir": None,
        "runs_root": runs_root,
        "repeats": 1,
        "concurrency": 1,
        "judge": None,
        "progress": False,
        "quiet": True,
    }
    params = inspect.signature(runner.run_suite).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    required = ("models", "prompts", "suite_dir", "gold_dir", "runs_root")
    kwargs = {k: v for k, v in wanted.items() if k in params or (takes_any and k in required)}
    return runner.run_suite(**kwargs)


def test_an_eval_run_writes_the_key_into_no_file(
    tmp_path: Path, sentinel_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both a successful and a failing (401 echoing the key) run, then every byte written."""
    from evals import runner
    from evals.store import RunStore

    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (suite / "b.txt").write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    runs_root = tmp_path / "runs"
    monkeypatch.chdir(tmp_path)  # anything written to the working directory is checked too

    ok_records = 0
    for default in (ok(DRAFT), status(401, ECHO), status(400, ECHO)):
        registry.clear_cache()
        with FaultServer(default=default) as server:
            monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
            try:
                run_dirs = _run_suite(runner, suite, runs_root)
            except BackendError as exc:  # a runner may also stop on a fatal error
                assert_clean(exception_surfaces(exc), "the runner's exception")
                run_dirs = []
            requests = server.requests
        for run_dir in run_dirs or []:
            ok_records += sum(r.status == "ok" for r in RunStore.open(run_dir).records())
        assert requests, "the run never called the fault server"
        assert {r.headers.get("authorization") for r in requests} == {f"Bearer {SENTINEL}"}

    assert ok_records >= 2, "the successful run never succeeded: its path was not checked"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.is_relative_to(runs_root) for p in written), "the run wrote nothing"
    leaks = [str(p) for p in written if SENTINEL.encode() in p.read_bytes()]
    assert not leaks, f"the API key was written to {leaks}"
