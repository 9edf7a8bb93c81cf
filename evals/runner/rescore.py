"""Re-score a stored run with the current metrics and gold, without a model call."""

from __future__ import annotations

import warnings
from pathlib import Path

from evals.errors import RunMismatchError, RunStoreError
from evals.runner.cases import load_cases
from evals.runner.scoring import compute_aggregate, score_prediction
from evals.store import (
    ArticleRecord,
    RunAggregate,
    RunStore,
    cache_key,
    resolve_recorded_dir,
)


def rescore(run_dir: Path, *, gold_dir: Path | None = None) -> RunAggregate:
    """Re-score a run's stored predictions with the current metrics and gold; no model calls.

    ``gold_dir`` defaults to the gold the run was made with. The records file is rewritten
    atomically (same records, same order, new ``scores``), then the aggregate (only for a
    finished run: an aggregate marks a run as complete); the config's gold path and suite
    hash are updated so that comparisons see which gold scored the run.
    Refuses when an article's text changed since the prediction was made (its cache key no
    longer matches): scores of a prediction against another text would be meaningless.
    """
    store = RunStore.open(Path(run_dir))
    cfg = store.config
    if gold_dir is None:
        if not cfg.gold:
            raise RunStoreError(
                f"{store.path}: the run records no gold directory; pass one (--gold DIR)"
            )
        gold_dir = resolve_recorded_dir(cfg.gold, store.path) or Path(cfg.gold)
    suite_dir = resolve_recorded_dir(cfg.suite, store.path) or Path(cfg.suite)
    cases, digest = load_cases(suite_dir, Path(gold_dir))
    by_id = {c.article_id: c for c in cases}
    records = store.records()
    rescored: list[ArticleRecord] = []
    for record in records:
        case = by_id.get(record.article_id)
        if case is None:
            raise RunMismatchError(
                f"cannot rescore {store.path}: article {record.article_id!r} is no longer in "
                f"{cfg.suite}"
            )
        key = cache_key(
            cfg.model_info,
            cfg.prompt_hash,
            case.text,
            cfg.params,
            version=cfg.versions.get("newsbrief"),
            behaviour_hash=cfg.behaviour_hash,
        )
        if key != record.cache_key:
            raise RunMismatchError(
                f"cannot rescore {store.path}: the text of article {record.article_id!r} "
                "changed since it was summarized"
            )
        scores = None
        if record.status == "ok" and record.prediction is not None:
            try:
                scores = score_prediction(record.prediction, case.gold, case.text)
            except ValueError as exc:  # pydantic ValidationError: the schema moved on
                warnings.warn(
                    f"{store.path}: the prediction for {record.article_id!r} no longer "
                    f"validates against the schema; left unscored: {exc}",
                    stacklevel=2,
                )
        rescored.append(record.model_copy(update={"scores": scores}))
    store.rewrite_records(rescored)
    new_config = cfg.model_copy(
        update={"gold": str(Path(gold_dir).resolve()), "suite_hash": digest}
    )
    if new_config != cfg:
        store.write_config(new_config)
    aggregate = compute_aggregate(
        cfg.run_id, rescored, {c.article_id for c in cases if c.gold is not None}
    )
    missing = store.missing_keys()
    if missing:
        # An aggregate marks a finished run; writing one here would pass a partial run off
        # as complete to compare and report.
        warnings.warn(
            f"{store.path}: the run is unfinished ({len(missing)} record(s) missing); records "
            f"re-scored, aggregate not written. Finish it with: newsbrief eval run --resume "
            f"{store.path}",
            stacklevel=2,
        )
    else:
        store.write_aggregate(aggregate)
    return aggregate


__all__ = ["rescore"]
