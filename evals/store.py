"""Run directories on disk, written so that a killed run loses at most the article in flight.

A run directory ``<root>/<run_id>/`` holds ``config.json`` (:class:`~evals.records.RunConfig`),
``records.jsonl`` (one :class:`~evals.records.ArticleRecord` per line) and, once the run has
finished, ``aggregate.json`` (:class:`~evals.records.RunAggregate`).

Crash safety, and why each rule exists:

- A record is appended as **one** ``write`` of the whole line including its newline, then
  flushed and ``fsync``-ed. A kill can therefore only leave a *trailing* fragment without a
  newline; a record counts only once its newline is on disk.
- Reading reports that trailing fragment with a :class:`PartialLineWarning` and ignores it
  (it is the known artefact of a kill); the next append truncates it first, so the fragment
  never ends up glued to the next record.
- Anything else that does not parse (a damaged line in the middle, an edit gone wrong) raises
  :class:`CorruptRecordError` naming the file and the line: a record is never silently
  skipped, because a silently skipped record would be silently re-computed or, worse, make
  a run look complete with fewer articles than it claims.
- Whole-file rewrites (``config.json``, ``aggregate.json``, ``records.jsonl`` after a
  rescore) go to a temporary file in the same directory that is ``fsync``-ed and renamed
  over the old one, so a reader sees either the old or the new file, never half of one.

The result cache: every successful record carries a ``cache_key`` (sha256 of the model's
identity, the prompt's content hash, the article text and the decoding parameters). The
index ``<root>/.cache-index.jsonl`` maps keys to the run and line that hold such a record,
so re-running an unchanged (model, prompt, suite) serves every article from disk. The index
is derived data: a damaged index line is warned about and ignored, and every hit is checked
against the record it points to before it is served.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from evals.records import FORMAT_VERSION, ArticleRecord, RunAggregate, RunConfig
from summarize.errors import SummarizeError

CONFIG_FILE = "config.json"
RECORDS_FILE = "records.jsonl"
AGGREGATE_FILE = "aggregate.json"
CACHE_INDEX_FILE = ".cache-index.jsonl"
#: Bumped when the inputs of :func:`cache_key` change meaning, so old keys stop matching.
CACHE_KEY_VERSION = "newsbrief-cache-v1"


# --- errors ---------------------------------------------------------------------------------
class RunStoreError(SummarizeError):
    """A run directory cannot be used as it is; the message says which file and why.

    Derives from :class:`SummarizeError` so that the ``newsbrief`` CLI reports it as a
    one-line message (exit 2) like every other error a user can act on.
    """


class RunFormatError(RunStoreError):
    """The directory is not a run directory, or was written by another format version."""

    def __init__(self, path: Path, message: str, *, found: int | None = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.found = found


class CorruptRecordError(RunStoreError):
    """A line of a JSONL file is not a valid record (and is not the trailing kill artefact)."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: corrupt record: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class RunMismatchError(RunStoreError):
    """A resume was asked with a configuration that differs from the run's own."""


class PartialLineWarning(UserWarning):
    """A JSONL file ends in a line without newline: a write cut short by a kill."""


