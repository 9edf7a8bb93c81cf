"""Runs side by side against a reference, with paired bootstrap intervals and the CI gate.

Per-article values come from :mod:`evals.compare.tables`, intervals from :mod:`evals.stats`.
The gate is the two thresholds a caller chose: ``fail_under`` (every compared run's macro
F1 must reach it; the reference is gated only when it is the only run) and ``max_drop``
(a field F1 may not drop by more than that *and* beyond its 95% interval: a drop within
noise never fails, whatever its size). Runs sharing no article are refused; runs sharing
some are compared on those, and the notes say so.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field, computed_field

from evals.compare.baseline import load_baseline, table_from_baseline
from evals.compare.specs import FIELD_METRICS, METRICS, MetricSpec
from evals.compare.tables import RunInfo, RunTable, table_from_run
from evals.errors import CompareError, SuiteMismatchError
from evals.stats import CONFIDENCE, derive_seed, paired_bootstrap, value_interval
from evals.store import load_run

#: Below this many compared articles the bootstrap CI is too narrow to trust; a note says so.
FEW_ARTICLES = 10
_EPS = 1e-12


class MetricCell(BaseModel):
    """One metric of one run: its value and, for a compared run, the difference to the
    reference with its paired bootstrap CI."""

    value: float | None = None
    value_low: float | None = Field(default=None, description="bootstrap CI of the value")
    value_high: float | None = None
    delta: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = Field(default=0, description="articles the value (and the difference) is over")
    significant: bool = Field(default=False, description="the CI excludes 0")
    regression: bool = False
    improvement: bool = False


class MetricRow(BaseModel):
    """A metric across runs; ``cells`` line up with :attr:`Comparison.runs`."""

    spec: MetricSpec
    cells: list[MetricCell]


class Comparison(BaseModel):
    """Runs side by side against a reference (``runs[0]``), with the gate's verdict."""

    runs: list[RunInfo]
    rows: list[MetricRow]
    articles: list[str] = Field(description="the article ids compared (shared by all runs)")
    notes: list[str] = Field(default_factory=list)
    failures: list[str] = Field(default_factory=list)
    fail_under: float | None = None
    max_drop: float | None = None
    n_boot: int = 2000
    seed: int = 0
    confidence: float = CONFIDENCE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exit_code(self) -> int:
        """0 when every gate passed, 1 when any failed (see :attr:`failures`)."""
        return 1 if self.failures else 0

    @property
    def reference(self) -> RunInfo:
        return self.runs[0]

    def row(self, key: str) -> MetricRow:
        """The row of metric ``key`` (``"parties"``, ``"macro_f1"``, ``"latency_s"``, ...)."""
        for r in self.rows:
            if r.spec.key == key:
                return r
        raise KeyError(key)

    def regressions(self) -> list[tuple[RunInfo, MetricSpec, MetricCell]]:
        """Every flagged (run, metric, cell)."""
        return [
            (self.runs[i], row.spec, cell)
            for row in self.rows
            for i, cell in enumerate(row.cells)
            if cell.regression
        ]


