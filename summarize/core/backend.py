"""What the pipeline needs from a model, and nothing more.

The pipeline depends on this protocol only; concrete backends (llama.cpp in-process, any
OpenAI-compatible endpoint, the fake used in tests) live in ``summarize.providers`` and are
found through the registry by model string. Keeping the protocol this small is what lets the
eval harness swap models without knowing how any of them is reached.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, Field

from summarize.core.errors import OutputValidationError

T = TypeVar("T", bound=BaseModel)


class CallRecord(BaseModel):
    """One request to a model: the ledger entry an eval run stores for cost accounting.

    Failed attempts (a validation re-ask, a 500 that was retried) get their own record, so
    the true cost of an answer includes every try that led to it.
    """

    purpose: str = Field(description="why the call was made: extract, reground, judge, ...")
    model: str
    mode: str = Field(description="the structured-output form used (tools, json_schema, ...)")
    attempt: int = Field(ge=1)
    ok: bool
    error: str | None = None
    prompt_tokens: int | None = None
    cached_tokens: int | None = Field(
        default=None, description="prompt tokens served from the KV cache, not computed again"
    )
    completion_tokens: int | None = None
    latency_s: float = Field(ge=0)
    prefill_s: float | None = Field(default=None, description="seconds computing the prompt")
    decode_s: float | None = Field(default=None, description="seconds computing output tokens")
    raw_output: str | None = None

    @property
    def prefilled_tokens(self) -> int | None:
        """Prompt tokens actually computed: what a call's prompt costs after KV reuse."""
        if self.prompt_tokens is None:
            return None
        return self.prompt_tokens - (self.cached_tokens or 0)

    @property
    def tokens_per_s(self) -> float | None:
        if not self.completion_tokens or self.latency_s <= 0:
            return None
        return self.completion_tokens / self.latency_s


class StructuredResult(BaseModel):
    """A validated object together with every call it took to get it."""

    model_config = {"arbitrary_types_allowed": True}

    value: Any
    calls: list[CallRecord]
    raw_output: str | None = None


@runtime_checkable
class StructuredBackend(Protocol):
    """A model that fills a pydantic schema from chat messages.

    Implementations validate the output against ``response_model`` and re-ask on validation
    failure up to ``max_retries`` times; transient transport faults are retried with backoff
    below that. They raise :class:`summarize.core.errors.BackendError` subclasses, never a
    library's own exception.
    """

    model_id: str

    def generate(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> StructuredResult: ...

    def describe(self) -> dict[str, Any]:
        """Identity for run records: model id, weights file hash, endpoint, decoding form."""
        ...


class OptionScores(BaseModel):
    """How likely each option is as the answer: the log-probability of its first token
    right after the question, with the call it took."""

    scores: list[float]
    calls: list[CallRecord]


@runtime_checkable
class ScoringBackend(StructuredBackend, Protocol):
    """A backend that can say how likely each of a few one-word answers is.

    A small model asked to *generate* a one-word answer picks the option it saw first far
    more often than the text warrants; comparing the options' log-probabilities, against
    those it gives when the question has no content ("contextual calibration"), removes
    that preference. Backends that cannot (an endpoint without logprobs) raise
    :class:`~summarize.errors.StructuredOutputUnsupportedError`, and the caller asks for a
    grammar-constrained answer instead.
    """

    def score_options(
        self, messages: list[dict[str, str]], options: list[str], *, purpose: str
    ) -> OptionScores: ...


class PassageEmbeddings(BaseModel):
    """One vector per passage: the model's hidden states, mean-pooled and unit-length,
    with the call it took. ``encoder`` names what made them (model and pooling), so that a
    classifier trained on one encoder's vectors is never applied to another's."""

    encoder: str
    vectors: list[list[float]]
    calls: list[CallRecord]


@runtime_checkable
class EmbeddingBackend(StructuredBackend, Protocol):
    """A backend that can give its own hidden states for a passage.

    The defence's probe (``defence/v3``) reads the model's representation of a passage
    rather than its written or scored answer: the 1.5B's yes/no to "does this give
    instructions?" had no signal, while a linear probe over its hidden states separates
    payloads from news (``benchmarks/probe_payload_encoders.py``). The embedded backend
    implements it; an endpoint does not, and the defence falls back to its question.
    """

    def embed_passages(self, passages: list[str], *, purpose: str) -> PassageEmbeddings: ...


#: How a backend's in-context span vectors are named (``PassageEmbeddings.encoder`` is
#: "<model id> in-context mean+last"): a probe trained on them reads nothing else.
IN_CONTEXT = "in-context mean+last"


@runtime_checkable
class ContextEmbeddingBackend(StructuredBackend, Protocol):
    """A backend that can give its hidden states for spans of a text read whole.

    A passage embedded alone has lost where it stands: a line of a lottery box reads like
    news once it is cut from the box's heading. Read inside the article, in one causal pass,
    each line's states have seen what comes before it (``defence/v6``'s furniture probe;
    ``benchmarks/probe_furniture.py --in-context``). ``vectors[i]`` is ``[]`` for a span no
    token covers."""

    def embed_in_context(
        self, text: str, spans: list[tuple[int, int]], *, purpose: str
    ) -> PassageEmbeddings: ...


@runtime_checkable
class BatchingBackend(StructuredBackend, Protocol):
    """A backend that can answer several requests of one shape at once.

    The embedded model decodes requests that share a prompt prefix in one llama.cpp batch;
    others may send them one by one. Each answer is a result, or the
    :class:`~summarize.core.errors.OutputValidationError` that request ended with (one bad answer
    costs only itself).
    """

    def generate_many(
        self,
        requests: list[list[dict[str, str]]],
        response_model: type[T],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> list[Any]: ...


def generate_each(
    backend: StructuredBackend,
    requests: list[list[dict[str, str]]],
    response_model: type[T],
    *,
    purpose: str,
    max_retries: int,
    max_tokens: int | None = None,
) -> list[Any]:
    """Each request in turn: what ``generate_many`` means for a backend that cannot batch.

    A request that ends in :class:`~summarize.core.errors.OutputValidationError` yields the error
    in its place, so one bad answer costs only itself.
    """
    answers: list[Any] = []
    for messages in requests:
        try:
            answers.append(
                backend.generate(
                    messages,
                    response_model,
                    purpose=purpose,
                    max_retries=max_retries,
                    max_tokens=max_tokens,
                )
            )
        except OutputValidationError as exc:
            answers.append(exc)
    return answers
