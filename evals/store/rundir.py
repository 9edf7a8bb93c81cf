"""One run directory: ``config.json``, append-only ``records.jsonl``, ``aggregate.json``.

Plain JSON files, so a run can be read, diffed and copied with ordinary tools; records are
appended with the crash rules of :mod:`summarize.core.jsonl`, so a killed run loses at most the
article in flight. A directory written by another format version is refused by name rather
than misread. :func:`resolve_recorded_dir` is the one rule for finding the suite and gold
folders a run recorded, wherever the run directory has been copied since.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from evals.errors import CorruptRecordError, RunFormatError, RunStoreError
from evals.store.records import FORMAT_VERSION, ArticleRecord, RunAggregate, RunConfig
from summarize.core.jsonl import JsonlLog, PartialLineWarning, atomic_write_text, fsync_dir
from summarize.errors import CorruptLineError

C = TypeVar("C", bound=BaseModel)

CONFIG_FILE = "config.json"
RECORDS_FILE = "records.jsonl"
AGGREGATE_FILE = "aggregate.json"
_REPO_ROOT = Path(__file__).resolve().parents[2]


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


def make_run_dir(
    root: Path, run_id: str, config_file: str, config: BaseModel, records_file: str
) -> Path:
    """Make ``root/<run_id>/`` with its config and an empty record file; refuse an existing
    directory (a run id names exactly one run). Shared by article and digest runs."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / run_id
    try:
        path.mkdir()
    except FileExistsError:
        raise RunStoreError(f"{path}: a run with this id already exists") from None
    atomic_write_text(path / config_file, config.model_dump_json(indent=2) + "\n")
    (path / records_file).touch()
    fsync_dir(path)
    return path


def read_run_config(path: Path, config_file: str, shape: type[C], what: str) -> C:
    """The config of an existing run directory; RunFormatError when it is not one."""
    path = Path(path)
    if not path.is_dir():
        raise RunFormatError(path, "no such run directory")
    data = _read_json(path / config_file, config_file)
    _check_version(path / config_file, data, config_file)
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        raise RunFormatError(path / config_file, f"invalid {what}: {exc}") from None


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
        path = make_run_dir(root, config.run_id, CONFIG_FILE, config, RECORDS_FILE)
        return cls(path, config)

    @classmethod
    def open(cls, path: Path) -> RunStore:
        """Open an existing run directory; RunFormatError for another format version."""
        path = Path(path)
        config = read_run_config(path, CONFIG_FILE, RunConfig, "run config")
        return cls(path, config)

    # records
    def append(self, record: ArticleRecord) -> int:
        """Append one record durably (:mod:`summarize.core.jsonl`); return its line number."""
        return self._log.append(record)

    def iter_numbered(self) -> Iterator[tuple[int, ArticleRecord]]:
        """(line number, record) for every complete line; CorruptRecordError on a bad one."""
        try:
            lines = self._log.read()
        except CorruptLineError as exc:
            raise CorruptRecordError(self.records_path, exc.line, exc.reason) from None
        for line in lines:
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

    def write_config(self, config: RunConfig) -> None:
        """Replace the config atomically (``rescore`` records the gold it scored against)."""
        atomic_write_text(self.path / CONFIG_FILE, config.model_dump_json(indent=2) + "\n")
        self.config = config

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


def dedupe(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Keep the last record of each (article, repeat): a resumed run may have re-appended."""
    last: dict[tuple[str, int], ArticleRecord] = {}
    for r in records:
        last[(r.article_id, r.repeat)] = r
    return list(last.values())


@dataclass
class LoadedRun:
    """A run directory read into memory: its config, records (deduplicated) and aggregate."""

    path: Path
    config: RunConfig
    records: list[ArticleRecord]
    aggregate: RunAggregate | None = None


def load_run(path: Path) -> LoadedRun:
    """Read a whole run directory (for comparing and reporting, which never write)."""
    store = RunStore.open(Path(path))
    return LoadedRun(store.path, store.config, dedupe(store.records()), store.aggregate)


def resolve_recorded_dir(recorded: str | None, run_dir: Path) -> Path | None:
    """A suite or gold folder recorded in a run config, found from where we are now; or None.

    Runs record absolute paths, but a run directory may come from another machine (CI) or
    another checkout. Tried in turn: the path as recorded; a relative path against the
    working directory, the run directory, its runs root and the folder holding that; then
    the recorded path's tails inside this checkout, longest first (``/ci/x/evals/gold`` is
    ``evals/gold`` here). A wrong guess cannot go unnoticed: resume checks the suite hash
    and rescore each article's cache key.
    """
    if not recorded:
        return None
    raw = Path(recorded)
    candidates = [raw]
    if not raw.is_absolute():
        run_dir = Path(run_dir)
        candidates += [
            Path.cwd() / raw,
            run_dir / raw,
            run_dir.parent / raw,
            run_dir.parent.parent / raw,
        ]
    parts = raw.parts[1:] if raw.is_absolute() else raw.parts
    candidates += [_REPO_ROOT.joinpath(*parts[i:]) for i in range(len(parts))]
    # A folder suite, or a one-file JSONL suite (evals.gold.jsonl).
    return next(
        (c for c in candidates if c.is_dir() or (c.suffix.lower() == ".jsonl" and c.is_file())),
        None,
    )


def quiet_records(store: RunStore) -> dict[int, ArticleRecord]:
    """Records by line number, without the kill-artefact warning (derived-data readers)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PartialLineWarning)
        return dict(store.iter_numbered())


__all__ = [
    "AGGREGATE_FILE",
    "CONFIG_FILE",
    "RECORDS_FILE",
    "LoadedRun",
    "RunStore",
    "dedupe",
    "load_run",
    "quiet_records",
    "resolve_recorded_dir",
]
