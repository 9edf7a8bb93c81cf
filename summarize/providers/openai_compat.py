"""Any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, ``python -m llama_cpp.server``.

``openai/<name>`` picks the model; the endpoint and key come from ``OPENAI_BASE_URL`` and
``OPENAI_API_KEY`` (or from an ``openai.OpenAI`` client the caller passes). Servers differ in
which structured-output form they really honour, so the backend tries them in order of how
strongly they constrain the output: tools (a forced tool call, turned into a grammar by
llama.cpp and vLLM), JSON schema, plain JSON, then JSON in a fenced block. A form the server
refuses is skipped and the working one is remembered for the next call.

The openai client's own retries are switched off: retries happen once, in
:mod:`summarize.providers.base`, bounded and written to the call ledger.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import instructor
import openai

from summarize.core.backend import CallRecord, OptionScores
from summarize.core.errors import ConfigurationError, StructuredOutputUnsupportedError
from summarize.providers.base import FaultKind, InstructorBackend, RetryPolicy

# Words in an error body that mean "this server does not do that structured-output form".
_REFUSAL_HINTS = ("tool", "function", "response_format", "json_schema", "grammar", "not support")


class MalformedResponseError(Exception):
    """The endpoint answered 200, but the body is not a chat completion (see ``_complete``)."""

    def __init__(self, message: str, excerpt: str = "") -> None:
        super().__init__(message)
        self.excerpt = excerpt


class OpenAICompatBackend(InstructorBackend):
    """A chat-completions endpoint reached over HTTP with the openai client."""

    mode_chain = (
        instructor.Mode.TOOLS,
        instructor.Mode.JSON_SCHEMA,
        instructor.Mode.JSON,
        instructor.Mode.MD_JSON,
    )

    def __init__(
        self,
        model_name: str,
        *,
        client: openai.OpenAI | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        retry: RetryPolicy | None = None,
        **options: Any,
    ) -> None:
        super().__init__(f"openai/{model_name}", retry=retry, **options)
        self.model_name = model_name
        if client is None:
            base_url = base_url or os.environ.get("OPENAI_BASE_URL")
            api_key = api_key or os.environ.get("OPENAI_API_KEY")
            if not api_key:
                if not base_url:
                    raise ConfigurationError(
                        f"openai/{model_name} needs OPENAI_API_KEY (or OPENAI_BASE_URL for a "
                        "self-hosted server that takes no key)"
                    )
                api_key = "no-key"  # local servers (llama.cpp, Ollama, vLLM) accept any
            client = openai.OpenAI(
                base_url=base_url,
                api_key=api_key,
                max_retries=0,
                timeout=self.retry.request_timeout_s,
            )
        self.client = client
        self._secret = getattr(client, "api_key", None)

    @property
    def base_url(self) -> str:
        return str(self.client.base_url)

    def _complete(self, **kwargs: Any) -> Any:
        response = self.client.chat.completions.create(model=self.model_name, **kwargs)
        # The openai client does not validate a 200's body: a proxy's HTML page comes back as
        # a str, ``{}`` or ``{"error": ...}`` as a ChatCompletion without choices. Left to
        # instructor, either would be reported as the *model's* output not fitting the schema
        # (and re-asked); it is the endpoint's fault, so say so here.
        choices = getattr(response, "choices", None) if not isinstance(response, str) else None
        if not choices:
            raise MalformedResponseError(
                "answered HTTP 200 with a body that is not a chat completion",
                excerpt=response if isinstance(response, str) else _dump(response),
            )
        return response

    def _request_options(self) -> dict[str, Any]:
        return {"seed": self.seed} if self.seed is not None else {}

    def score_options(
        self, messages: list[dict[str, str]], options: list[str], *, purpose: str
    ) -> OptionScores:
        """Each option's log-probability as the first token of a one-token answer, from
        the endpoint's ``top_logprobs`` (OpenAI, vLLM, a llama.cpp server); an option not
        among them gets the lowest one shown. An endpoint that refuses logprobs raises
        StructuredOutputUnsupportedError, and the caller asks for a constrained answer."""
        started = time.perf_counter()
        try:
            response = self._complete(
                messages=messages,
                max_tokens=1,
                temperature=0.0,
                logprobs=True,
                top_logprobs=20,
                **self._request_options(),
            )
            top = response.choices[0].logprobs.content[0].top_logprobs
        except Exception as exc:  # no logprobs here: the caller falls back to generate
            raise StructuredOutputUnsupportedError(
                f"{self.model_id} gives no log-probabilities: "
                f"{self._redact(type(exc).__name__ + ': ' + str(exc))[:200]}",
                attempts=1,
            ) from None
        seen = {t.token.strip().lower(): t.logprob for t in top}
        floor = min(seen.values(), default=-30.0) - 1.0
        scores = [
            max(
                (lp for tok, lp in seen.items() if tok and option.lower().startswith(tok)),
                default=floor,
            )
            for option in options
        ]
        usage = getattr(response, "usage", None)
        record = CallRecord(
            purpose=purpose,
            model=self.model_id,
            mode="logprobs",
            attempt=1,
            ok=True,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
            latency_s=time.perf_counter() - started,
            raw_output=options[scores.index(max(scores))],
        )
        return OptionScores(scores=scores, calls=[record])

    def _redact(self, text: str) -> str:
        if self._secret and len(self._secret) >= 6:
            text = text.replace(self._secret, "***")
        return text

    def _classify(self, exc: Exception) -> tuple[FaultKind, str, float | None]:
        where = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            return "transient", f"{where} did not answer within the timeout", None
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc
            # By name: openai 3.x sits on ``httpx2``, earlier versions on ``httpx``.
            if type(cause).__name__ == "ConnectError":
                return "transient", f"could not reach {where} ({type(cause).__name__})", None
            # Reached, but the connection broke mid-answer (a dropped socket, a reset).
            return (
                "transient",
                (
                    f"the connection to {where} broke before the answer was complete "
                    f"({type(cause).__name__})"
                ),
                None,
            )
        if isinstance(
            exc, MalformedResponseError | json.JSONDecodeError | openai.APIResponseValidationError
        ):
            excerpt = getattr(exc, "excerpt", "") or getattr(exc, "doc", "") or ""
            excerpt = " ".join(self._redact(str(excerpt)).split())[:120]
            return (
                "transient",
                (
                    f"{where} answered HTTP 200 with a body that is not a chat completion"
                    + (f": {excerpt}" if excerpt else "")
                ),
                None,
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            body = self._redact(_body_text(exc))
            if status == 429:
                return "transient", f"{where} is rate limiting (HTTP 429)", _retry_after(exc)
            if status in (401, 403):
                return "fatal", f"{where} rejected the credentials (HTTP {status})", None
            refused = any(hint in body.lower() for hint in _REFUSAL_HINTS)
            if status >= 500:
                if refused:
                    return "refused", f"HTTP {status}: {body[:200]}", None
                return "transient", f"{where} failed with HTTP {status}", _retry_after(exc)
            if refused:
                return "refused", f"HTTP {status}: {body[:200]}", None
            return "fatal", f"{where} answered HTTP {status}: {body[:300]}", None
        return "fatal", self._redact(f"{type(exc).__name__}: {exc}"), None

    def describe(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "provider": "openai-compatible endpoint",
            "endpoint": self.base_url,
            "mode": self._working_mode_name(),
        }


def _body_text(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text or str(exc.message)
    except Exception:
        return str(getattr(exc, "message", ""))


def _dump(response: Any) -> str:
    try:
        return json.dumps(response.model_dump(exclude_none=True))
    except Exception:
        return repr(response)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def create_backend(name: str, **options: Any) -> OpenAICompatBackend:
    """``openai/<model name>``."""
    return OpenAICompatBackend(name, **options)
