"""Append-only JSONL files that a kill cannot corrupt, and atomic whole-file rewrites.

Why these rules: a batch or an eval run may be killed at any moment and must resume from
what is on disk. A line is appended with one ``write`` + ``fsync``, so a kill can only leave
a trailing fragment without newline; reading warns about that fragment
(:class:`PartialLineWarning`) and the next append truncates it. Any other bad line raises
:class:`~summarize.core.errors.CorruptLineError`: a silently skipped line would be silently
recomputed, or make a run look complete with fewer articles than it claims. Rewrites go
through a temporary file renamed into place, so a reader sees the old or the new file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from summarize.core.errors import CorruptLineError


class PartialLineWarning(UserWarning):
    """A JSONL file ends in a line without newline: a write cut short by a kill."""


def fsync_dir(directory: Path) -> None:
    """Persist a rename: on POSIX the directory entry itself must be synced."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a reader (or a crash) sees old or new, never half."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _dump_line(obj: BaseModel | dict[str, Any]) -> bytes:
    """One JSON line (compact, UTF-8, newline-terminated); never contains a raw newline."""
    if isinstance(obj, BaseModel):
        text = obj.model_dump_json()
    else:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class JsonlLine:
    """One complete line of a JSONL file: its 1-based number and parsed JSON value."""

    number: int
    value: Any


class JsonlLog:
    """An append-only JSONL file with the crash rules of this module (see the docstring).

    Shared by batch output (:mod:`summarize.batch`) and eval run records, so both behave the
    same under a kill. Appends are serialized by a lock, so worker threads may append.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._checked_tail = False
        self._lines: int | None = None

    # reading
    def read(self) -> list[JsonlLine]:
        """Every complete line, parsed; raise CorruptLineError for an unparsable line.

        Blank lines carry no record and are passed over. A trailing fragment without newline
        is warned about (:class:`PartialLineWarning`) and not returned.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        complete, _, tail = data.rpartition(b"\n")
        if tail:
            warnings.warn(
                f"{self.path}: ignoring a partial last line ({len(tail)} bytes, no newline): "
                "the write was cut short, probably by a kill; it is removed before the next "
                "append",
                PartialLineWarning,
                stacklevel=3,
            )
        out: list[JsonlLine] = []
        for number, raw in enumerate(complete.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise CorruptLineError(self.path, number, f"not UTF-8 ({exc.reason})") from None
            except json.JSONDecodeError as exc:
                raise CorruptLineError(
                    self.path, number, f"not valid JSON: {exc.msg} at column {exc.colno}"
                ) from None
            out.append(JsonlLine(number, value))
        return out

    # writing
    def _repair_tail(self) -> None:
        """Truncate a trailing fragment left by a kill, once, before the first append."""
        if self._checked_tail:
            return
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            self._checked_tail = True
            self._lines = 0
            return
        with open(self.path, "rb+") as f:
            data = f.read()
            keep = data.rfind(b"\n") + 1  # 0 when the file holds no newline at all
            if keep != size:
                f.truncate(keep)
                f.flush()
                os.fsync(f.fileno())
            self._lines = data[:keep].count(b"\n")
        self._checked_tail = True

    def append(self, obj: BaseModel | dict[str, Any]) -> int:
        """Append one line with a single write + flush + fsync; return its line number."""
        data = _dump_line(obj)
        with self._lock:
            self._repair_tail()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(data)
                while view:  # one write() unless the OS accepts only part of it
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            assert self._lines is not None
            self._lines += 1
            return self._lines

    def rewrite(self, objs: list[BaseModel | dict[str, Any]]) -> None:
        """Replace the whole file atomically (a rescore, dropping failed batch lines)."""
        with self._lock:
            atomic_write_bytes(self.path, b"".join(_dump_line(o) for o in objs))
            self._checked_tail = True
            self._lines = len(objs)


__all__ = [
    "JsonlLine",
    "JsonlLog",
    "PartialLineWarning",
    "atomic_write_bytes",
    "atomic_write_text",
    "fsync_dir",
]
