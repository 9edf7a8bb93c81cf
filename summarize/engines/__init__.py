"""Engines: where the per-article work of a batch or an eval run is computed.

- ``local`` (the default): in this process, one article at a time, or ``--concurrency N``
  threads for endpoint models (:mod:`summarize.engines.local`);
- ``ray``: a pool of actors on a Ray cluster, fed by Ray Data (:mod:`summarize.engines.ray_engine`,
  the optional extra ``newsbrief[ray]``; Ray is imported only when this engine runs).

Either way the caller's process is the only writer: an engine computes, and yields
``(item, result)`` pairs as they finish; the batch and the eval run append them to their
crash-safe JSONL logs exactly as before. The unit of work is a :class:`SummarizerWork`: a
picklable recipe that each worker turns into its own :class:`~summarize.pipeline.Summarizer`
once (the embedded model loaded once per actor, an endpoint client kept per actor), checked
against the summarizer of this process so that a worker with other weights, another prompt
or other parameters fails at start instead of writing records under the wrong label.
"""

from __future__ import annotations

import os
from typing import Any

from summarize.core.errors import EngineError
from summarize.engines.work import (
    ENGINES,
    RAY_INSTALL_HINT,
    Engine,
    EngineOptions,
    SummarizerRecipe,
    SummarizerWork,
    fingerprint,
    forwarded_env,
)


def check_engine(options: EngineOptions | None) -> None:
    """Refuse an unknown engine, flags that need ``--engine ray``, or Ray not installed; join
    the cluster that ``--address`` (or ``$RAY_ADDRESS``) names, so that a wrong address fails
    now. Called before any model loads (the CLI does it with the other checks); a head on
    this machine is started only when there is work for it.
    """
    if options is None:
        return
    if options.name not in ENGINES:
        raise EngineError(f"unknown engine {options.name!r}: use one of {', '.join(ENGINES)}")
    if options.name != "ray":
        given = [
            flag
            for flag, value in (("--address", options.address), ("--actors", options.actors))
            if value is not None
        ]
        if given:
            raise EngineError(
                f"{' and '.join(given)} go{'es' if len(given) == 1 else ''} with --engine ray"
            )
        return
    if options.actors is not None and options.actors < 1:
        raise EngineError(f"--actors must be at least 1, not {options.actors}")
    from summarize.engines.ray_engine import connect, import_ray

    import_ray()
    if options.address or os.environ.get("RAY_ADDRESS"):
        connect(options.address)


def make_engine(options: EngineOptions | None = None, *, console: Any = None) -> Engine:
    """The engine ``options`` name (the local one for ``None``)."""
    check_engine(options)
    if options is None or options.name == "local":
        from summarize.engines.local import LocalEngine

        return LocalEngine()
    from summarize.engines.ray_engine import RayEngine

    return RayEngine(address=options.address, actors=options.actors or 1, console=console)


__all__ = [
    "ENGINES",
    "RAY_INSTALL_HINT",
    "Engine",
    "EngineOptions",
    "SummarizerRecipe",
    "SummarizerWork",
    "check_engine",
    "fingerprint",
    "forwarded_env",
    "make_engine",
]
