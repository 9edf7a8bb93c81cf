"""Run directories written by hand with the :mod:`evals.store` models: no model, no suite,
every figure known (for the comparison, baseline and report tests)."""

from __future__ import annotations

import statistics
from pathlib import Path

from evals.store import ArticleRecord, ErrorInfo, RunConfig
from summarize.core.backend import CallRecord

FIELDS = ("parties", "positions", "dates", "disputes")


def field_score(f1: float) -> dict[str, object]:
    """An ``evals.metrics.FieldScore`` dump with the given F1 (precision = recall = F1)."""
    return {
        "tp": round(10 * f1),
        "fp": 10 - round(10 * f1),
        "fn": 10 - round(10 * f1),
        "precision": f1,
        "recall": f1,
        "f1": f1,
        "matches": [],
        "missed": [],
        "false_positives": [],
    }


def make_scores(f1: float | dict[str, float], grounding: float = 1.0) -> dict[str, object]:
    """An ``ArticleScores`` dump: one F1 for every field, or one per field."""
    per = f1 if isinstance(f1, dict) else dict.fromkeys(FIELDS, f1)
    out: dict[str, object] = {f: field_score(per[f]) for f in FIELDS}
    out.update(
        polarity_accuracy=None,
        polarity_correct=0,
        polarity_pairs=0,
        macro_f1=statistics.fmean(per[f] for f in FIELDS),
        grounding_rate=grounding,
    )
    return out


def make_record(
    article_id: str,
    f1: float | dict[str, float] = 0.8,
    *,
    repeat: int = 0,
    status: str = "ok",
    wall_s: float = 10.0,
    tokens: int = 700,
    grounding: float = 1.0,
) -> ArticleRecord:
    """A finished record; ``status="error"`` gives a failure without prediction or scores."""
    call = CallRecord(
        purpose="extract",
        model="fake/x",
        mode="tools",
        attempt=1,
        ok=status == "ok",
        prompt_tokens=tokens - 200,
        completion_tokens=200,
        latency_s=wall_s,
    )
    if status == "error":
        return ArticleRecord(
            cache_key=f"k-{article_id}-{repeat}",
            article_id=article_id,
            repeat=repeat,
            status="error",
            error=ErrorInfo(type="OutputValidationError", message="bad JSON", attempts=3),
            calls=[call],
            wall_s=wall_s,
        )
    return ArticleRecord(
        cache_key=f"k-{article_id}-{repeat}",
        article_id=article_id,
        repeat=repeat,
        status="ok",
        prediction={"headline": "h", "summary": "s"},
        scores=make_scores(f1, grounding),
        calls=[call],
        wall_s=wall_s,
    )


def write_run(
    root: Path,
    run_id: str,
    records: list[ArticleRecord],
    *,
    model: str = "fake/model-a",
    prompt: str = "summary/v1",
    suite: str = "seeds",
    suite_hash: str = "suite-1",
    repeats: int = 1,
    gold: str | None = None,
) -> Path:
    """A run directory ``root/run_id`` with config.json and records.jsonl."""
    d = root / run_id
    d.mkdir(parents=True, exist_ok=True)
    articles = list(dict.fromkeys(r.article_id for r in records))
    config = RunConfig(
        run_id=run_id,
        created="2026-11-20T10:00:00Z",
        model=model,
        model_info={"model": model, "sha256": "ab" * 32},
        prompt=prompt,
        prompt_hash="p" * 12,
        repeats=repeats,
        suite=suite,
        suite_hash=suite_hash,
        gold=gold,
        articles=articles,
        versions={"newsbrief": "0.1.0"},
    )
    (d / "config.json").write_text(config.model_dump_json(indent=1), encoding="utf-8")
    (d / "records.jsonl").write_text(
        "".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8"
    )
    return d


def ids(n: int) -> list[str]:
    return [f"{i:03d}_article" for i in range(n)]
