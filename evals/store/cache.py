"""The result cache: an unchanged (model, prompt, article, parameters) is never computed twice.

Every successful record carries a ``cache_key``. The index, a stdlib ``sqlite3`` table in
``<runs root>/.cache-index.sqlite``, maps (key, repeat) to the run and line holding such a
record. It is derived data: every hit is checked against the record it points to before it
is served, and an index that is missing or damaged is rebuilt from the run directories. The
run directories stay the only source of truth, in plain JSON.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import warnings
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from evals.errors import RunStoreError
from evals.store.records import ArticleRecord
from evals.store.rundir import RunStore, quiet_records

CACHE_INDEX_FILE = ".cache-index.sqlite"
#: Bumped when the inputs of :func:`cache_key` change meaning, so old keys stop matching.
CACHE_KEY_VERSION = "newsbrief-cache-v1"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, repeat INTEGER NOT NULL, "
    "run TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (key, repeat, run, line))"
)


def cache_key(
    model_info: dict[str, Any],
    prompt_hash: str,
    article_text: str,
    params: dict[str, Any],
    *,
    version: str | None = None,
    behaviour_hash: str = "",
) -> str:
    """sha256 of everything that determines a prediction: model identity, prompt (its files
    and, as ``behaviour_hash``, its passes' code), text, params.

    ``model_info`` is ``backend.describe()``, so another quantisation or server never
    matches. The newsbrief version (default: this checkout's, see :func:`newsbrief_version`)
    is folded in so a changed pipeline is not served the old one's predictions; ``rescore``
    passes the version and behaviour hash a run recorded to re-check its keys (a run
    recorded before behaviour hashes has none, and its keys stay what they were).
    """
    newsbrief = version if version is not None else newsbrief_version()
    behaviour = {"behaviour": behaviour_hash} if behaviour_hash else {}
    payload = json.dumps(
        {
            "v": CACHE_KEY_VERSION,
            "newsbrief": newsbrief,
            "model": model_info,
            "prompt": prompt_hash,
            **behaviour,
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
    """The release plus a digest of the library's code: a changed checkout is a new version."""
    try:
        release = metadata.version("newsbrief")
    except metadata.PackageNotFoundError:  # an uninstalled checkout still gets a stable key
        release = "unknown"
    return f"{release}+code.{library_code_digest()[:12]}"


@functools.lru_cache(maxsize=1)
def library_code_digest() -> str:
    """sha256 over the library's source files (``summarize/**/*.py``)."""
    spec = importlib.util.find_spec("summarize")  # found, not imported: no import edge
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """One connection and one transaction (committed on success), closed afterwards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    try:
        db.execute(_SCHEMA)
        with db:
            yield db
    finally:
        db.close()


class CacheIndex:
    """(cache key, repeat) -> (run directory, line) for every ok record under a runs root.

    The repeat is part of the lookup: repeat *k* of a new run is served from repeat *k* of
    an earlier one, so repeats stay distinct samples when decoding is not deterministic.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / CACHE_INDEX_FILE
        self._runs: dict[str, dict[int, ArticleRecord] | None] = {}
        if self.root.is_dir() and not self._usable():
            rebuild_cache_index(self.root)

    def _usable(self) -> bool:
        """True when the index file exists and reads; a damaged one is warned about."""
        if not self.path.exists():
            return False
        try:
            with self._connect() as db:
                db.execute("SELECT count(*) FROM entries").fetchone()
        except sqlite3.DatabaseError as exc:
            warnings.warn(
                f"{self.path}: cache index unusable ({exc}); rebuilt from the runs", stacklevel=3
            )
            self.path.unlink(missing_ok=True)
            return False
        return True

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return _connect(self.path)

    def _relative(self, run_dir: Path) -> str:
        return os.path.relpath(Path(run_dir).resolve(), self.root.resolve())

    def add(self, key: str, repeat: int, run_dir: Path, line: int) -> None:
        """Record that ``run_dir``'s records line ``line`` holds an ok result for ``key``."""
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?)",
                (key, repeat, self._relative(run_dir), line),
            )

    def _run_records(self, run: str) -> dict[int, ArticleRecord] | None:
        if run not in self._runs:
            try:
                self._runs[run] = quiet_records(RunStore.open(self.root / run))
            except RunStoreError:
                self._runs[run] = None  # deleted, damaged or foreign: not a cache source
        return self._runs[run]

    def invalidate(self, run_dir: Path) -> None:
        """Forget the records read from ``run_dir`` (after it was rewritten)."""
        self._runs.pop(self._relative(run_dir), None)

    def find(
        self, key: str, repeat: int = 0, *, exclude: Path | None = None
    ) -> ArticleRecord | None:
        """The first still-valid ok record for (key, repeat), checked against the record file."""
        skip = self._relative(exclude) if exclude is not None else None
        with self._connect() as db:
            rows = db.execute(
                "SELECT run, line FROM entries WHERE key = ? AND repeat = ? ORDER BY rowid",
                (key, repeat),
            ).fetchall()
        for run, line in rows:
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

    Failed records are never served: a failure may be transient (a server down), and
    serving it would make the failure permanent.
    """
    return CacheIndex(root).find(key, repeat)


def rebuild_cache_index(root: Path) -> int:
    """Re-create the index from every run under ``root``; return the number of entries.

    Runs whose records do not read are skipped: they cannot serve a hit anyway.
    """
    root = Path(root)
    rows: list[tuple[str, int, str, int]] = []
    for run_dir in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            numbered = quiet_records(RunStore.open(run_dir))
        except RunStoreError:
            continue
        rows.extend(
            (record.cache_key, record.repeat, run_dir.name, line)
            for line, record in numbered.items()
            if record.status == "ok" and record.prediction is not None
        )
    if not root.is_dir():
        return 0
    (root / CACHE_INDEX_FILE).unlink(missing_ok=True)  # recreated, even if it was damaged
    with _connect(root / CACHE_INDEX_FILE) as db:
        db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?)", rows)
    return len(rows)


__all__ = [
    "CACHE_INDEX_FILE",
    "CACHE_KEY_VERSION",
    "CacheIndex",
    "cache_key",
    "find_cached",
    "library_code_digest",
    "newsbrief_version",
    "rebuild_cache_index",
]
