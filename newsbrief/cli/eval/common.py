"""Small pieces the harness's commands share: number formatting and the runs listing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from newsbrief.cli.kit import print_listing


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def run_summary(run_dir: Path) -> dict[str, Any]:
    """What CI wants to know of a run: id, path, model, prompt, suite, date, aggregates."""
    from evals.store import RunStore

    store = RunStore.open(run_dir)
    cfg, agg = store.config, store.aggregate
    return {
        "run_id": cfg.run_id,
        "path": str(store.path),
        "model": cfg.model,
        "prompt": cfg.prompt,
        "suite": cfg.suite,
        "gold": cfg.gold,
        "created": cfg.created,
        "finished": agg is not None,
        "aggregate": agg.model_dump(mode="json") if agg is not None else None,
    }


def digest_run_summary(run_dir: Path) -> dict[str, Any]:
    """A digest run for machines: its config, the mean figures, and each story's figures."""
    from evals.metrics.digest import DigestScores
    from evals.store.digest import DigestRunStore

    store = DigestRunStore.open(run_dir)
    cfg, agg = store.config, store.aggregate
    stories = []
    for record in store.records():
        scores = (
            DigestScores.model_validate(record.scores)
            if record.status == "ok" and record.scores
            else None
        )
        stories.append(
            {
                "story": record.story,
                "status": record.status,
                "error": record.error.model_dump(mode="json") if record.error else None,
                "figures": scores.figures() if scores else None,
                "order_pairs": scores.order_pairs if scores else None,
                "occasion_pairs": len(scores.occasions) if scores else None,
                "occasions_merged": scores.occasions_merged if scores else None,
                "digest_calls": len(record.calls),
                "digest_s": record.digest_s,
                "summary_calls": record.summary_calls,
                "summaries_s": record.summaries_s,
                "cached": record.cached,
            }
        )
    return {
        "run_id": cfg.run_id,
        "path": str(store.path),
        "task": "digest",
        "model": cfg.model,
        "prompt": cfg.prompt,
        "digest_prompt": cfg.digest_prompt,
        "suite": cfg.suite,
        "created": cfg.created,
        "finished": agg is not None,
        "aggregate": agg.model_dump(mode="json") if agg is not None else None,
        "stories": stories,
    }


def print_runs(run_dirs: list[Path], console: Console) -> None:
    """One row per run: which run, how many succeeded, the headline scores and the cost.

    The run id names the model and the prompt and is never cut (see ``print_listing``).
    """
    from evals.store import RunStore

    rows: list[list[str]] = []
    for run_dir in run_dirs:
        store = RunStore.open(run_dir)
        agg = store.aggregate
        if agg is None:
            rows.append([run_dir.name, "unfinished", "", "", "", "", ""])
            continue
        rows.append(
            [
                run_dir.name,
                f"{agg.n_ok}/{agg.n_records}",
                fmt(agg.macro_f1),
                fmt(agg.grounding_rate),
                fmt(agg.validity_rate, 2),
                fmt(agg.median_wall_s, 1),
                str(agg.total_calls),
            ]
        )
    print_listing(
        "Runs", ["run", "ok", "macro F1", "grounding", "valid", "s/art", "calls"], rows, console
    )


__all__ = ["digest_run_summary", "fmt", "print_runs", "run_summary"]
