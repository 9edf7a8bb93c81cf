"""The one code path every backend takes: instructor over a raw chat-completion function.

A backend only says how to make one raw OpenAI-shaped chat completion (``_complete``), which
structured-output forms it honours (``mode_chain``), and how to classify its failures
(``_classify``). Everything else is shared and therefore tested once:

- instructor turns the pydantic schema into the request and re-asks on validation failure
  (``max_retries``);
- below it, tenacity retries transient transport faults (connection refused, timeouts, 5xx,
  429 honouring ``Retry-After``) with bounded exponential backoff, then raises a typed
  :class:`~summarize.core.errors.EndpointError` saying what happened and after how many tries;
- when a server refuses a structured-output form (HTTP 400 "tools not supported", llama.cpp
  server's 500 on ``json_schema``), the next form of ``mode_chain`` is tried and the one
  that worked is remembered;
- every request, failed or not, is written to the call ledger with tokens and latency.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

import instructor
from instructor.core import Hooks, IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from summarize.core.backend import CallRecord, StructuredResult, generate_each
from summarize.core.errors import (
    BackendError,
    EndpointError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    SummarizeError,
)

FaultKind = Literal["transient", "refused", "fatal"]

# instructor logs every failure it hands back to us at ERROR level ("API call failed...",
# "Max retries exceeded..."). We turn each one into a typed error, so in an application that
# configured no logging those lines are noise that Python's last-resort handler would print
# to stderr (breaking the CLI's one-line error). A NullHandler only stops that fallback:
# records still propagate to whatever handlers the application sets up.
logging.getLogger("instructor").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on transport retries. Every number is a ceiling; nothing waits forever."""

    max_attempts: int = 4
    initial_wait_s: float = 1.0
    max_wait_s: float = 30.0
    request_timeout_s: float = 300.0
    max_total_s: float = 900.0


class TransientFault(Exception):
    """A fault worth retrying; ``retry_after`` is the server's own hint, if it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _ModeRefused(Exception):
    """The server will not take this structured-output form; try the next one."""


def completion_text(response: Any) -> str | None:
    """The text the model produced: message content, or the first tool call's arguments."""
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    tool_calls = getattr(message, "tool_calls", None)
    if tool_calls:
        return tool_calls[0].function.arguments
    return getattr(message, "content", None)


