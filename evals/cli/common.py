"""Small pieces the harness's commands share: number formatting and the runs listing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from summarize.clikit import print_listing


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def run_summary(run_dir: Path) -> dict[str, Any]:
    """What CI wants to know of a run: id, path, model, prompt, suite, date, aggregates."""
    from evals.store import RunStore

    store = RunStore.open(run_dir)
    cfg, agg = store.config, store.aggregate
    return {
        "run_id": cfg.run_id, "path": str(store.path), "model": cfg.model,
        "prompt": cfg.prompt, "suite": cfg.suite, "gold": cfg.gold, "created": cfg.created,
        "finished": agg is not None,
        "aggregate": agg.model_dump(mode="json") if agg is not None else None,
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
        rows.append([run_dir.name, f"{agg.n_ok}/{agg.n_records}", fmt(agg.macro_f1),
                     fmt(agg.grounding_rate), fmt(agg.validity_rate, 2),
                     fmt(agg.median_wall_s, 1), str(agg.total_calls)])
    print_listing("Runs", ["run", "ok", "macro F1", "grounding", "valid", "s/art", "calls"],
                  rows, console)


__all__ = ["fmt", "print_runs", "run_summary"]