def compare_runs(
    run_dirs: list[Path],
    *,
    baseline: Path | None = None,
    fail_under: float | None = None,
    max_drop: float | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> Comparison:
    """Compare runs against a reference: ``baseline`` if given, else the first run.

    ``baseline`` may be a run directory or a blessed baseline file
    (``evals/baselines/<name>.json``, see :mod:`evals.compare.baseline`); a baseline file holds no
    latency or tokens of its own beyond what was blessed. See the module docstring for the
    statistics and the exact gating rules.
    """
    paths = [Path(p) for p in run_dirs]
    tables: list[RunTable] = []
    if baseline is not None:
        baseline = Path(baseline)
        if baseline.is_file():
            tables.append(table_from_baseline(load_baseline(baseline), baseline))
        else:
            tables.append(table_from_run(load_run(baseline)))
            paths = [p for p in paths if p.resolve() != baseline.resolve()]
    tables.extend(table_from_run(load_run(p)) for p in paths)
    if not tables:
        raise CompareError("nothing to compare: give at least one run directory")
    return compare_tables(
        tables, fail_under=fail_under, max_drop=max_drop, n_boot=n_boot, seed=seed
    )


def compare_tables(
    tables: list[RunTable],
    *,
    fail_under: float | None = None,
    max_drop: float | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> Comparison:
    """:func:`compare_runs` on runs already reduced to :class:`RunTable` (``tables[0]`` is
    the reference)."""
    if not tables:
        raise CompareError("nothing to compare")
    if max_drop is not None and max_drop < 0:
        raise CompareError("max_drop is a size of drop: 0 or more")
    notes: list[str] = []
    shared = _shared_articles(tables, notes)
    _check_suites(tables, notes)
    if len(shared) < FEW_ARTICLES and len(tables) > 1:
        notes.append(
            f"only {len(shared)} article(s) compared: bootstrap intervals from so few "
            "articles are too narrow; treat the flags as indicative"
        )
    ref = tables[0]
    rows: list[MetricRow] = []
    for m_index, spec in enumerate(METRICS):
        stat = statistics.fmean if spec.statistic == "mean" else statistics.median
        cells: list[MetricCell] = []
        for t_index, table in enumerate(tables):
            mine = {a: v for a, v in table.values.get(spec.key, {}).items() if a in shared}
            cell = MetricCell(n=len(mine))
            if mine:
                cell.value = float(stat([statistics.fmean(v) for v in mine.values()]))
                if spec.kind == "quality" and len(mine) > 1:
                    cell.value_low, cell.value_high = value_interval(
                        list(mine.values()),
                        statistic=spec.statistic,
                        n_boot=n_boot,
                        seed=derive_seed(seed, m_index, t_index),
                        confidence=CONFIDENCE,
                    )
            if t_index > 0:
                theirs = ref.values.get(spec.key, {})
                paired = [a for a in shared if a in mine and a in theirs]
                if paired:
                    delta, lo, hi = paired_bootstrap(
                        [theirs[a] for a in paired],
                        [mine[a] for a in paired],
                        statistic=spec.statistic,
                        n_boot=n_boot,
                        seed=derive_seed(seed, m_index, t_index),
                    )
                    cell.delta, cell.ci_low, cell.ci_high = delta, lo, hi
                    cell.n = len(paired)
                    worse_sig = hi < -_EPS if spec.higher_is_better else lo > _EPS
                    better_sig = lo > _EPS if spec.higher_is_better else hi < -_EPS
                    cell.significant = worse_sig or better_sig
                    cell.improvement = better_sig
                    if spec.kind == "quality":
                        too_big = (
                            max_drop is not None
                            and spec.key in FIELD_METRICS
                            and -delta > max_drop + _EPS
                        )
                        cell.regression = worse_sig or too_big
            cells.append(cell)
        rows.append(MetricRow(spec=spec, cells=cells))

    comp = Comparison(
        runs=[t.info for t in tables],
        rows=rows,
        articles=shared,
        notes=notes,
        fail_under=fail_under,
        max_drop=max_drop,
        n_boot=n_boot,
        seed=seed,
    )
    comp.failures = _gate(comp)
    return comp


def _shared_articles(tables: list[RunTable], notes: list[str]) -> list[str]:
    sets = [set(t.articles) for t in tables]
    shared_set = set.intersection(*sets)
    if not shared_set:
        detail = "; ".join(
            f"{t.info.run_id}: {len(t.articles)} article(s) ({_preview(t.articles)})"
            for t in tables
        )
        raise SuiteMismatchError(
            "the runs share no article, so they were made on different suites and cannot "
            f"be compared: {detail}"
        )
    shared = [a for a in tables[0].articles if a in shared_set]
    if any(s != shared_set for s in sets):
        left_out = [
            f"{t.info.run_id} has {len(s - shared_set)} more ({_preview(sorted(s - shared_set))})"
            for t, s in zip(tables, sets, strict=True)
            if s - shared_set
        ]
        notes.append(
            f"the runs cover different articles: compared on the {len(shared)} shared "
            f"article(s) only; {'; '.join(left_out)}"
        )
    return shared


def _check_suites(tables: list[RunTable], notes: list[str]) -> None:
    hashes = {t.info.suite_hash for t in tables if t.info.suite_hash}
    if len(hashes) > 1:
        notes.append(
            "the runs record different suite hashes: an article text or its gold changed "
            "between them, so part of a difference may come from the yardstick, not the model"
        )


def _preview(ids: Sequence[str], k: int = 3) -> str:
    shown = ", ".join(ids[:k])
    return shown + (f", ... (+{len(ids) - k})" if len(ids) > k else "")


def _gate(comp: Comparison) -> list[str]:
    failures: list[str] = []
    ref = comp.runs[0]
    gated = range(len(comp.runs)) if len(comp.runs) == 1 else range(1, len(comp.runs))
    if comp.fail_under is not None:
        macro = comp.row("macro_f1")
        for i in gated:
            value = macro.cells[i].value
            if value is None:
                failures.append(
                    f"{comp.runs[i].label}: no macro F1 (run not scored against gold), "
                    f"cannot check fail_under={comp.fail_under:g}"
                )
            elif value < comp.fail_under:
                failures.append(
                    f"{comp.runs[i].label}: macro F1 {value:.3f} is below fail_under "
                    f"{comp.fail_under:g}"
                )
    if comp.max_drop is not None:
        for i in range(1, len(comp.runs)):
            for key in FIELD_METRICS:
                cell = comp.row(key).cells[i]
                if cell.delta is None or cell.ci_high is None:
                    continue
                if -cell.delta > comp.max_drop + _EPS and cell.ci_high < -_EPS:
                    failures.append(
                        f"{comp.runs[i].label}: {key} F1 dropped {-cell.delta:.3f} vs "
                        f"{ref.run_id} ({_fmt(cell.value)} vs "
                        f"{_fmt(comp.row(key).cells[0].value)}), beyond its 95% CI "
                        f"[{cell.ci_low:+.3f}, {cell.ci_high:+.3f}] and more than "
                        f"max_drop {comp.max_drop:g} (n={cell.n} articles)"
                    )
    return failures


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


__all__ = [
    "FEW_ARTICLES",
    "Comparison",
    "MetricCell",
    "MetricRow",
    "compare_runs",
    "compare_tables",
]
