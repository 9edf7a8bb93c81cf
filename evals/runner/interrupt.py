"""Ctrl-C during a run: the first lets the article in flight finish and be written, the
second abandons it. What was written stays written, and the error names the run to resume."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by Ctrl-C; everything finished before it is on disk.

    A ``KeyboardInterrupt`` so that callers who do not know this class still stop; the CLI
    catches it to print how to resume and exits 130.
    """

    def __init__(self, run_dir: Path, done: int, total: int) -> None:
        super().__init__(f"interrupted: {done} of {total} records kept in {run_dir}")
        self.run_dir = run_dir
        self.done = done
        self.total = total

    @property
    def resume_command(self) -> str:
        return f"newsbrief eval run --resume {self.run_dir}"


class _StopRequest:
    """First SIGINT: finish the article in flight, then stop. Second: abort it at once."""

    def __init__(self, console: Console) -> None:
        self.requested = False
        self.console = console

    def handler(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.console.print(
            "[yellow]Stopping after the current article (Ctrl-C again to abandon it)…[/]"
        )


@contextmanager
def graceful_sigint(console: Console) -> Iterator[_StopRequest]:
    stop = _StopRequest(console)
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        # Signals reach the main thread only (an embedding app handles them there), and a
        # process started with Ctrl-C ignored (nohup, a background job) keeps ignoring it.
        yield stop
        return
    previous = signal.signal(signal.SIGINT, stop.handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


__all__ = ["RunInterrupted", "graceful_sigint"]
