"""Every error the harness raises on purpose, under one base beneath the library's.

``EvalError`` derives from :class:`summarize.errors.SummarizeError`, so the ``newsbrief``
command reports any of them as one line (exit 2) and a caller needs one ``except``. The
subclasses say what to fix: a gold file, a run directory, or a request to compare runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from summarize.errors import CorruptLineError, SummarizeError

#: A gold error message lists at most this many further problems of the same file.
_MAX_LISTED_PROBLEMS = 8


class EvalError(SummarizeError):
    """Base of every error the eval harness raises on purpose."""


# --- gold ----------------------------------------------------------------------------------
class GoldError(EvalError):
    """A gold file breaks the annotation guide; says which file, which item and why.

    ``problems`` holds every (item, reason) found in one pass (the first is ``item`` and
    ``reason``), so an annotator can fix a whole file in one round instead of one per run.
    """

    def __init__(
        self,
        path: Path,
        item: str,
        reason: str,
        more: list[tuple[str, str]] | None = None,
    ) -> None:
        self.path = path
        self.item = item
        self.reason = reason
        self.problems: list[tuple[str, str]] = [(item, reason), *(more or [])]
        message = f"{_display(path)}: {item}: {reason}"
        extra = self.problems[1:]
        if extra:
            listed = extra[:_MAX_LISTED_PROBLEMS]
            message += f"\n  ({len(extra)} more problem{'s' if len(extra) > 1 else ''})"
            message += "".join(f"\n  {i}: {r}" for i, r in listed)
            if len(extra) > len(listed):
                message += f"\n  ... and {len(extra) - len(listed)} more"
        super().__init__(message)


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it (shorter messages)."""
    try:
        return os.fspath(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.fspath(path)


class InjectionSuiteError(EvalError):
    """An injection case (article + expectation file) is missing or malformed."""


# --- run directories -------------------------------------------------------------------------
class RunStoreError(EvalError):
    """A run directory cannot be used as it is; the message says which file and why."""


class RunFormatError(RunStoreError):
    """The directory is not a run directory, or was written by another format version."""

    def __init__(self, path: Path, message: str, *, found: int | None = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.found = found


class CorruptRecordError(RunStoreError, CorruptLineError):
    """A line of ``records.jsonl`` is not a valid record (and is not the kill artefact).

    Also a :class:`~summarize.errors.CorruptLineError`: the run store and batch output share
    one append-only log (:mod:`summarize.core.jsonl`) and its crash rules.
    """


class RunMismatchError(RunStoreError):
    """A resume or rescore was asked with inputs that differ from the run's own."""


# --- comparing -------------------------------------------------------------------------------
class CompareError(EvalError):
    """Runs cannot be compared; the message says which and why."""


class SuiteMismatchError(CompareError):
    """The runs share no article: they were made on different suites."""


class BaselineError(CompareError):
    """A baseline cannot be written or read; the message says which file and why."""


__all__ = [
    "BaselineError",
    "CompareError",
    "CorruptRecordError",
    "EvalError",
    "GoldError",
    "InjectionSuiteError",
    "RunFormatError",
    "RunMismatchError",
    "RunStoreError",
    "SuiteMismatchError",
]
