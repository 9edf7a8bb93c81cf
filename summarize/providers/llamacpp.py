"""The embedded backend: a GGUF model run in-process by llama-cpp-python on the CPU.

Decoding form: instructor's JSON_SCHEMA mode sends ``response_format={"type": "json_schema",
...}``, which llama-cpp-python 0.3.36 silently ignores (it builds a grammar only for
``{"type": "json_object", "schema": ...}``). We rewrite the one into the other before the call,
so the output is constrained by a grammar compiled from the pydantic schema, with the shortest
prompt of all forms (the schema is not rendered into the prompt).
``tests/summarize/providers/test_llamacpp.py`` fails if that rewrite is lost.

One ``Llama`` per (file, context size, threads) per process: loading takes seconds and a
gigabyte, and llama.cpp reuses the KV cache of the longest shared prompt prefix between
calls on the same instance, which is why prompts put the article first.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import instructor
from pydantic import BaseModel, ValidationError

from summarize.core.backend import (
    IN_CONTEXT,
    CallRecord,
    OptionScores,
    PassageEmbeddings,
    StructuredResult,
)
from summarize.core.errors import (
    BackendError,
    BackendUnavailableError,
    ModelFileError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    UnknownModelError,
)
from summarize.providers.base import FaultKind, InstructorBackend
from summarize.providers.llamacpp_runtime import llama_cpp_module
from summarize.providers.weights import EMBEDDED_WEIGHTS, ProgressFn, ensure_gguf

DEFAULT_CONTEXT = 8192
#: Requests decoded together in one batch at most (sequence 0 keeps the shared prefix).
MAX_PARALLEL = 10
_LOADED: dict[tuple[str, int, int, bool], Any] = {}
_LOAD_LOCK = threading.Lock()


def default_threads() -> int:
    """All cores: one model process per machine (two would oversubscribe and crawl)."""
    return int(os.environ.get("NEWSBRIEF_THREADS", 0)) or max(1, os.cpu_count() or 1)


def load_llama(path: Path, *, n_ctx: int, n_threads: int, grammar_last: bool = True) -> Any:
    """Load (once per process) and return a ``llama_cpp.Llama``.

    No draft model: prompt-lookup speculative decoding (``LlamaPromptLookupDecoding``) fails
    in llama-cpp-python 0.3.36 unless ``logits_all=True``, whose n_ctx x vocabulary score
    buffer is about 5 GB at an 8k window (measured: ``benchmarks/bench_speed.py`` crashed
    with "could not broadcast input array ... into shape (0,)").
    """
    key = (str(path), n_ctx, n_threads, grammar_last)
    with _LOAD_LOCK:  # grammar_last: see summarize.providers.llamacpp_sampler
        if key in _LOADED:
            return _LOADED[key]
        try:
            llama_cpp = llama_cpp_module()
        except ImportError:
            raise BackendUnavailableError(
                "llama-cpp-python is not installed; install the embedded runtime with "
                "pip install 'newsbrief[local]'"
            ) from None
        from summarize.providers.llamacpp_sampler import GrammarLastLlama

        try:
            extra = {"n_seq_max": MAX_PARALLEL + 1} if grammar_last else {}
            llama = (GrammarLastLlama if grammar_last else llama_cpp.Llama)(
                **extra,
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_batch=512,
                seed=0,
                verbose=False,
            )
        except ValueError as exc:
            raise ModelFileError(f"llama.cpp could not load {path}: {exc}") from None
        _LOADED[key] = llama
        return llama


#: The embedding instance's window: a passage is cut at EMBED_MAX_CHARS characters before it
#: is embedded, about 300 tokens of English; llama.cpp truncates a longer token sequence
#: (a script that takes more tokens per character) at the window, as in training.
EMBED_CONTEXT = 512
#: Characters of a passage embedded at most (whitespace collapsed first).
EMBED_MAX_CHARS = 1200
_EMBEDDERS: dict[tuple[str, int, bool], Any] = {}


def load_embedder(path: Path, *, n_threads: int) -> Any:
    """Load (once per process) a second ``Llama`` on the same weights in embedding mode,
    mean-pooling the last hidden layer over a passage.

    It is a separate instance because llama.cpp fixes a context's embedding mode when it
    is created; the weights are memory-mapped, so the second costs a small KV cache, not a
    second gigabyte. The probe files of ``prompts/defence/v3`` were trained on exactly these
    vectors (``benchmarks/probe_payload_encoders.py`` calls :func:`embed_texts` too).
    """
    return _embedding_llama(path, n_threads=n_threads, pooled=True)


def _embedding_llama(path: Path, *, n_threads: int, pooled: bool) -> Any:
    """The embedding instance of ``path``, one of each kind per process: mean-pooled over a
    passage (a window of :data:`EMBED_CONTEXT`), or every token's state over a whole text (a
    window of :data:`CONTEXT_EMBED_WINDOW`, :func:`load_context_embedder`)."""
    key = (str(path), n_threads, pooled)
    with _LOAD_LOCK:
        if key in _EMBEDDERS:
            return _EMBEDDERS[key]
        llama_cpp = llama_cpp_module()
        window = EMBED_CONTEXT if pooled else CONTEXT_EMBED_WINDOW
        pooling = llama_cpp.LLAMA_POOLING_TYPE_MEAN if pooled else llama_cpp.LLAMA_POOLING_TYPE_NONE
        try:
            llama = llama_cpp.Llama(
                model_path=str(path),
                embedding=True,
                n_ctx=window,
                n_batch=window,
                n_ubatch=min(window, 512),
                n_threads=n_threads,
                n_threads_batch=n_threads,
                pooling_type=pooling,
                verbose=False,
            )
        except ValueError as exc:
            raise ModelFileError(f"llama.cpp could not load {path}: {exc}") from None
        _EMBEDDERS[key] = llama
        return llama


def embed_texts(embedder: Any, texts: list[str]) -> list[list[float]]:
    """Unit-length mean-pooled hidden states of ``texts``, each whitespace-collapsed and cut
    at :data:`EMBED_MAX_CHARS` characters (the form the probes were trained on)."""
    return [
        list(embedder.embed(" ".join(t.split())[:EMBED_MAX_CHARS], normalize=True)) for t in texts
    ]


#: The in-context embedding instance's window (``defence/v6``): an article is read whole
#: when it fits, else in consecutive windows cut at paragraph starts.
CONTEXT_EMBED_WINDOW = 4096


def load_context_embedder(path: Path, *, n_threads: int) -> Any:
    """Load (once per process) a third ``Llama`` on the same weights that returns the last
    hidden layer of every token (no pooling): what :func:`embed_spans` reads a passage from
    inside its article. Memory-mapped weights again; its KV cache is about 120 MB (1.5B)."""
    return _embedding_llama(path, n_threads=n_threads, pooled=False)


def embed_spans(
    embedder: Any, text: str, spans: list[tuple[int, int]]
) -> tuple[list[list[float]], int]:
    """Each span of ``text`` as the model reads it inside the text: the mean of its tokens'
    last hidden states joined to its last token's, unit length (``[]`` for a span no token
    covers); and the tokens read. The text is read in one causal pass, so a line of a box is
    read after the box's heading and the story before it, which a passage embedded alone
    never is; a text longer than the window is read in windows cut at paragraph starts."""
    import numpy as np

    vectors: list[list[float]] = [[] for _ in spans]
    read = 0
    for start, end in _windows(embedder, text, spans):
        chunk = text[start:end]
        # a paragraph longer than the window is truncated by llama.cpp: its tail has no state
        tokens = embedder.tokenize(chunk.encode("utf-8"), add_bos=False)[:CONTEXT_EMBED_WINDOW]
        if not tokens:
            continue
        hidden = np.asarray(embedder.embed(chunk), dtype=np.float32)[: len(tokens)]
        tokens = tokens[: len(hidden)]
        read += len(tokens)
        ends = np.cumsum([len(embedder.detokenize([t])) for t in tokens])
        starts = np.concatenate([[0], ends[:-1]])
        for i, (a, b) in enumerate(spans):
            if not (start <= a and b <= end) or vectors[i]:
                continue
            lo = len(text[start:a].encode("utf-8"))
            hi = len(text[start:b].encode("utf-8"))
            inside = np.flatnonzero((starts < hi) & (ends > lo))
            if inside.size:
                joined = np.concatenate([hidden[inside].mean(0), hidden[inside[-1]]])
                vectors[i] = (joined / (np.linalg.norm(joined) + 1e-9)).tolist()
    return vectors, read


def _windows(embedder: Any, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``text`` as consecutive character windows of at most :data:`CONTEXT_EMBED_WINDOW`
    tokens, each cut at the start of a span (a paragraph); one window when it fits. A single
    paragraph longer than a window is cut where the window ends (llama.cpp truncates it)."""
    limit = CONTEXT_EMBED_WINDOW
    if len(embedder.tokenize(text.encode("utf-8"), add_bos=False)) <= limit:
        return [(0, len(text))]
    cuts = sorted({a for a, _ in spans if a > 0})
    windows: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = len(text)
        for cut in reversed([c for c in cuts if c > start] + [len(text)]):
            size = len(embedder.tokenize(text[start:cut].encode("utf-8"), add_bos=False))
            if size <= limit:
                end = cut
                break
        else:
            end = next((c for c in cuts if c > start), len(text))
        windows.append((start, end))
        start = end
    return windows


