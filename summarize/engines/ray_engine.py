"""The Ray engine: Ray Data feeds the articles to a pool of actors; this process writes.

    rows (one article each) ──Ray Data──▶ actor pool (each: one Summarizer, built once)
         ──results, as they finish──▶ this process ──▶ the caller's crash-safe JSONL log

- Each actor builds its summarizer once from the work's recipe (the embedded GGUF loaded
  once, or an endpoint client) and checks it against this process's: same model
  description, prompt content and parameters, or the run stops before a record is written.
- An in-process model's actor reserves as many CPUs as the model has threads, so Ray never
  puts two on the cores one needs; an endpoint's actor reserves one CPU (the reading layer)
  and runs ``concurrency`` articles at once in threads, each a request in flight.
- An actor that dies (killed, out of memory, a crash in the runtime) is restarted and its
  article retried, :data:`RETRIES` times (``$NEWSBRIEF_RAY_RETRIES``); an article whose
  actor died on every attempt is given to the work's ``lost`` (an error record) and the run
  goes on. A result that arrives twice (a retried task) is yielded once.
- The pool starts with the actors the cluster holds now (at least one) and grows to
  ``actors`` as CPUs free up or nodes join.
- Without an address (and no ``$RAY_ADDRESS``) a Ray head is started on this machine; it
  serves every run of this process and stops when the process exits.
- Through Ray Client (``ray://host:port``) this process cannot drive Ray Data itself: a
  coordinator actor (no CPU) runs the same pipeline inside the cluster and hands the results
  over as they arrive; this process still writes every record.

Ray is imported only here, and only when the engine runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from rich.console import Console
from rich.markup import escape

from summarize.core.errors import EngineError, EngineUnavailableError, SummarizeError
from summarize.engines.work import RAY_INSTALL_HINT, forwarded_env

T = TypeVar("T")
R = TypeVar("R")

#: Retries of an article whose actor died while computing it (then an error record);
#: ``$NEWSBRIEF_RAY_RETRIES`` overrides it.
RETRIES = 3
#: Seconds to wait for a cluster address to answer before giving up.
CONNECT_TIMEOUT_S = 10.0
#: Tries of a Ray Client connection whose server-side process failed to start.
CLIENT_ATTEMPTS = 3
#: Ray Data settings for a run: no Ray progress bars (ours counts articles), no execution
#: banner, and a block whose task failed for good does not stop the run (its article is lost).
_DATA_SETTINGS = {
    "enable_progress_bars": False,
    "enable_operator_progress_bars": False,
    "print_on_execution_start": False,
    "max_errored_blocks": -1,
}


class SummarizerActor:
    """One actor of the pool: the work's function, set up once, applied per row."""

    def __init__(self, work: bytes, env: dict[str, str]) -> None:
        os.environ.update(env)  # before the summarizer reads them: prompts, weights, endpoint
        self._fn = pickle.loads(work).setup()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        results = [pickle.dumps(self._fn(pickle.loads(blob))) for blob in batch["item"]]
        return {"index": batch["index"], "result": results}


