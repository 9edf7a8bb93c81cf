"""Several requests that share a prompt prefix, decoded together in one llama.cpp batch.

A pass that asks one short question per sentence of an article (the attributed statements)
sends up to ten requests whose prompts differ only after the article and the instructions.
Sent one by one, each decodes its ~35 output tokens alone, and on a CPU a decode step costs
about as much for one sequence as for several: the weights are read once per step either
way. Here the shared prefix stays in sequence 0 of the KV cache (where llama-cpp-python's
own prefix reuse expects it), each request gets a sequence that shares those cells, their
suffixes are prefilled in one batch, and every decode step advances all unfinished
sequences at once. Each sequence is greedy under its own grammar, checked on the model's
best token first (as in :mod:`summarize.providers.llamacpp_sampler`).
"""

from __future__ import annotations

import ctypes
import math
import time
from dataclasses import dataclass
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import LlamaGrammar

from summarize.providers.llamacpp_runtime import llama_cpp_module

llama_cpp_module()  # its /dev/null handles closed at exit


@dataclass
class SequenceOutput:
    """What one request of a batch produced, and what it cost."""

    text: str
    prompt_tokens: int
    prefilled_tokens: int
    completion_tokens: int


@dataclass
class BatchCost:
    prefill_s: float
    decode_s: float


class _Grammar:
    """One sequence's grammar: greedy choice checked on the best token first."""

    def __init__(self, llama: Any, grammar: LlamaGrammar, candidates: Any) -> None:
        self._sampler = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(
            data=self._one, size=1, selected=-1, sorted=False
        )
        self._candidates = candidates  # (ctypes array of n_vocab token data, numpy view)

    def choose(self, logits: np.ndarray) -> int:
        best = int(logits.argmax())
        self._one[0].id, self._one[0].logit, self._one[0].p = best, float(logits[best]), 0.0
        self._one_array.size, self._one_array.selected = 1, -1
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(self._one_array))
        if math.isinf(self._one[0].logit):  # the model's favourite breaks the grammar
            data, view = self._candidates
            view["id"] = np.arange(len(logits), dtype=np.int32)
            view["logit"] = logits
            array = llama_cpp.llama_token_data_array(
                data=data, size=len(logits), selected=-1, sorted=False
            )
            llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(array))
            best = int(view["logit"].argmax())
        llama_cpp.llama_sampler_accept(self._sampler, best)
        return best

    def close(self) -> None:
        llama_cpp.llama_sampler_free(self._sampler)


def common_prefix(sequences: list[list[int]]) -> int:
    """Length of the prefix every token list shares."""
    first = sequences[0]
    n = min(len(s) for s in sequences)
    for i in range(n):
        token = first[i]
        if any(s[i] != token for s in sequences[1:]):
            return i
    return n


def decode_together(
    llama: Any, prompts: list[list[int]], grammars: list[LlamaGrammar], max_tokens: int
) -> tuple[list[SequenceOutput], BatchCost]:
    """Greedy, grammar-constrained completions of ``prompts``, decoded in one batch.

    ``llama`` must have been created with ``n_seq_max > len(prompts)`` and a unified KV
    cache. Sequence 0 ends holding the shared prefix, so the next request reuses it.
    """
    started = time.perf_counter()
    k = len(prompts)
    # every sequence keeps at least its last prompt token, whose logits start its answer
    shared = min(common_prefix(prompts), min(len(p) for p in prompts) - 1)
    ctx = llama.ctx
    memory = llama_cpp.llama_get_memory(ctx)
    # how much of the shared prefix sequence 0 already holds (llama-cpp-python's own measure)
    cached = llama.longest_token_prefix(llama._input_ids[: llama.n_tokens], prompts[0][:shared])
    llama._ctx.kv_cache_seq_rm(-1, cached, -1)
    llama.n_tokens = cached
    if shared > cached:
        llama.eval(prompts[0][cached:shared])  # into sequence 0, tracked by llama-cpp-python
    for s in range(1, k + 1):
        llama_cpp.llama_memory_seq_cp(memory, 0, s, 0, shared)

    n_vocab = llama.n_vocab()
    data = (llama_cpp.llama_token_data * n_vocab)()
    view = np.frombuffer(
        data, dtype=np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
    )
    rules = [_Grammar(llama, g, (data, view)) for g in grammars]
    batch = llama_cpp.llama_batch_init(max(llama.n_batch, k), 0, 1)
    logits: dict[int, np.ndarray] = {}
    try:
        # the suffixes, each in its own sequence, as few llama_decode calls as fit
        pending = [
            (s, shared + j, token, j == len(p) - shared - 1)
            for s, p in enumerate(prompts)
            for j, token in enumerate(p[shared:])
        ]
        for start in range(0, len(pending), llama.n_batch):
            rows = _fill(
                batch,
                [
                    (tok, pos, s + 1, last)
                    for s, pos, tok, last in pending[start : start + llama.n_batch]
                ],
            )
            _decode(ctx, batch)
            logits.update({s: _logits(ctx, row, n_vocab) for s, row in rows.items()})
        prefill_s = time.perf_counter() - started

        outputs: list[list[int]] = [[] for _ in prompts]
        position = [len(p) for p in prompts]
        active = set(range(k))
        while active:
            step = []
            for s in sorted(active):
                token = rules[s].choose(logits[s])
                if llama_cpp.llama_vocab_is_eog(llama._model.vocab, token):
                    active.discard(s)
                    continue
                outputs[s].append(token)
                if len(outputs[s]) >= max_tokens:
                    active.discard(s)
                    continue
                step.append((token, position[s], s + 1, True))
                position[s] += 1
            if not step:
                break
            rows = _fill(batch, step)
            _decode(ctx, batch)
            logits = {s: _logits(ctx, row, n_vocab) for s, row in rows.items()}
    finally:
        llama_cpp.llama_batch_free(batch)
        for rule in rules:
            rule.close()
        for s in range(1, k + 1):
            llama_cpp.llama_memory_seq_rm(memory, s, -1, -1)
    decode_s = time.perf_counter() - started - prefill_s
    results = [
        SequenceOutput(
            text=llama.detokenize(out).decode("utf-8", errors="replace"),
            prompt_tokens=len(p),
            prefilled_tokens=len(p) - shared + (shared - cached if i == 0 else 0),
            completion_tokens=len(out),
        )
        for i, (p, out) in enumerate(zip(prompts, outputs, strict=True))
    ]
    return results, BatchCost(prefill_s=prefill_s, decode_s=decode_s)


def _fill(batch: Any, tokens: list[tuple[int, int, int, bool]]) -> dict[int, int]:
    """Put (token, position, sequence, wants logits) into ``batch``; the row of each
    sequence's logits, keyed by request index (sequence - 1)."""
    rows = {}
    batch.n_tokens = len(tokens)
    for i, (token, pos, seq, wants_logits) in enumerate(tokens):
        batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, pos, 1
        batch.seq_id[i][0] = seq
        batch.logits[i] = wants_logits
        if wants_logits:
            rows[seq - 1] = i
    return rows


def _decode(ctx: Any, batch: Any) -> None:
    status = llama_cpp.llama_decode(ctx, batch)
    if status != 0:
        raise RuntimeError(f"llama_decode failed with status {status} (KV cache full?)")


def _logits(ctx: Any, row: int, n_vocab: int) -> np.ndarray:
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx, row), shape=(n_vocab,)).copy()
