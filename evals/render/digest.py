"""A digest run as a table: one row per story and the mean, in the digest metrics' order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from evals.metrics.digest import DigestScores
from evals.store.digest import DigestAggregate, StoryRecord

COLUMNS: tuple[str, ...] = (
    "story",
    "ok",
    "unif P",
    "unif R",
    "unif F1",
    "party F1",
    "event F1",
    "tau (n)",
    "occasions merged",
    "position F1",
    "merge F1",
    "dispute F1",
    "discr P",
    "discr R",
    "discr F1",
    "digest calls",
    "digest s",
)


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _figures_cells(
    figures: Mapping[str, float | None], tau_n: str, occasions: str, calls: str, seconds: str
) -> list[str]:
    f = figures
    return [
        _num(f.get("unification_precision")),
        _num(f.get("unification_recall")),
        _num(f.get("unification_f1")),
        _num(f.get("party_f1")),
        _num(f.get("event_f1")),
        f"{_num(f.get('kendall_tau'), 2)} ({tau_n})",
        occasions,
        _num(f.get("position_f1")),
        _num(f.get("merge_f1")),
        _num(f.get("dispute_f1")),
        _num(f.get("discrepancy_precision")),
        _num(f.get("discrepancy_recall")),
        _num(f.get("discrepancy_f1")),
        calls,
        seconds,
    ]


def story_row(record: StoryRecord) -> list[str]:
    """One story: its figures, or the error that stopped it."""
    if record.status != "ok" or record.scores is None:
        kind = record.error.type if record.error else "error"
        return [record.story, f"error: {kind}", *[""] * (len(COLUMNS) - 2)]
    scores = DigestScores.model_validate(record.scores)
    occasions = f"{scores.occasions_merged}/{len(scores.occasions)}"
    return [
        record.story,
        "yes",
        *_figures_cells(
            scores.figures(),
            str(scores.order_pairs),
            occasions,
            str(len(record.calls)),
            f"{record.digest_s:.1f}",
        ),
    ]


def mean_row(aggregate: DigestAggregate) -> list[str]:
    """The mean over stories (failed ones count 0 on P/R/F1 figures)."""
    m = aggregate.means
    occasions = f"{int(m.get('occasions_merged') or 0)}/{int(m.get('occasion_pairs') or 0)}"
    return [
        f"mean ({aggregate.n_stories} stories)",
        f"{aggregate.n_ok}/{aggregate.n_stories}",
        *_figures_cells(
            m,
            str(int(m.get("order_pairs") or 0)),
            occasions,
            str(aggregate.digest_calls),
            f"{aggregate.digest_s:.1f}",
        ),
    ]


def digest_table(
    records: Sequence[StoryRecord], aggregate: DigestAggregate | None
) -> tuple[list[str], list[list[str]]]:
    """(columns, rows): a row per story in run order, then the mean."""
    rows = [story_row(r) for r in records]
    if aggregate is not None:
        rows.append(mean_row(aggregate))
    return list(COLUMNS), rows


__all__ = ["COLUMNS", "digest_table", "mean_row", "story_row"]