class RayEngine:
    """Map work over items with a Ray actor pool (see the module docstring)."""

    name = "ray"

    def __init__(
        self, *, address: str | None = None, actors: int = 1, console: Console | None = None
    ) -> None:
        self.address = address
        self.actors = actors
        self.console = console or Console(stderr=True)
        self.retries = int(os.environ.get("NEWSBRIEF_RAY_RETRIES") or RETRIES)
        self.lost = 0

    def describe(self) -> str:
        where = f" at {self.address}" if self.address else ""
        return f"ray, {self.actors} actor(s){where}"

    def map(
        self,
        work: Any,
        items: Sequence[T],
        *,
        concurrency: int = 1,
        on_start: Callable[[T], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[T, R]]:
        if not items:
            return
        ray = connect(self.address)
        yield from self._map(ray, work, items, concurrency, stop)

    # --- internals ---------------------------------------------------------------------------
    def _pool_size(self, ray: Any, cpus: int) -> int:
        """Actors the cluster's nodes hold now, at ``cpus`` each; notes when below ``actors``."""
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        fits = sum(int(n.get("Resources", {}).get("CPU", 0) // cpus) for n in nodes)
        if fits < self.actors:
            need = f"{cpus} CPUs each" if cpus > 1 else "1 CPU each"
            self.console.print(
                f"[yellow]note:[/] the Ray cluster holds {fits} of the {self.actors} actor(s) "
                f"asked for ({need}){'' if fits else '; waiting for CPUs'}: the pool starts "
                f"with {max(fits, 1)} and grows when CPUs free up or nodes join",
                soft_wrap=True,
            )
        return max(1, min(fits, self.actors))

    def _map(
        self,
        ray: Any,
        work: Any,
        items: Sequence[T],
        concurrency: int,
        stop: Callable[[], bool] | None,
    ) -> Iterator[tuple[T, R]]:
        cpus = work.cpus
        spec = {
            "work": pickle.dumps(work),
            "env": forwarded_env(),
            "rows": [{"index": i, "item": pickle.dumps(item)} for i, item in enumerate(items)],
            "actors": self.actors,
            "initial": self._pool_size(ray, cpus),
            "cpus": cpus,
            # No queue on an actor: a task queued behind an article that crashes the actor
            # dies with it and shares its retries (an innocent article recorded as lost).
            # An endpoint's actor runs `concurrency` articles at once, each a request.
            "in_flight": 1 if work.in_process else concurrency,
            "concurrency": concurrency,
            "retries": self.retries,
        }
        source = _via_coordinator(ray, spec, stop) if _is_client(ray) else _results(**spec)
        seen: set[int] = set()
        try:
            for index, blob in source:
                if index not in seen:  # a retried task may deliver a result twice
                    seen.add(index)
                    yield items[index], pickle.loads(blob)
                if stop is not None and stop():
                    raise KeyboardInterrupt
        except (SummarizeError, KeyboardInterrupt, GeneratorExit):
            raise
        except Exception as exc:
            raise _unwrap(exc) from None
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        for index, item in enumerate(items):
            if index not in seen:
                self.lost += 1
                self.console.print(
                    f"[red]lost:[/] {escape(work.name(item))}: its actor died on "
                    f"each of {self.retries + 1} attempts; recorded as an error",
                    soft_wrap=True,
                )
                yield (
                    item,
                    work.lost(
                        item,
                        f"no result from the Ray workers: the actor died on "
                        f"each of {self.retries + 1} attempts (a crash in "
                        "the model runtime, or killed: see the Ray logs)",
                    ),
                )


def _results(
    *,
    work: bytes,
    env: dict[str, str],
    rows: list[dict[str, Any]],
    actors: int,
    initial: int,
    cpus: int,
    in_flight: int,
    concurrency: int,
    retries: int,
) -> Iterator[tuple[int, bytes]]:
    """The pipeline: rows through Ray Data to the actor pool; ``(index, pickled result)``
    as results arrive. Runs in the driver, or in the coordinator for a Ray Client driver."""
    import ray.data

    context = ray.data.DataContext.get_current()
    saved = {k: getattr(context, k) for k in _DATA_SETTINGS}
    data_logger = logging.getLogger("ray.data")
    saved_level = data_logger.level
    with warnings.catch_warnings():
        # Ray's own deprecation notices (its DataContext warns as it copies itself).
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        try:
            for key, value in _DATA_SETTINGS.items():
                setattr(context, key, value)
            data_logger.setLevel(logging.CRITICAL)  # a lost article is reported by the engine
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
            options: dict[str, Any] = {
                "fn_constructor_args": (work, env),
                "batch_size": 1,
                "batch_format": "numpy",
                "compute": ray.data.ActorPoolStrategy(
                    min_size=1,
                    max_size=actors,
                    initial_size=initial,
                    max_tasks_in_flight_per_actor=in_flight,
                    max_concurrent_calls_per_actor=concurrency,
                    enable_true_multi_threading=concurrency > 1,
                ),
                "num_cpus": cpus,
            }
            try:
                # Ray 2.60 deprecates retries through ray_remote_args and names no successor;
                # without them an actor's tasks are retried without end (Ray Data's default).
                dataset = dataset.map_batches(
                    SummarizerActor, **options, max_restarts=-1, max_task_retries=retries
                )
            except TypeError:
                dataset = dataset.map_batches(SummarizerActor, **options)
            for row in dataset.iter_rows():
                yield int(row["index"]), row["result"]
        finally:
            for key, value in saved.items():
                with contextlib.suppress(Exception):
                    setattr(context, key, value)
            data_logger.setLevel(saved_level)


def _is_client(ray: Any) -> bool:
    """True when this process reaches the cluster through Ray Client (``ray://``)."""
    try:
        from ray.util.client import ray as client

        return bool(client.is_connected())
    except Exception:
        return False


class Coordinator:
    """The pipeline run inside the cluster for a Ray Client driver, whose process cannot
    drive Ray Data itself; results are handed over in small batches as they arrive."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._pump, args=(spec,), daemon=True).start()

    def _pump(self, spec: dict[str, Any]) -> None:
        try:
            for entry in _results(**spec):
                self._queue.put(entry)
        except BaseException as exc:
            try:
                pickle.dumps(exc)
            except Exception:
                exc = EngineError(f"the Ray run failed: {_first_line(exc)}")
            self._queue.put(("error", exc))
        finally:
            self._queue.put(None)

    def next(self, most: int = 64, wait_s: float = 1.0) -> list[Any]:
        """Up to ``most`` entries: ``(index, result)``, ``("error", exc)``, ``None`` (done)."""
        try:
            out = [self._queue.get(timeout=wait_s)]
        except queue.Empty:
            return []
        while len(out) < most and out[-1] is not None:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return out


def _via_coordinator(
    ray: Any, spec: dict[str, Any], stop: Callable[[], bool] | None
) -> Iterator[tuple[int, bytes]]:
    coordinator = ray.remote(Coordinator).options(num_cpus=0, max_restarts=0).remote(spec)
    try:
        while True:
            for entry in ray.get(coordinator.next.remote()):
                if entry is None:
                    return
                if entry[0] == "error":
                    raise entry[1]
                yield entry
            if stop is not None and stop():
                raise KeyboardInterrupt
    finally:
        with contextlib.suppress(Exception):
            ray.kill(coordinator)


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or :class:`EngineUnavailableError` with the install."""
    try:
        import ray
        import ray.data  # ray without its data extra has no Ray Data
    except ImportError as exc:
        raise EngineUnavailableError(
            f"--engine ray needs Ray with Ray Data ({exc.name or 'ray'} is missing): "
            f"{RAY_INSTALL_HINT}"
        ) from None
    return ray


def connect(address: str | None) -> Any:
    """Join the cluster at ``address`` (else ``$RAY_ADDRESS``, else start a head here) unless
    this process is connected already; return the ``ray`` module.

    A head started here serves every run of this process (an eval's model x prompt matrix)
    and is shut down by Ray when the process exits.
    """
    ray = import_ray()
    if ray.is_initialized():
        return ray
    address = address or os.environ.get("RAY_ADDRESS") or None
    options: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    if address is not None:
        _check_reachable(address)
    try:
        if address is None:  # a head on this machine, for this process
            ray.init(address="local", include_dashboard=False, **options)
        elif address.startswith("ray://"):
            _client_token()
            _client_init(ray, address)
        else:
            ray.init(address=address, **options)
    except Exception as exc:  # ConnectionError, ValueError, RuntimeError... one message
        what = (
            "start a Ray head on this machine"
            if address is None
            else f"connect to the Ray cluster at {address}"
        )
        raise EngineError(f"cannot {what}: {_first_line(exc)}") from None
    return ray


def _client_init(ray: Any, address: str, attempts: int = CLIENT_ATTEMPTS) -> None:
    """``ray.init`` through Ray Client, tried again when the cluster's client server could
    not start this client's own server process in time (``Initialization failure from
    server``, seen on busy heads); any other failure is final."""
    for attempt in range(1, attempts + 1):
        try:
            ray.init(address=address, logging_level=logging.WARNING)
            return
        except ConnectionAbortedError:
            if attempt == attempts:
                raise
            with contextlib.suppress(Exception):
                ray.shutdown()
            time.sleep(2.0 * attempt)


def _client_token() -> None:
    """Ray Client (2.60) sends the cluster's token only in token mode, which ``ray.init``
    turns on by itself for the other addresses: do what it does, when a token is at hand
    (``$RAY_AUTH_TOKEN``, ``$RAY_AUTH_TOKEN_PATH`` or ``~/.ray/auth_token``)."""
    if "RAY_AUTH_MODE" in os.environ:
        return
    with contextlib.suppress(Exception):  # a private helper: absent in other Ray versions
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )

        maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def _check_reachable(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast on a ``host:port`` (or ``ray://host:port``) nobody answers on: Ray itself
    keeps retrying an unreachable GCS for minutes."""
    if address in ("auto", "local"):
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        raise EngineError(f"--address {address}: expected auto, ray://host:port or host:port")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise EngineError(
            f"cannot connect to the Ray cluster at {address}: "
            f"{exc.strerror or exc} (is a head running there?)"
        ) from None


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _unwrap(exc: BaseException) -> SummarizeError:
    """The newsbrief error behind a Ray failure (an actor that could not start), else one
    :class:`EngineError` that says what Ray said."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SummarizeError):
            return current
        cause = getattr(current, "cause", None)
        if isinstance(cause, BaseException) and id(cause) not in seen:
            current = cause
            continue
        current = current.__cause__ or current.__context__
    return EngineError(f"the Ray run failed: {_first_line(exc)}")


__all__ = ["RETRIES", "Coordinator", "RayEngine", "SummarizerActor", "connect", "import_ray"]
