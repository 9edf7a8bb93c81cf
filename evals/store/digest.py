"""The run directory of a digest eval (``newsbrief eval run --task digest``): one record per
story.

Laid out like an article run, under the same runs root, but with its own file names, so the
tools that read article runs (``eval list``, ``compare``, ``rescore``, the result cache) never
mistake one for the other: ``digest_config.json`` (a :class:`DigestRunConfig`, written before
the first story), append-only ``stories.jsonl`` (one :class:`StoryRecord` per finished story,
with the crash rules of :mod:`summarize.core.jsonl`: a killed run loses at most the story in
flight) and ``digest_aggregate.json`` (a :class:`DigestAggregate`, written when the run
finishes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from evals.errors import CorruptRecordError
from evals.store.records import FORMAT_VERSION, ErrorInfo
from evals.store.rundir import _check_version, _read_json, make_run_dir, read_run_config
from summarize.core.backend import CallRecord
from summarize.core.jsonl import JsonlLog, atomic_write_text
from summarize.errors import CorruptLineError

DIGEST_CONFIG_FILE = "digest_config.json"
STORIES_FILE = "stories.jsonl"
DIGEST_AGGREGATE_FILE = "digest_aggregate.json"


class DigestRunConfig(BaseModel):
    """Everything that determines a digest run's outputs, plus provenance."""

    format_version: int = FORMAT_VERSION
    task: Literal["digest"] = "digest"
    run_id: str
    created: str = Field(description="ISO 8601 UTC timestamp")
    model: str
    model_info: dict[str, Any] = Field(default_factory=dict)
    prompt: str = Field(description="the per-article summary prompt")
    prompt_hash: str
    behaviour_hash: str = Field(
        default="", description="the summary prompt's files and passes' code (empty: older runs)"
    )
    digest_prompt: str
    digest_prompt_hash: str
    params: dict[str, Any] = Field(default_factory=dict)
    use_cache: bool = Field(default=True, description="summaries served from the cache")
    ask_model: bool = Field(
        default=True,
        description="True: the model was asked the digest prompt's questions; False: code "
        "alone (the default of new runs; runs recorded before the field asked)",
    )
    suite: str = Field(description="the folder of story folders (or one story folder)")
    suite_hash: str = ""
    stories: list[str] = Field(default_factory=list, description="story names in run order")
    versions: dict[str, str] = Field(default_factory=dict)
    git_commit: str | None = None


class StoryRecord(BaseModel):
    """One finished story: the digest, its scores, and what the digest step cost.

    ``calls`` and ``digest_s`` are the digest step's own (beyond the per-article summaries);
    ``summary_calls`` and ``summaries_s`` are the summaries' (zero calls for those served from
    the cache, listed in ``cached``).
    """

    format_version: int = FORMAT_VERSION
    story: str
    status: Literal["ok", "error"]
    articles: list[str] = Field(default_factory=list)
    prediction: dict[str, Any] | None = Field(
        default=None, description="StoryDigest.model_dump(mode='json')"
    )
    scores: dict[str, Any] | None = Field(
        default=None, description="evals.metrics.DigestScores.model_dump(mode='json')"
    )
    error: ErrorInfo | None = None
    calls: list[CallRecord] = Field(default_factory=list)
    digest_s: float = 0.0
    summary_calls: int = 0
    summaries_s: float = 0.0
    cached: list[str] = Field(default_factory=list)
    failed_articles: dict[str, str] = Field(
        default_factory=dict,
        description="articles that could not be summarized (the digest "
        "is of the others; their gold items count as missed)",
    )
    wall_s: float = 0.0


class DigestAggregate(BaseModel):
    """Suite figures: each figure's mean over stories (see
    :func:`evals.metrics.aggregate_digest_scores`), and the digest step's total cost."""

    format_version: int = FORMAT_VERSION
    run_id: str
    n_stories: int
    n_ok: int
    n_error: int
    means: dict[str, float | None] = Field(default_factory=dict)
    digest_calls: int = 0
    digest_s: float = 0.0


class DigestRunStore:
    """One digest run directory: its config, its append-only story records, its aggregate."""

    def __init__(self, path: Path, config: DigestRunConfig) -> None:
        """Use :meth:`create` or :meth:`open`; this only binds an already-checked directory."""
        self.path = Path(path)
        self.config = config
        self._log = JsonlLog(self.path / STORIES_FILE)

    @property
    def run_id(self) -> str:
        return self.config.run_id

    @classmethod
    def create(cls, root: Path, config: DigestRunConfig) -> DigestRunStore:
        """Make ``root/<config.run_id>/``; refuses an existing directory."""
        path = make_run_dir(root, config.run_id, DIGEST_CONFIG_FILE, config, STORIES_FILE)
        return cls(path, config)

    @classmethod
    def open(cls, path: Path) -> DigestRunStore:
        """Open an existing digest run directory; RunFormatError if it is not one."""
        path = Path(path)
        config = read_run_config(path, DIGEST_CONFIG_FILE, DigestRunConfig, "digest run config")
        return cls(path, config)

    def append(self, record: StoryRecord) -> int:
        """Append one record durably; return its line number."""
        return self._log.append(record)

    def records(self) -> list[StoryRecord]:
        """Every record in the order written (the last one of a story wins on resume)."""
        try:
            lines = self._log.read()
        except CorruptLineError as exc:
            raise CorruptRecordError(self.path / STORIES_FILE, exc.line, exc.reason) from None
        out: dict[str, StoryRecord] = {}
        for line in lines:
            try:
                record = StoryRecord.model_validate(line.value)
            except ValidationError as exc:
                raise CorruptRecordError(
                    self.path / STORIES_FILE, line.number, str(exc.errors()[0].get("msg"))
                ) from None
            out.pop(record.story, None)
            out[record.story] = record
        return list(out.values())

    def done(self) -> set[str]:
        """Stories with a record, failed ones included (a failure is a result too)."""
        return {r.story for r in self.records()}

    def write_aggregate(self, aggregate: DigestAggregate) -> None:
        atomic_write_text(
            self.path / DIGEST_AGGREGATE_FILE, aggregate.model_dump_json(indent=2) + "\n"
        )

    @property
    def aggregate(self) -> DigestAggregate | None:
        path = self.path / DIGEST_AGGREGATE_FILE
        if not path.exists():
            return None
        data = _read_json(path, DIGEST_AGGREGATE_FILE)
        _check_version(path, data, DIGEST_AGGREGATE_FILE)
        return DigestAggregate.model_validate(data)


def is_digest_run(path: Path) -> bool:
    """True for a digest run directory (it holds ``digest_config.json``)."""
    return (Path(path) / DIGEST_CONFIG_FILE).is_file()


__all__ = [
    "DIGEST_AGGREGATE_FILE",
    "DIGEST_CONFIG_FILE",
    "STORIES_FILE",
    "DigestAggregate",
    "DigestRunConfig",
    "DigestRunStore",
    "StoryRecord",
    "is_digest_run",
]