class _PerfCounters:
    """llama.cpp's per-context counters around one request (a real ``Llama`` only)."""

    def __init__(self, llama_cpp: Any, ctx: Any) -> None:
        self._llama_cpp, self._ctx = llama_cpp, ctx
        llama_cpp.llama_perf_context_reset(ctx)

    @classmethod
    def of(cls, llama: Any) -> _PerfCounters | None:
        llama_cpp = llama_cpp_module()

        if not isinstance(llama, llama_cpp.Llama):
            return None
        return cls(llama_cpp, llama.ctx)

    def annotate(self, raw: dict[str, Any]) -> None:
        perf = self._llama_cpp.llama_perf_context(self._ctx)
        usage = raw.get("usage") or {}
        if "prompt_tokens" in usage:
            usage["prompt_tokens_details"] = {
                "cached_tokens": max(0, usage["prompt_tokens"] - perf.n_p_eval)
            }
        raw["timings"] = {
            "prompt_n": perf.n_p_eval,
            "prompt_ms": perf.t_p_eval_ms,
            "predicted_n": perf.n_eval,
            "predicted_ms": perf.t_eval_ms,
        }


def constrain_response_format(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Rewrite OpenAI's json_schema response_format into llama-cpp-python's grammar form."""
    response_format = kwargs.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        kwargs = {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
    return kwargs


class LlamaCppBackend(InstructorBackend):
    """A local GGUF through llama-cpp-python, schema-constrained by a grammar."""

    mode_chain = (instructor.Mode.JSON_SCHEMA,)

    def __init__(
        self,
        model_id: str,
        gguf_path: Path,
        *,
        sha256: str | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        llama: Any = None,
        grammar_last: bool = True,
        parallel: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(model_id, **options)
        self.grammar_last = grammar_last
        # Requests of one pass decoded together (generate_many). Off by default: with the
        # attributed template (speaker named before the instructions) each sequence prefills
        # its own instructions, and that costs more than the batched decode saves
        # (benchmarks/bench_speed.py: summary/v8 33.1 s/article one by one, 35.2 batched).
        self.parallel = parallel
        self._formatter: Any = None
        self.gguf_path = gguf_path
        self.sha256 = sha256
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self._llama = llama

    @property
    def llama(self) -> Any:
        if self._llama is None:
            self._llama = load_llama(
                self.gguf_path,
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                grammar_last=self.grammar_last,
            )
        return self._llama

    def warm_up(self) -> None:
        """Load the model now (the CLI does this under a progress indicator)."""
        _ = self.llama

    def _complete(self, **kwargs: Any) -> Any:
        """One chat completion, with what llama.cpp's own counters say it cost: the prompt
        tokens served from the KV cache (OpenAI's ``cached_tokens``) and the server-style
        ``timings`` (prompt and output milliseconds), read from ``llama_perf_context``."""
        from openai.types.chat import ChatCompletion

        kwargs = constrain_response_format(kwargs)
        kwargs.pop("model", None)
        counters = _PerfCounters.of(self.llama)
        raw = self.llama.create_chat_completion(**kwargs)
        if counters is not None:
            counters.annotate(raw)
        return ChatCompletion(**raw)

    def generate_many(
        self,
        requests: list[list[dict[str, str]]],
        response_model: type[BaseModel],
        *,
        purpose: str,
        max_retries: int,
        max_tokens: int | None = None,
    ) -> list[StructuredResult | OutputValidationError]:
        """Requests of one shape decoded together in llama.cpp batches of up to
        :data:`MAX_PARALLEL` (:mod:`summarize.providers.llamacpp_batch`); an answer that does
        not validate is asked again alone, through instructor, with its re-asks."""
        llama = self.llama
        if len(requests) < 2 or not self.parallel or getattr(llama, "n_seq_max", 1) <= 1:
            return super().generate_many(
                requests,
                response_model,
                purpose=purpose,
                max_retries=max_retries,
                max_tokens=max_tokens,
            )
        from llama_cpp import LlamaGrammar

        from summarize.providers.llamacpp_batch import decode_together

        schema = json.dumps(response_model.model_json_schema())
        answers: list[StructuredResult | OutputValidationError] = []
        for start in range(0, len(requests), MAX_PARALLEL):
            group = requests[start : start + MAX_PARALLEL]
            prompts = [self._prompt_tokens(messages) for messages in group]
            grammars = [LlamaGrammar.from_json_schema(schema, verbose=False) for _ in group]
            outputs, cost = decode_together(llama, prompts, grammars, max_tokens or 512)
            for messages, out in zip(group, outputs, strict=True):
                record = CallRecord(
                    purpose=purpose,
                    model=self.model_id,
                    mode="json_schema (batched)",
                    attempt=1,
                    ok=True,
                    prompt_tokens=out.prompt_tokens,
                    cached_tokens=out.prompt_tokens - out.prefilled_tokens,
                    completion_tokens=out.completion_tokens,
                    latency_s=(cost.prefill_s + cost.decode_s) / len(group),
                    prefill_s=cost.prefill_s / len(group),
                    decode_s=cost.decode_s / len(group),
                    raw_output=out.text,
                )
                try:
                    value = response_model.model_validate_json(out.text)
                except ValidationError as exc:
                    record.ok, record.error = False, f"invalid output: {exc.errors()[:1]}"
                    answers.append(
                        self._alone(
                            messages, response_model, record, purpose, max_retries, max_tokens
                        )
                    )
                    continue
                answers.append(StructuredResult(value=value, calls=[record], raw_output=out.text))
        return answers

    def _alone(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        failed: CallRecord,
        purpose: str,
        max_retries: int,
        max_tokens: int | None,
    ) -> StructuredResult | OutputValidationError:
        """A batched answer that did not validate, asked again the ordinary way."""
        try:
            result = self.generate(
                messages,
                response_model,
                purpose=purpose,
                max_retries=max_retries,
                max_tokens=max_tokens,
            )
        except OutputValidationError as exc:
            exc.calls = [failed, *exc.calls]
            return exc
        return StructuredResult(
            value=result.value, calls=[failed, *result.calls], raw_output=result.raw_output
        )

    def _prompt_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        """The tokens llama-cpp-python's chat completion would prefill for ``messages``:
        the model's own chat template (from the GGUF), tokenized the same way."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llama = self.llama
        if self._formatter is None:
            eos, bos = llama.token_eos(), llama.token_bos()
            self._formatter = Jinja2ChatFormatter(
                template=llama.metadata["tokenizer.chat_template"],
                eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
                stop_token_ids=[eos],
            )
        result = self._formatter(messages=messages)
        return llama.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def _request_options(self) -> dict[str, Any]:
        return {"seed": self.seed} if self.seed is not None else {}

    def score_options(
        self, messages: list[dict[str, str]], options: list[str], *, purpose: str
    ) -> OptionScores:
        """The log-probability of each option's first token as the answer to ``messages``.

        The prompt is evaluated once, reusing the KV cache of the article prefix that the
        passes share; no token is generated. Options must start with different tokens.
        """
        import numpy as np

        from summarize.providers.llamacpp_batch import _logits

        llama = self.llama
        started = time.perf_counter()
        firsts = [self._first_token(option) for option in options]
        if len(set(firsts)) != len(firsts):
            raise StructuredOutputUnsupportedError(
                f"options {options} do not start with different tokens", attempts=0
            )
        tokens = self._prompt_tokens(messages)
        if len(tokens) >= self.n_ctx:
            raise OutputValidationError(
                f"the prompt ({len(tokens)} tokens) does not fit the context window",
                raw_output=None,
            )
        cached = llama.longest_token_prefix(llama._input_ids[: llama.n_tokens], tokens)
        cached = min(cached, len(tokens) - 1)  # at least one token to read logits after
        llama._ctx.kv_cache_seq_rm(-1, cached, -1)
        llama.n_tokens = cached
        llama.eval(tokens[cached:])
        last = (len(tokens) - cached - 1) % llama.n_batch  # the row of the last chunk
        logits = _logits(llama.ctx, last, llama.n_vocab()).astype(np.float64)
        top = logits.max()
        log_z = top + np.log(np.exp(logits - top).sum())
        scores = [float(logits[t] - log_z) for t in firsts]
        elapsed = time.perf_counter() - started
        record = CallRecord(
            purpose=purpose,
            model=self.model_id,
            mode="logprobs",
            attempt=1,
            ok=True,
            prompt_tokens=len(tokens),
            cached_tokens=cached,
            completion_tokens=0,
            latency_s=elapsed,
            prefill_s=elapsed,
            decode_s=0.0,
            raw_output=options[int(np.argmax(scores))],
        )
        return OptionScores(scores=scores, calls=[record])

    def embed_in_context(
        self, text: str, spans: list[tuple[int, int]], *, purpose: str
    ) -> PassageEmbeddings:
        """The hidden states of each span of ``text`` read inside it (:func:`embed_spans`),
        one call recorded for the whole text; no token is generated."""
        embedder = load_context_embedder(self.gguf_path, n_threads=self.n_threads)
        return self._embedding_call(
            purpose,
            IN_CONTEXT,
            "could not read the article's hidden states",
            lambda: embed_spans(embedder, text, spans),
        )

    def embed_passages(self, passages: list[str], *, purpose: str) -> PassageEmbeddings:
        """Mean-pooled hidden states of ``passages`` (:func:`load_embedder`), one call
        recorded for them all; no token is generated."""
        embedder = load_embedder(self.gguf_path, n_threads=self.n_threads)

        def embed() -> tuple[list[list[float]], int]:
            vectors = embed_texts(embedder, passages)
            tokens = sum(
                len(embedder.tokenize(" ".join(p.split())[:EMBED_MAX_CHARS].encode("utf-8")))
                for p in passages
            )
            return vectors, tokens

        return self._embedding_call(purpose, "mean-pooled", "could not embed a passage", embed)

    def _embedding_call(
        self,
        purpose: str,
        pooling: str,
        failure: str,
        embed: Callable[[], tuple[list[list[float]], int]],
    ) -> PassageEmbeddings:
        """``embed`` (its vectors and the tokens it read) as one recorded call; a llama.cpp
        error is a BackendError carrying its failed call. Loading is not a call, as for the
        chat instance."""
        started = time.perf_counter()
        try:
            vectors, tokens = embed()
        except (ValueError, RuntimeError) as exc:
            error = BackendError(f"llama.cpp {failure}: {exc}")
            error.calls = [
                CallRecord(
                    purpose=purpose,
                    model=self.model_id,
                    mode="embedding",
                    attempt=1,
                    ok=False,
                    error=str(exc),
                    latency_s=time.perf_counter() - started,
                )
            ]
            raise error from None
        elapsed = time.perf_counter() - started
        record = CallRecord(
            purpose=purpose,
            model=self.model_id,
            mode="embedding",
            attempt=1,
            ok=True,
            prompt_tokens=tokens,
            cached_tokens=0,
            completion_tokens=0,
            latency_s=elapsed,
            prefill_s=elapsed,
            decode_s=0.0,
        )
        return PassageEmbeddings(
            encoder=f"{self.model_id} {pooling}", vectors=vectors, calls=[record]
        )

    def _first_token(self, option: str) -> int:
        """The token an answer written as ``option`` starts with."""
        return self.llama.tokenize(option.encode("utf-8"), add_bos=False, special=False)[0]

    def _classify(self, exc: Exception) -> tuple[FaultKind, str, float | None]:
        if isinstance(exc, ValueError) and "context window" in str(exc):
            return "fatal", f"the prompt does not fit the context window: {exc}", None
        return "fatal", f"{type(exc).__name__}: {exc}", None

    def describe(self) -> dict[str, Any]:
        try:
            from importlib.metadata import version

            runtime = f"llama-cpp-python {version('llama-cpp-python')}"
        except Exception:
            runtime = "llama-cpp-python (not installed)"
        return {
            "model": self.model_id,
            "provider": "llama.cpp in-process",
            "runtime": runtime,
            "weights": self.gguf_path.name,
            "sha256": self.sha256,
            "n_ctx": self.n_ctx,
            "n_threads": self.n_threads,
            "mode": "json_schema rewritten to a json_object+schema grammar",
        }


def create_backend(
    name: str, *, progress: ProgressFn | None = None, **options: Any
) -> LlamaCppBackend:
    """``local/<name>``: an embedded model, a path to a ``.gguf`` file, or ``hf:<repo>/<file>``."""
    model_id = f"local/{name}"
    if name in EMBEDDED_WEIGHTS:
        spec = EMBEDDED_WEIGHTS[name]
        path = ensure_gguf(spec, progress=progress)
        return LlamaCppBackend(model_id, path, sha256=spec.sha256, **options)
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ModelFileError(f"no GGUF file at {path}")
        return LlamaCppBackend(model_id, path, **options)
    if name.startswith("hf:"):
        return LlamaCppBackend(model_id, _download_from_hub(name[3:]), **options)
    known = ", ".join(f"local/{k}" for k in EMBEDDED_WEIGHTS)
    raise UnknownModelError(
        f"unknown local model {name!r}: use one of {known}, a path ending in .gguf, "
        "or hf:<repo_id>/<file.gguf>"
    )


def _download_from_hub(ref: str) -> Path:
    """The ordinary loading path where a model hub is reachable (not on these machines)."""
    repo_id, _, filename = ref.rpartition("/")
    if not repo_id or not filename.endswith(".gguf"):
        raise UnknownModelError(f"hub reference must be hf:<owner>/<repo>/<file.gguf>, not {ref!r}")
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise BackendUnavailableError(
            "loading from a model hub needs huggingface_hub: pip install huggingface_hub"
        ) from None
    try:
        return Path(hf_hub_download(repo_id=repo_id, filename=filename))
    except Exception as exc:  # the hub client raises many kinds; all mean "not here"
        raise ModelFileError(f"could not fetch {filename} from {repo_id}: {exc}") from None
