"""The on-disk shapes of an eval run, one pydantic model per file of a run directory.

``config.json`` is a :class:`RunConfig` (written before the first article),
``records.jsonl`` one :class:`ArticleRecord` per finished (article, repeat), and
``aggregate.json`` a :class:`RunAggregate` (written when the run finishes, and by
``rescore``). ``FORMAT_VERSION`` is in every file so a reader can refuse what it would misread.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from summarize.core.backend import CallRecord

FORMAT_VERSION = 1


class RunConfig(BaseModel):
    """Everything that determines a run's outputs, plus provenance."""

    format_version: int = FORMAT_VERSION
    run_id: str
    created: str = Field(description="ISO 8601 UTC timestamp")
    model: str
    model_info: dict[str, Any] = Field(
        default_factory=dict, description="backend.describe(): weights hash, endpoint, mode"
    )
    prompt: str
    prompt_hash: str
    behaviour_hash: str = Field(
        default="", description="the prompt's files and its passes' code (empty: older runs)"
    )
    params: dict[str, Any] = Field(default_factory=dict)
    repeats: int = 1
    suite: str = Field(description="path or name of the suite of articles (+ gold)")
    gold: str | None = Field(
        default=None, description="gold directory the run is scored against (None: no gold)"
    )
    suite_hash: str = ""
    articles: list[str] = Field(default_factory=list, description="article ids in run order")
    versions: dict[str, str] = Field(default_factory=dict, description="package versions")
    git_commit: str | None = None
    judge: str | None = Field(default=None, description="model used for LLM-judged metrics")


class ErrorInfo(BaseModel):
    type: str
    message: str
    attempts: int | None = None
    raw_output: str | None = None


class ArticleRecord(BaseModel):
    """One finished (article, repeat): the prediction, its scores and its full cost ledger."""

    format_version: int = FORMAT_VERSION
    cache_key: str = Field(description="sha256 of model + prompt + article + params")
    article_id: str
    repeat: int = 0
    status: Literal["ok", "error"]
    prediction: dict[str, Any] | None = Field(
        default=None, description="ArticleSummary.model_dump(mode='json')"
    )
    raw_outputs: list[str] = Field(default_factory=list)
    dropped: list[dict[str, Any]] = Field(default_factory=list)
    choices: list[dict[str, Any]] = Field(
        default_factory=list, description="choices among options code offered, and who chose"
    )
    scores: dict[str, Any] | None = Field(
        default=None, description="evals.metrics.ArticleScores.model_dump(); None without gold"
    )
    judge_scores: dict[str, Any] | None = None
    error: ErrorInfo | None = None
    calls: list[CallRecord] = Field(default_factory=list)
    wall_s: float = 0.0
    cached: bool = Field(default=False, description="copied from an earlier identical run")


class FieldAggregate(BaseModel):
    precision: float
    recall: float
    f1: float
    tp: int = 0
    fp: int = 0
    fn: int = 0


class RunAggregate(BaseModel):
    """Suite-level figures. F1 values are means over articles (macro), as compare uses them."""

    format_version: int = FORMAT_VERSION
    run_id: str
    n_records: int
    n_ok: int
    n_error: int
    fields: dict[str, FieldAggregate] = Field(default_factory=dict)
    macro_f1: float | None = None
    polarity_accuracy: float | None = None
    grounding_rate: float | None = None
    validity_rate: float = 0.0
    median_wall_s: float | None = None
    median_prompt_tokens: float | None = None
    median_completion_tokens: float | None = None
    total_calls: int = 0
    judge: dict[str, float] | None = None