# --- low-level file helpers -------------------------------------------------------------------
def _fsync_dir(directory: Path) -> None:
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
    _fsync_dir(path.parent)


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

    Shared by run records and by ``evals.batch`` output so both behave the same under a kill.
    Appends are serialized by a lock, so worker threads may append concurrently.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._checked_tail = False
        self._lines: int | None = None

    # reading
    def read(self) -> list[JsonlLine]:
        """Every complete line, parsed; raise CorruptRecordError for an unparsable line.

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
                raise CorruptRecordError(self.path, number, f"not UTF-8 ({exc.reason})") from None
            except json.JSONDecodeError as exc:
                raise CorruptRecordError(
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


# --- the run directory ------------------------------------------------------------------------
def _check_version(path: Path, data: Any, what: str) -> None:
    if not isinstance(data, dict):
        raise RunFormatError(path, f"{what} is not a JSON object")
    found = data.get("format_version")
    if found != FORMAT_VERSION:
        raise RunFormatError(
            path,
            f"{what} has format_version {found!r}, but this newsbrief reads format_version "
            f"{FORMAT_VERSION}; use the newsbrief version that wrote it, or re-run",
            found=found if isinstance(found, int) else None,
        )


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFormatError(path.parent, f"not a run directory (no {path.name})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFormatError(path, f"{what} is not valid JSON: {exc}") from None


class RunStore:
    """One run directory: its config, its append-only records and its aggregate."""

    def __init__(self, path: Path, config: RunConfig) -> None:
        """Use :meth:`create` or :meth:`open`; this only binds an already-checked directory."""
        self.path = Path(path)
        self.config = config
        self._log = JsonlLog(self.path / RECORDS_FILE)

    @property
    def run_id(self) -> str:
        return self.config.run_id

    @property
    def records_path(self) -> Path:
        return self.path / RECORDS_FILE

    @classmethod
    def create(cls, root: Path, config: RunConfig) -> RunStore:
        """Make ``root/<config.run_id>/`` with its config and an empty record file.

        Refuses an existing directory: a run id names exactly one run.
        """
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        path = root / config.run_id
        try:
            path.mkdir()
        except FileExistsError:
            raise RunStoreError(f"{path}: a run with this id already exists") from None
        atomic_write_text(path / CONFIG_FILE, config.model_dump_json(indent=2) + "\n")
        (path / RECORDS_FILE).touch()
        _fsync_dir(path)
        return cls(path, config)

    @classmethod
    def open(cls, path: Path) -> RunStore:
        """Open an existing run directory; RunFormatError for another format version."""
        path = Path(path)
        if not path.is_dir():
            raise RunFormatError(path, "no such run directory")
        data = _read_json(path / CONFIG_FILE, CONFIG_FILE)
        _check_version(path / CONFIG_FILE, data, CONFIG_FILE)
        try:
            config = RunConfig.model_validate(data)
        except ValidationError as exc:
            raise RunFormatError(path / CONFIG_FILE, f"invalid run config: {exc}") from None
        return cls(path, config)

    # records
    def append(self, record: ArticleRecord) -> int:
        """Append one record durably (see the module docstring); return its line number."""
        return self._log.append(record)

    def iter_numbered(self) -> Iterator[tuple[int, ArticleRecord]]:
        """(line number, record) for every complete line; CorruptRecordError on a bad one."""
        for line in self._log.read():
            if isinstance(line.value, dict) and line.value.get("format_version") not in (
                None,
                FORMAT_VERSION,
            ):
                raise RunFormatError(
                    self.records_path,
                    f"line {line.number} has format_version {line.value.get('format_version')!r}"
                    f", expected {FORMAT_VERSION}",
                )
            try:
                record = ArticleRecord.model_validate(line.value)
            except ValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
                where = ".".join(str(p) for p in first.get("loc", ())) or "record"
                raise CorruptRecordError(
                    self.records_path, line.number, f"{where}: {first.get('msg')}"
                ) from None
            yield line.number, record

    def records(self) -> list[ArticleRecord]:
        """Every record, in the order written."""
        return [record for _, record in self.iter_numbered()]

    def rewrite_records(self, records: list[ArticleRecord]) -> None:
        """Replace all records atomically (``rescore``); line numbers stay in step with order."""
        self._log.rewrite(list(records))

    def done_keys(self) -> set[tuple[str, int]]:
        """(article id, repeat) of every recorded article, failed ones included.

        A failure is a result too: a resume does not retry it (start a new run for that).
        """
        return {(r.article_id, r.repeat) for r in self.records()}

    def missing_keys(self) -> set[tuple[str, int]]:
        """(article id, repeat) pairs the config asks for that have no record yet."""
        expected = {(a, r) for a in self.config.articles for r in range(self.config.repeats)}
        return expected - self.done_keys()

    # aggregate
    def write_aggregate(self, aggregate: RunAggregate) -> None:
        atomic_write_text(self.path / AGGREGATE_FILE, aggregate.model_dump_json(indent=2) + "\n")

    @property
    def aggregate(self) -> RunAggregate | None:
        """The aggregate, or None while the run has not finished (or was never aggregated)."""
        path = self.path / AGGREGATE_FILE
        if not path.exists():
            return None
        data = _read_json(path, AGGREGATE_FILE)
        _check_version(path, data, AGGREGATE_FILE)
        try:
            return RunAggregate.model_validate(data)
        except ValidationError as exc:
            raise RunFormatError(path, f"invalid aggregate: {exc}") from None

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"


# --- the result cache ------------------------------------------------------------------------
def cache_key(
    model_info: dict[str, Any],
    prompt_hash: str,
    article_text: str,
    params: dict[str, Any],
    *,
    version: str | None = None,
) -> str:
    """sha256 of everything that determines a prediction: model identity, prompt, text, params.

    ``model_info`` is ``backend.describe()`` (the weights hash for a local model, the
    endpoint and model name for a server), so a different quantisation or server never
    matches. The newsbrief version (``version``; default: the installed one) is folded in
    too: a release that changes the pipeline must not be served predictions of the old one;
    ``rescore`` passes the version recorded in the run to re-check an old run's keys.
    Canonical JSON (sorted keys) makes the key independent of dict order.
    """
    newsbrief = version if version is not None else newsbrief_version()
    payload = json.dumps(
        {
            "v": CACHE_KEY_VERSION,
            "newsbrief": newsbrief,
            "model": model_info,
            "prompt": prompt_hash,
            "article_sha256": hashlib.sha256(article_text.encode("utf-8")).hexdigest(),
            "params": params,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def newsbrief_version() -> str:
    try:
        release = metadata.version("newsbrief")
    except metadata.PackageNotFoundError:  # an uninstalled checkout still gets a stable key
        release = "unknown"
    return f"{release}+code.{library_code_digest()[:12]}"


@functools.lru_cache(maxsize=1)
def library_code_digest() -> str:
    """sha256 over the library's source files: a checkout whose pipeline code changed must
    not be served predictions of the old code under an unchanged release number."""
    import summarize

    root = Path(summarize.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


class CacheIndex:
    """``<root>/.cache-index.jsonl``: cache key + repeat -> (run directory, line).

    Loaded once per run; lookups read the referenced run's records once and keep them. The
    repeat index is part of the lookup: repeat *k* of a new run is served from repeat *k* of
    an earlier one, so repeats stay distinct samples when decoding is not deterministic.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / CACHE_INDEX_FILE
        self._log = JsonlLog(self.path)
        self._entries: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._runs: dict[str, dict[int, ArticleRecord] | None] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PartialLineWarning)  # the index is derived data
            try:
                lines = self._log.read()
            except CorruptRecordError as exc:
                warnings.warn(f"cache index unusable, ignored: {exc}", stacklevel=2)
                return
        for line in lines:
            v = line.value
            try:
                key = (str(v["key"]), int(v.get("repeat", 0)))
                self._entries.setdefault(key, []).append((str(v["run"]), int(v["line"])))
            except (KeyError, TypeError, ValueError):
                warnings.warn(f"{self.path}, line {line.number}: bad index entry ignored",
                              stacklevel=2)

    def add(self, key: str, repeat: int, run_dir: Path, line: int) -> None:
        """Record that ``run_dir``'s records line ``line`` holds an ok result for ``key``."""
        run = os.path.relpath(Path(run_dir).resolve(), self.root.resolve())
        self._entries.setdefault((key, repeat), []).append((run, line))
        self._log.append({"key": key, "repeat": repeat, "run": run, "line": line})

    def _run_records(self, run: str) -> dict[int, ArticleRecord] | None:
        if run not in self._runs:
            try:
                store = RunStore.open(self.root / run)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", PartialLineWarning)
                    self._runs[run] = dict(store.iter_numbered())
            except RunStoreError:
                self._runs[run] = None  # deleted, damaged or foreign: not a cache source
        return self._runs[run]

    def invalidate(self, run_dir: Path) -> None:
        """Forget the records read from ``run_dir`` (after it was rewritten)."""
        run = os.path.relpath(Path(run_dir).resolve(), self.root.resolve())
        self._runs.pop(run, None)

    def find(self, key: str, repeat: int = 0, *,
             exclude: Path | None = None) -> ArticleRecord | None:
        """The first still-valid ok record for (key, repeat), checked against the record file."""
        skip = (
            os.path.relpath(Path(exclude).resolve(), self.root.resolve())
            if exclude is not None else None
        )
        for run, line in self._entries.get((key, repeat), []):
            if run == skip:
                continue
            records = self._run_records(run)
            record = records.get(line) if records else None
            if (
                record is not None
                and record.cache_key == key
                and record.repeat == repeat
                and record.status == "ok"
                and record.prediction is not None
            ):
                return record
        return None


