"""The unit of work an engine maps, and what every engine shares.

A :class:`SummarizerWork` is a picklable recipe that each worker turns into its own
:class:`~summarize.pipeline.Summarizer` once (the embedded model loaded once per actor, an
endpoint client kept per actor), checked against the summarizer of this process so that a
worker with other weights, another prompt or other parameters fails at start instead of
writing records under the wrong label. :class:`Engine` is what an engine does with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from summarize.core.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "ray")
#: Environment variables a worker takes from this process (prompt folder, model folder,
#: defence layers, fake-backend switches, the endpoint's URL and key).
FORWARDED_ENV_PREFIXES = ("NEWSBRIEF_", "OPENAI_")
#: The Summarizer's keyword arguments that a worker rebuilds it with.
_SUMMARIZER_ARGS = ("max_retries", "reground", "max_tokens", "max_chars", "max_chunk_chars")
RAY_INSTALL_HINT = "pip install 'newsbrief[ray]'"


@dataclass(frozen=True)
class EngineOptions:
    """``--engine``, ``--address``, ``--actors`` as given (checked by :func:`check_engine`).

    ``address``: ``None`` starts a Ray head on this machine for the run (or joins the cluster
    named by ``$RAY_ADDRESS``), ``auto`` joins the cluster this machine belongs to,
    ``ray://host:port`` goes through Ray Client, ``host:port`` is a head's GCS address.
    ``actors``: the most actors in the pool (default 1); the pool starts with as many as the
    cluster holds now.
    """

    name: str = "local"
    address: str | None = None
    actors: int | None = None


class Engine(Protocol):
    """Maps a :class:`SummarizerWork` over items; yields ``(item, result)`` as they finish.

    ``concurrency``: calls in flight per worker (endpoint models; 1 for an in-process model).
    ``on_start(item)`` is called when an item starts, where the engine knows it (locally).
    ``stop()`` is polled while waiting; when true the engine stops waiting and raises
    ``KeyboardInterrupt`` (work in flight is abandoned, never yielded). Use the iterator in
    ``contextlib.closing`` so that an early exit releases the workers at once.
    """

    name: str

    def describe(self) -> str: ...

    def map(
        self,
        work: SummarizerWork[T, R],
        items: Sequence[T],
        *,
        concurrency: int = 1,
        on_start: Callable[[T], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[T, R]]: ...


# --- the unit of work -----------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists, paths strings)."""
    return json.loads(json.dumps(value, default=str))


def fingerprint(summarizer: Any) -> dict[str, Any]:
    """What makes two summarizers give the same records: model, prompt content, parameters."""
    return _plain(
        {
            "model_info": summarizer.backend.describe(),
            "prompt": summarizer.prompt_name,
            "prompt_hash": summarizer.prompt_hash,
            "params": summarizer.params,
        }
    )


@dataclass(frozen=True)
class SummarizerRecipe:
    """How a worker builds the same Summarizer as this process, and what it must get."""

    model: str
    prompt: str
    kwargs: dict[str, Any]
    backend_options: dict[str, Any]
    expected: dict[str, Any]

    @classmethod
    def of(cls, summarizer: Any, model: str) -> SummarizerRecipe:
        """The recipe of ``summarizer``, built from the model string ``model``."""
        options: dict[str, Any] = {}
        threads = getattr(summarizer.backend, "n_threads", None)
        if threads:  # an in-process model: the same threads, so the same arithmetic
            options["n_threads"] = threads
        return cls(
            model=model,
            prompt=summarizer.prompt_name,
            kwargs={k: getattr(summarizer, k) for k in _SUMMARIZER_ARGS},
            backend_options=options,
            expected=fingerprint(summarizer),
        )

    def build(self) -> Any:
        """A new Summarizer (in a worker); :class:`EngineError` when it differs."""
        from summarize.pipeline import Summarizer

        summarizer = Summarizer(
            self.model, self.prompt, backend_options=self.backend_options, **self.kwargs
        )
        got = fingerprint(summarizer)
        if got != self.expected:
            diff = sorted(k for k in got if got[k] != self.expected.get(k))
            raise EngineError(
                f"a worker's summarizer differs from the driver's ({', '.join(diff)}: "
                f"{ {k: got[k] for k in diff} } on the worker, "
                f"{ {k: self.expected.get(k) for k in diff} } here); install the same "
                "newsbrief, weights and prompts on every node"
            )
        return summarizer


class SummarizerWork(Generic[T, R]):
    """What an engine maps: :meth:`setup` once per worker, then the function per item.

    Subclasses implement :meth:`compute` (one item with a ready summarizer) and
    :meth:`lost` (the result recorded for an item whose worker died on every attempt).
    The summarizer of this process is used as it is by the local engine and left out when
    the work is pickled for remote workers, which rebuild it from the recipe.
    """

    def __init__(self, summarizer: Any, model: str) -> None:
        self.recipe = SummarizerRecipe.of(summarizer, model)
        self._summarizer = summarizer

    @property
    def in_process(self) -> bool:
        """True for an in-process model (a GGUF run by llama.cpp in the worker)."""
        return "n_threads" in self.recipe.backend_options

    @property
    def cpus(self) -> int:
        """CPUs one worker keeps busy: an in-process model's threads, else one."""
        return int(self.recipe.backend_options.get("n_threads") or 1)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_summarizer"] = None  # rebuilt by the worker from the recipe
        return state

    def summarizer(self) -> Any:
        if self._summarizer is None:
            self._summarizer = self.recipe.build()
        return self._summarizer

    def setup(self) -> Callable[[T], R]:
        summarizer = self.summarizer()
        return lambda item: self.compute(summarizer, item)

    def compute(self, summarizer: Any, item: T) -> R:
        raise NotImplementedError

    def name(self, item: T) -> str:
        """How messages name ``item`` (an article's id or path)."""
        return str(item)

    def lost(self, item: T, reason: str) -> R:
        raise NotImplementedError


def forwarded_env() -> dict[str, str]:
    """This process's variables a worker needs to build the same summarizer."""
    return {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_ENV_PREFIXES)}


__all__ = [
    "ENGINES",
    "RAY_INSTALL_HINT",
    "Engine",
    "EngineOptions",
    "SummarizerRecipe",
    "SummarizerWork",
    "fingerprint",
    "forwarded_env",
]
