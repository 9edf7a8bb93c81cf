"""The local engine: this process computes, one item at a time or in ``concurrency`` threads.

Serial (the default, and always for an in-process model, since two generations at once on
a few cores make each many times slower): an item is computed when the caller asks for the
next result, so a caller that stops between results stops between articles. With
``concurrency`` > 1 (endpoint models) at most that many calls are in flight; results come in
the order they finish, and on an early exit queued items are cancelled and those in flight
abandoned (never yielded, so never recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Seconds between looks at ``stop()`` while threads compute.
POLL_S = 0.5


class LocalEngine:
    """Compute in this process (see the module docstring)."""

    name = "local"

    def describe(self) -> str:
        return "local"

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
        fn = work.setup()
        if concurrency <= 1:
            for item in items:
                if stop is not None and stop():
                    raise KeyboardInterrupt
                if on_start is not None:
                    on_start(item)
                yield item, fn(item)
            return
        pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="newsbrief-work")
        try:
            queue = iter(items)
            pending: dict[Future[R], T] = {}

            def fill() -> None:
                while len(pending) < concurrency:
                    item = next(queue, _END)
                    if item is _END:
                        return
                    pending[pool.submit(fn, item)] = item

            fill()
            while pending:
                finished, _ = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
                for future in finished:
                    item = pending.pop(future)
                    yield item, future.result()
                if stop is not None and stop():
                    raise KeyboardInterrupt
                fill()
        finally:
            # Queued work is cancelled; calls in flight are abandoned, never yielded.
            pool.shutdown(wait=False, cancel_futures=True)


_END: Any = object()

__all__ = ["LocalEngine"]