def find_cached(root: Path, key: str, repeat: int = 0) -> ArticleRecord | None:
    """An ok record with this cache key (and repeat) from any run under ``root``, or None.

    Failed records are never indexed nor served: a failure may be transient (a server
    down), and serving it would make the failure permanent.
    """
    return CacheIndex(root).find(key, repeat)


def rebuild_cache_index(root: Path) -> int:
    """Re-create the index from every run under ``root``; return the number of entries.

    For an index lost or damaged by hand; runs whose records do not read are skipped.
    """
    root = Path(root)
    entries: list[dict[str, Any]] = []
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            store = RunStore.open(run_dir)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PartialLineWarning)
                numbered = list(store.iter_numbered())
        except RunStoreError:
            continue
        for line, record in numbered:
            if record.status == "ok" and record.prediction is not None:
                entries.append({"key": record.cache_key, "repeat": record.repeat,
                                "run": run_dir.name, "line": line})
    if root.is_dir():
        JsonlLog(root / CACHE_INDEX_FILE).rewrite(entries)
    return len(entries)


__all__ = [
    "AGGREGATE_FILE",
    "CACHE_INDEX_FILE",
    "CONFIG_FILE",
    "RECORDS_FILE",
    "CacheIndex",
    "CorruptRecordError",
    "JsonlLog",
    "PartialLineWarning",
    "RunFormatError",
    "RunMismatchError",
    "RunStore",
    "RunStoreError",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_key",
    "find_cached",
    "rebuild_cache_index",
]
