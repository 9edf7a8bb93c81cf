"""Greedy decoding under a grammar at the speed of free decoding: check the grammar last.

llama-cpp-python 0.3.36 puts the grammar sampler in the chain before greedy, so every output
token runs the grammar over the whole vocabulary (152k tokens for Qwen2.5): on the 1.5B that
is about 13 ms a token, a third of the decode time (``benchmarks/bench_speed.py`` prints
the free and constrained rates). llama.cpp's own sampler (``common_sampler_sample``) first
takes the model's best token and asks the grammar about that one token; only if the grammar
rejects it is the grammar applied to the whole vocabulary. For greedy decoding the result is
the same token either way, so this module does the same inside llama-cpp-python's sampler
chain. ``tests/summarize/providers/test_llamacpp.py`` checks the outputs are identical with
and without it.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import _internals

from summarize.providers.llamacpp_runtime import llama_cpp_module

llama_cpp_module()  # its /dev/null handles closed at exit

_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])


class GrammarLast:
    """A chain element that leaves only the token greedy will take, grammar-checked.

    It owns a llama.cpp grammar sampler outside the chain and feeds it each chosen token
    (the chain cannot: a custom sampler has no ``accept`` hook in llama-cpp-python).
    """

    def __init__(self, model: Any, grammar: Any) -> None:
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(
            data=self._one, size=1, selected=-1, sorted=False
        )
        self.full_checks = 0  # tokens for which the whole vocabulary had to be checked

    def apply(self, cur_p: Any) -> None:
        array = cur_p.contents
        size = int(array.size)
        address = ctypes.addressof(array.data.contents)
        data = np.frombuffer(
            (ctypes.c_char * (size * _TOKEN_DATA.itemsize)).from_address(address), dtype=_TOKEN_DATA
        )
        best = int(data["logit"].argmax())
        self._one[0].id = int(data["id"][best])
        self._one[0].logit = float(data["logit"][best])
        self._one[0].p = 0.0
        self._one_array.size = 1
        self._one_array.selected = -1
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._one_array))
        if math.isinf(self._one[0].logit):  # the model's favourite breaks the grammar
            self.full_checks += 1
            llama_cpp.llama_sampler_apply(self._grammar, cur_p)
            best = int(data["logit"].argmax())
        token = int(data["id"][best])
        data[0] = data[best]
        array.size = 1  # greedy now has one token to take: the one the grammar accepted
        array.selected = -1
        llama_cpp.llama_sampler_accept(self._grammar, token)

    def __del__(self) -> None:
        grammar, self._grammar = getattr(self, "_grammar", None), None
        if grammar is not None:
            llama_cpp.llama_sampler_free(grammar)


class GrammarLastLlama(llama_cpp.Llama):
    """``llama_cpp.Llama`` whose greedy, grammar-constrained sampling checks the grammar last,
    with room in its KV cache for ``n_seq_max`` sequences sharing one prefix
    (:mod:`summarize.providers.llamacpp_batch`).

    Any other sampling (a temperature, a logits processor, no grammar) is the library's own.
    """

    def __init__(self, *args: Any, n_seq_max: int = 1, **kwargs: Any) -> None:
        # llama-cpp-python 0.3.36 takes no n_seq_max: its context parameters come from
        # llama_context_default_params(), so those are what is widened, for this call only
        # (loading is serialised by the provider's load lock).
        module = llama_cpp.llama_cpp
        defaults = module.llama_context_default_params

        def widened() -> Any:
            params = defaults()
            params.n_seq_max = n_seq_max
            params.kv_unified = True  # all sequences share the n_ctx cells of one cache
            return params

        module.llama_context_default_params = widened
        try:
            super().__init__(*args, **kwargs)
        finally:
            module.llama_context_default_params = defaults
        self.n_seq_max = n_seq_max

    def _init_sampler(self, *args: Any, **kwargs: Any) -> Any:
        grammar = kwargs.get("grammar")
        if (
            grammar is None
            or kwargs.get("temp", 0.8) != 0.0
            or kwargs.get("logits_processor") is not None
            or args
        ):
            return super()._init_sampler(*args, **kwargs)
        sampler = _internals.LlamaSampler()
        checker = GrammarLast(self._model, grammar)
        sampler.add_custom(checker.apply)
        sampler.add_greedy()
        sampler.grammar_last = checker  # lives as long as the chain that calls it
        return sampler