class InstructorBackend:
    """Base class of the concrete backends; see the module docstring."""

    model_id: str
    mode_chain: tuple[instructor.Mode, ...] = (instructor.Mode.JSON_SCHEMA,)

    def __init__(
        self,
        model_id: str,
        *,
        retry: RetryPolicy | None = None,
        temperature: float = 0.0,
        seed: int | None = 0,
    ) -> None:
        self.model_id = model_id
        self.retry = retry or RetryPolicy()
        self.temperature = temperature
        self.seed = seed
        self._working_mode: instructor.Mode | None = None

    # --- what a concrete backend provides -------------------------------------------------
    def _complete(self, **kwargs: Any) -> Any:
        """Make one raw chat completion and return an OpenAI-shaped response."""
        raise NotImplementedError

    def _classify(self, exc: Exception) -> tuple[FaultKind, str, float | None]:
        """(kind, human description, retry-after seconds) of a failure of ``_complete``."""
        return "fatal", f"{type(exc).__name__}: {exc}", None

    def _request_options(self) -> dict[str, Any]:
        """Extra keyword arguments for ``_complete`` (model name, seed...)."""
        return {}

    def describe(self) -> dict[str, Any]:
        return {"model": self.model_id, "mode": self._working_mode_name()}

    # --- the shared path ------------------------------------------------------------------
    def _working_mode_name(self) -> str:
        mode = self._working_mode or self.mode_chain[0]
        return mode.value

    def generate(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> StructuredResult:
        calls: list[CallRecord] = []
        modes = list(self.mode_chain)
        if self._working_mode in modes:
            modes.remove(self._working_mode)
            modes.insert(0, self._working_mode)
        refusals: list[str] = []
        try:
            for mode in modes:
                try:
                    value = self._generate_in_mode(
                        mode,
                        messages,
                        response_model,
                        calls,
                        purpose=purpose,
                        max_retries=max_retries,
                        max_tokens=max_tokens,
                    )
                except _ModeRefused as exc:
                    refusals.append(f"{mode.value}: {exc}")
                    continue
                self._working_mode = mode
                raw = next((c.raw_output for c in reversed(calls) if c.raw_output), None)
                return StructuredResult(value=value, calls=calls, raw_output=raw)
            raise StructuredOutputUnsupportedError(
                f"{self.model_id} refused every structured-output form: " + "; ".join(refusals),
                attempts=len(calls),
            )
        except BackendError as exc:
            exc.calls = [*calls]
            raise

    def generate_many(
        self,
        requests: list[list[dict[str, str]]],
        response_model: type[BaseModel],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> list[StructuredResult | OutputValidationError]:
        """Each request in turn (a backend that can batch overrides this)."""
        return generate_each(
            self,
            requests,
            response_model,
            purpose=purpose,
            max_retries=max_retries,
            max_tokens=max_tokens,
        )

    def _generate_in_mode(
        self,
        mode: instructor.Mode,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        calls: list[CallRecord],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None,
    ) -> BaseModel:
        first_call = len(calls)

        def mark_invalid(error: Exception, *_: Any, **__: Any) -> None:
            if len(calls) > first_call:
                calls[-1].ok = False
                calls[-1].error = f"invalid output: {_short(error)}"

        hooks = Hooks()
        hooks.on("parse:error", mark_invalid)
        create = instructor.patch(create=self._recording_create(calls, purpose, mode), mode=mode)
        options: dict[str, Any] = {"temperature": self.temperature, **self._request_options()}
        if max_tokens:
            options["max_tokens"] = max_tokens
        try:
            # No ``context=``: instructor would render the messages as Jinja templates with
            # it, and the messages contain the (untrusted) article.
            return create(
                response_model=response_model,
                messages=messages,
                max_retries=max_retries,
                hooks=hooks,
                **options,
            )
        except IncompleteOutputException:
            raw = next((c.raw_output for c in reversed(calls) if c.raw_output), None)
            if len(calls) > first_call:
                calls[-1].ok = False
                calls[-1].error = f"output cut at max_tokens={max_tokens}"
            raise OutputValidationError(
                f"{self.model_id} was still writing when it reached max_tokens={max_tokens} "
                f"({mode.value} mode); raise max_tokens or use a stronger model",
                attempts=len(calls) - first_call,
                raw_output=raw,
            ) from None
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, _ModeRefused | SummarizeError):
                raise cause from None
            raw = next((c.raw_output for c in reversed(calls) if c.raw_output), None)
            tries = len(calls) - first_call
            raise OutputValidationError(
                f"{self.model_id} gave output that does not fit {response_model.__name__} "
                f"after {tries} tries ({mode.value} mode): {_short(cause or exc)}",
                attempts=tries,
                raw_output=raw,
            ) from None

    def _recording_create(self, calls: list[CallRecord], purpose: str, mode: instructor.Mode):
        """A raw create that retries transient faults and writes every try to ``calls``."""
        policy = self.retry

        def one_try(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                response = self._complete(**kwargs)
            except Exception as exc:
                kind, description, retry_after = self._classify(exc)
                calls.append(
                    CallRecord(
                        purpose=purpose,
                        model=self.model_id,
                        mode=mode.value,
                        attempt=len(calls) + 1,
                        ok=False,
                        error=description,
                        latency_s=time.perf_counter() - started,
                    )
                )
                if kind == "transient":
                    raise TransientFault(description, retry_after) from exc
                if kind == "refused":
                    raise _ModeRefused(description) from exc
                if isinstance(exc, SummarizeError):
                    raise
                raise BackendError(f"{self.model_id}: {description}") from exc
            usage = getattr(response, "usage", None)
            details = getattr(usage, "prompt_tokens_details", None)
            timings = _timings(response)
            calls.append(
                CallRecord(
                    purpose=purpose,
                    model=self.model_id,
                    mode=mode.value,
                    attempt=len(calls) + 1,
                    ok=True,
                    prompt_tokens=getattr(usage, "prompt_tokens", None),
                    cached_tokens=getattr(details, "cached_tokens", None),
                    completion_tokens=getattr(usage, "completion_tokens", None),
                    latency_s=time.perf_counter() - started,
                    prefill_s=timings.get("prompt_ms", 0) / 1000 if timings else None,
                    decode_s=timings.get("predicted_ms", 0) / 1000 if timings else None,
                    raw_output=completion_text(response),
                )
            )
            return response

        def wait(state: RetryCallState) -> float:
            backoff = policy.initial_wait_s * 2 ** (state.attempt_number - 1)
            exc = state.outcome.exception() if state.outcome else None
            hint = getattr(exc, "retry_after", None) or 0.0
            return min(max(backoff, hint), policy.max_wait_s)

        def create(**kwargs: Any) -> Any:
            tries = Retrying(
                stop=stop_after_attempt(policy.max_attempts) | stop_after_delay(policy.max_total_s),
                wait=wait,
                retry=retry_if_exception_type(TransientFault),
                reraise=True,
            )
            try:
                return tries(one_try, **kwargs)
            except TransientFault as exc:
                attempts = tries.statistics.get("attempt_number", policy.max_attempts)
                raise EndpointError(
                    f"{self.model_id}: {exc} (gave up after {attempts} tries)", attempts=attempts
                ) from None

        return create


def _timings(response: Any) -> dict[str, float] | None:
    """llama.cpp's per-request ``timings`` (its server sends them; the embedded backend adds
    them), so a call's seconds split into prompt and output: where the time goes."""
    timings = getattr(response, "timings", None)
    if timings is None and isinstance(getattr(response, "model_extra", None), dict):
        timings = response.model_extra.get("timings")
    return timings if isinstance(timings, dict) else None


def _short(exc: BaseException, limit: int = 400) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
