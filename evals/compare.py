"""Compare eval runs with paired bootstrap confidence intervals, and gate CI on the result.

Why paired: every run scores the same articles, and articles differ far more from each other
(a short wire story vs a long analysis) than two prompts differ on one article. Resampling
*articles* and computing the difference on the same resampled articles cancels that
between-article spread, so a real change of a few points is visible with tens of articles,
where two independent confidence intervals would overlap and say nothing.

The statistics, exactly:

- **Per-article value.** Each record gives one value per metric (a field's F1, the macro F1,
  the grounding rate, validity 0/1, wall seconds, total tokens). An article's value is the
  mean over its repeats. An error record counts as F1 0 (and macro F1 0, validity 0) for
  that article: a failure must cost, or a model that crashes on hard articles would look
  better than one that tries. Grounding is undefined for a failure (it quotes nothing) and
  is left out; latency and tokens of a failure count (it was paid for).
- **Run value.** The mean over articles for quality metrics (macro averaging, as
  :func:`evals.metrics.aggregate_scores` does), the median over articles for latency and
  tokens (a few very slow articles should not hide the typical cost).
- **Difference and CI.** ``delta = value(run) - value(reference)`` on the articles both
  have. The 95% CI is the percentile interval of ``n_boot`` paired bootstrap replicates:
  each replicate draws the articles with replacement (the *same* draw for both runs), then,
  for each drawn article and each run separately, draws that article's repeats with
  replacement and averages them (two-level bootstrap: repeats are not paired across runs,
  and the within-article variation of a sampling temperature is part of the uncertainty).
  With one repeat the second level is a no-op. numpy is used when installed, else the
  standard library's ``random`` (same algorithm, different draws); both are deterministic
  for a given ``seed``.
- **Regression flag.** A quality metric (field F1, macro F1, grounding, validity) regresses
  when the CI's upper bound is below 0 (the run is worse with 95% confidence), or, when
  ``max_drop`` is given, when a field F1 drops by more than ``max_drop`` (shown even when the
  CI includes 0, marked "n.s."). Latency and tokens are reported, never gated.

Gating (``Comparison.exit_code``: 0 ok, 1 failed; ``Comparison.failures`` says why):

- ``fail_under``: every compared run must reach this macro F1 (on the compared articles).
  The reference is not gated, unless it is the only run.
- ``max_drop``: for each of the four field F1s of each compared run, the gate fails when
  ``reference - run > max_drop`` **and** the drop is beyond its CI (``ci_high < 0``). A
  drop within noise never fails the gate, whatever its size, and a real drop smaller than
  ``max_drop`` is tolerated. ``max_drop=0`` therefore means "no significant drop of any
  field".
- Significant regressions of macro F1, grounding or validity are flagged but only fail the
  gate through ``fail_under`` / ``max_drop``: the gate is the two thresholds you chose.

Runs over different article sets are refused (:class:`SuiteMismatchError`) unless they
overlap; then they are compared on the shared articles and ``Comparison.notes`` says so.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError, computed_field

from evals.records import FORMAT_VERSION, ArticleRecord, RunAggregate, RunConfig

if TYPE_CHECKING:
    from rich.console import Console

try:  # numpy is optional: vectorised resampling when present, ``random`` otherwise
    import numpy as _np
except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
    _np = None  # type: ignore[assignment]

FIELD_METRICS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")
CONFIDENCE = 0.95
#: Below this many compared articles the bootstrap CI is too narrow to trust; a note says so.
FEW_ARTICLES = 10
_EPS = 1e-12
_REPO_ROOT = Path(__file__).resolve().parent.parent
_CHUNK = 250  # bootstrap replicates per numpy block: bounds memory for large suites

Statistic = Literal["mean", "median"]


# --- metric definitions ---------------------------------------------------------------------
class MetricSpec(BaseModel):
    """One row of the comparison: what it measures and how it is aggregated and judged."""

    key: str
    label: str
    kind: Literal["quality", "cost"]
    higher_is_better: bool
    statistic: Statistic
    unit: Literal["score", "rate", "seconds", "tokens"]


METRICS: tuple[MetricSpec, ...] = (
    *(
        MetricSpec(key=f, label=f"{f} F1", kind="quality", higher_is_better=True,
                   statistic="mean", unit="score")
        for f in FIELD_METRICS
    ),
    MetricSpec(key="macro_f1", label="macro F1", kind="quality", higher_is_better=True,
               statistic="mean", unit="score"),
    MetricSpec(key="grounding_rate", label="grounding rate", kind="quality",
               higher_is_better=True, statistic="mean", unit="rate"),
    MetricSpec(key="validity_rate", label="validity rate", kind="quality",
               higher_is_better=True, statistic="mean", unit="rate"),
    MetricSpec(key="latency_s", label="median latency (s)", kind="cost",
               higher_is_better=False, statistic="median", unit="seconds"),
    MetricSpec(key="tokens", label="median tokens", kind="cost", higher_is_better=False,
               statistic="median", unit="tokens"),
)
METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)
_SPEC = {m.key: m for m in METRICS}


# --- errors ---------------------------------------------------------------------------------
class CompareError(ValueError):
    """Runs cannot be compared; the message says which and why."""


class SuiteMismatchError(CompareError):
    """The runs share no article: they were made on different suites."""


class RunLoadError(CompareError):
    """A run directory is missing or malformed (used until ``evals.store`` exists)."""


# --- loading runs ---------------------------------------------------------------------------
@dataclass
class LoadedRun:
    """A run directory read into memory: its config, records (deduplicated) and aggregate."""

    path: Path
    config: RunConfig
    records: list[ArticleRecord]
    aggregate: RunAggregate | None = None


def load_run(path: Path) -> LoadedRun:
    """Open a run directory through ``evals.store.RunStore`` when it exists.

    Until the store lands, the files are read with the :mod:`evals.records` models by a
    small private loader, so this module's callers never change when it does.
    """
    path = Path(path)
    try:
        from evals.store import RunStore  # type: ignore[import-not-found]
    except ImportError:
        return _load_run_files(path)
    store = RunStore.open(path)
    return LoadedRun(path, store.config, _dedupe(list(store.records())), store.aggregate)


def _load_run_files(path: Path) -> LoadedRun:
    config_path = path / "config.json"
    if not config_path.is_file():
        raise RunLoadError(f"{path}: not a run directory (no config.json)")
    try:
        config = RunConfig.model_validate_json(config_path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise RunLoadError(f"{config_path}: not a run config: {exc}") from None
    if config.format_version != FORMAT_VERSION:
        raise RunLoadError(
            f"{config_path}: format version {config.format_version}; this reader knows "
            f"{FORMAT_VERSION}"
        )
    records: list[ArticleRecord] = []
    rec_path = path / "records.jsonl"
    if rec_path.is_file():
        for n, line in enumerate(rec_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(ArticleRecord.model_validate_json(line))
            except ValidationError as exc:
                raise RunLoadError(f"{rec_path}:{n}: not an article record: {exc}") from None
    aggregate: RunAggregate | None = None
    agg_path = path / "aggregate.json"
    if agg_path.is_file():
        try:
            aggregate = RunAggregate.model_validate_json(agg_path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise RunLoadError(f"{agg_path}: not a run aggregate: {exc}") from None
    return LoadedRun(path, config, _dedupe(records), aggregate)


def _dedupe(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Keep the last record of each (article, repeat): a resumed run may have re-appended."""
    last: dict[tuple[str, int], ArticleRecord] = {}
    for r in records:
        last[(r.article_id, r.repeat)] = r
    return list(last.values())


# --- per-article values ---------------------------------------------------------------------
def weights_hash(model_info: Mapping[str, Any]) -> str | None:
    """The weights' digest from ``backend.describe()``, whatever key the provider used."""
    for key in ("sha256", "weights_sha256", "weights_hash"):
        value = model_info.get(key)
        if value:
            return str(value)
    return None


def record_tokens(record: ArticleRecord) -> float | None:
    """Prompt + completion tokens of every call, failed attempts included (the true cost)."""
    counts = [
        (c.prompt_tokens or 0) + (c.completion_tokens or 0)
        for c in record.calls
        if c.prompt_tokens is not None or c.completion_tokens is not None
    ]
    return float(sum(counts)) if counts else None


def record_values(record: ArticleRecord, *, has_gold: bool) -> dict[str, float | None]:
    """One value per metric key for one record (None = not defined for this record).

    ``has_gold`` says whether the article has gold; only then does an error record count as
    F1 0 (an article without gold has no F1 to lose, only validity and cost).
    """
    out: dict[str, float | None] = dict.fromkeys(METRIC_KEYS)
    out["latency_s"] = float(record.wall_s)
    out["tokens"] = record_tokens(record)
    if record.status == "error":
        out["validity_rate"] = 0.0
        if has_gold:
            for f in FIELD_METRICS:
                out[f] = 0.0
            out["macro_f1"] = 0.0
        return out
    out["validity_rate"] = 1.0
    scores = record.scores
    if scores:
        for f in FIELD_METRICS:
            fs = scores.get(f)
            out[f] = float(fs["f1"]) if isinstance(fs, Mapping) and "f1" in fs else None
        out["macro_f1"] = _opt_float(scores.get("macro_f1"))
        out["grounding_rate"] = _opt_float(scores.get("grounding_rate"))
    return out


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- the comparison table of one run --------------------------------------------------------
class RunInfo(BaseModel):
    """Who made a run: enough to label a column and to reproduce it."""

    run_id: str
    path: str
    model: str
    prompt: str
    prompt_hash: str = ""
    weights_hash: str | None = None
    created: str = ""
    repeats: int = 1
    suite: str = ""
    suite_hash: str = ""
    n_articles: int = 0
    n_records: int = 0
    n_errors: int = 0
    source: Literal["run", "baseline"] = "run"

    @property
    def label(self) -> str:
        """``model · prompt · run id``: what a reader needs to tell columns apart."""
        return f"{self.model} · {self.prompt} · {self.run_id}"


@dataclass
class RunTable:
    """A run reduced to what comparing needs: per metric, per article, per-repeat values."""

    info: RunInfo
    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)


def resolve_run_path(name: str | None, run_path: Path) -> Path | None:
    """A directory recorded in a run config (suite, gold), found from where we are now.

    The runner records absolute paths, but a run directory may have been copied from CI or
    written with a relative path; the usual anchors are tried in turn.
    """
    if not name:
        return None
    raw = Path(name)
    if raw.is_absolute():
        return raw if raw.is_dir() else None
    anchors = [Path.cwd(), run_path, run_path.parent, run_path.parent.parent, _REPO_ROOT]
    return next((a / raw for a in anchors if (a / raw).is_dir()), None)


def _gold_ids(run: LoadedRun) -> set[str] | None:
    """Article ids with a gold file in the run's gold directory; None if it is unknown."""
    gold_dir = resolve_run_path(run.config.gold, run.path)
    if gold_dir is None:
        return None
    return {p.stem for p in gold_dir.glob("*.json")}


def table_from_run(run: LoadedRun) -> RunTable:
    """Per-article, per-repeat metric values of a loaded run (see :func:`record_values`).

    Whether a failed article has gold (and so costs F1 0) is read from the run's gold
    directory when it can be found; otherwise an article has gold when any of its records
    was scored, or, for an article that failed every time, when the run scored anything.
    """
    cfg = run.config
    records = sorted(run.records, key=lambda r: (r.article_id, r.repeat))
    scored_run = any(r.scores for r in records)
    scored_articles = {r.article_id for r in records if r.scores}
    gold_ids = _gold_ids(run)

    def has_gold(article: str) -> bool:
        if article in scored_articles:
            return True
        return article in gold_ids if gold_ids is not None else scored_run
    values: dict[str, dict[str, list[float]]] = {k: {} for k in METRIC_KEYS}
    order = {a: i for i, a in enumerate(cfg.articles)}
    articles = sorted({r.article_id for r in records}, key=lambda a: (order.get(a, 1 << 30), a))
    for r in records:
        for key, v in record_values(r, has_gold=has_gold(r.article_id)).items():
            if v is not None and not math.isnan(v):
                values[key].setdefault(r.article_id, []).append(v)
    info = RunInfo(
        run_id=cfg.run_id,
        path=str(run.path),
        model=cfg.model,
        prompt=cfg.prompt,
        prompt_hash=cfg.prompt_hash,
        weights_hash=weights_hash(cfg.model_info),
        created=cfg.created,
        repeats=cfg.repeats,
        suite=cfg.suite,
        suite_hash=cfg.suite_hash,
        n_articles=len(articles),
        n_records=len(records),
        n_errors=sum(1 for r in records if r.status == "error"),
    )
    return RunTable(info=info, values=values, articles=articles)


# --- bootstrap ------------------------------------------------------------------------------
def paired_bootstrap(
    reference: Sequence[Sequence[float]],
    candidate: Sequence[Sequence[float]],
    *,
    statistic: Statistic = "mean",
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float, float]:
    """``(delta, ci_low, ci_high)`` of ``stat(candidate) - stat(reference)`` over articles.

    ``reference[i]`` and ``candidate[i]`` are the per-repeat values of article ``i`` (paired
    by position; each non-empty). The point estimate uses each article's mean over its
    repeats; the CI is the percentile interval of a two-level paired bootstrap (articles
    drawn once for both runs, then each run's repeats drawn within each drawn article).
    Deterministic for a given ``seed``. The interval is widened, if needed, to contain the
    point estimate (a percentile interval of a median can miss it on tiny samples; a flag
    that contradicts the point estimate would only confuse).
    """
    if len(reference) != len(candidate):
        raise ValueError("paired samples need the same number of articles")
    if not reference:
        raise ValueError("no article to compare")
    if any(not r for r in reference) or any(not c for c in candidate):
        raise ValueError("every article needs at least one value on both sides")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    stat = _stat_fn(statistic)
    delta = stat([statistics.fmean(c) for c in candidate]) - stat(
        [statistics.fmean(r) for r in reference]
    )
    alpha = (1.0 - confidence) / 2
    if _np is not None:
        diffs = _bootstrap_numpy(reference, candidate, statistic, n_boot, seed)
    else:
        diffs = _bootstrap_python(reference, candidate, statistic, n_boot, seed)
    lo, hi = _quantile(diffs, alpha), _quantile(diffs, 1 - alpha)
    # float noise: identical runs must give an interval that contains exactly 0
    lo, hi = (0.0 if abs(lo) < _EPS else lo), (0.0 if abs(hi) < _EPS else hi)
    return delta, min(lo, delta), max(hi, delta)


def value_interval(
    values: Sequence[Sequence[float]],
    *,
    statistic: Statistic = "mean",
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of one run's statistic over its articles (each
    article's mean over repeats): how far the figure itself is known, not a difference."""
    per_article = [statistics.fmean(v) for v in values]
    stat = _stat_fn(statistic)
    if _np is not None:
        rng = _np.random.default_rng(seed)
        data = _np.array(per_article)
        idx = rng.integers(0, len(data), size=(n_boot, len(data)))
        reduce = _np.mean if statistic == "mean" else _np.median
        draws = reduce(data[idx], axis=1).tolist()
    else:
        rnd = random.Random(seed)
        draws = [stat([rnd.choice(per_article) for _ in per_article]) for _ in range(n_boot)]
    alpha = (1.0 - confidence) / 2
    return _quantile(draws, alpha), _quantile(draws, 1 - alpha)


def _stat_fn(statistic: Statistic) -> Any:
    return statistics.fmean if statistic == "mean" else statistics.median


def _quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default), without numpy."""
    xs = sorted(values)
    if len(xs) == 1:
        return float(xs[0])
    pos = q * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def _bootstrap_python(
    reference: Sequence[Sequence[float]],
    candidate: Sequence[Sequence[float]],
    statistic: Statistic,
    n_boot: int,
    seed: int,
) -> list[float]:
    rng = random.Random(seed)
    stat = _stat_fn(statistic)
    n = len(reference)
    repeated = any(len(x) > 1 for x in (*reference, *candidate))

    def article_mean(reps: Sequence[float]) -> float:
        if not repeated or len(reps) == 1:
            return statistics.fmean(reps)
        return statistics.fmean(reps[rng.randrange(len(reps))] for _ in reps)

    diffs: list[float] = []
    for _ in range(n_boot):
        idx = [rng.randrange(n) for _ in range(n)]
        a = [article_mean(reference[i]) for i in idx]
        b = [article_mean(candidate[i]) for i in idx]
        diffs.append(stat(b) - stat(a))
    return diffs


def _bootstrap_numpy(
    reference: Sequence[Sequence[float]],
    candidate: Sequence[Sequence[float]],
    statistic: Statistic,
    n_boot: int,
    seed: int,
) -> list[float]:
    np = _np
    assert np is not None
    rng = np.random.default_rng(seed)
    n = len(reference)

    def padded(rows: Sequence[Sequence[float]]) -> tuple[Any, Any]:
        width = max(len(r) for r in rows)
        mat = np.zeros((n, width))
        for i, r in enumerate(rows):
            mat[i, : len(r)] = r
        return mat, np.array([len(r) for r in rows])

    ref_m, ref_n = padded(reference)
    can_m, can_n = padded(candidate)
    reduce = np.mean if statistic == "mean" else np.median

    def article_means(mat: Any, counts: Any, idx: Any) -> Any:
        if mat.shape[1] == 1:
            return mat[idx, 0]
        width = mat.shape[1]
        c = counts[idx][..., None]  # (b, n, 1)
        j = np.floor(rng.random((*idx.shape, width)) * c).astype(np.int64)
        vals = mat[idx[..., None], j]
        mask = np.arange(width) < c
        return (vals * mask).sum(axis=-1) / counts[idx]

    out: list[float] = []
    done = 0
    while done < n_boot:
        size = min(_CHUNK, n_boot - done)
        idx = rng.integers(0, n, size=(size, n))
        a = article_means(ref_m, ref_n, idx)
        b = article_means(can_m, can_n, idx)
        out.extend((reduce(b, axis=1) - reduce(a, axis=1)).tolist())
        done += size
    return out


# --- the comparison -------------------------------------------------------------------------
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
    bootstrap_backend: Literal["numpy", "random"] = "numpy"

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
    (``evals/baselines/<name>.json``, see :mod:`evals.baseline`); a baseline file holds no
    latency or tokens of its own beyond what was blessed. See the module docstring for the
    statistics and the exact gating rules.
    """
    paths = [Path(p) for p in run_dirs]
    tables: list[RunTable] = []
    if baseline is not None:
        baseline = Path(baseline)
        if baseline.is_file():
            from evals.baseline import load_baseline, table_from_baseline

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
        stat = _stat_fn(spec.statistic)
        cells: list[MetricCell] = []
        for t_index, table in enumerate(tables):
            mine = {a: v for a, v in table.values.get(spec.key, {}).items() if a in shared}
            cell = MetricCell(n=len(mine))
            if mine:
                cell.value = float(stat([statistics.fmean(v) for v in mine.values()]))
                if spec.kind == "quality" and len(mine) > 1:
                    cell.value_low, cell.value_high = value_interval(
                        list(mine.values()), statistic=spec.statistic, n_boot=n_boot,
                        seed=_derive_seed(seed, m_index, t_index), confidence=CONFIDENCE)
            if t_index > 0:
                theirs = ref.values.get(spec.key, {})
                paired = [a for a in shared if a in mine and a in theirs]
                if paired:
                    delta, lo, hi = paired_bootstrap(
                        [theirs[a] for a in paired],
                        [mine[a] for a in paired],
                        statistic=spec.statistic,
                        n_boot=n_boot,
                        seed=_derive_seed(seed, m_index, t_index),
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
        bootstrap_backend="numpy" if _np is not None else "random",
    )
    comp.failures = _gate(comp)
    return comp


def _derive_seed(seed: int, metric_index: int, run_index: int) -> int:
    """A distinct, reproducible stream per (metric, run): results do not depend on which
    other metrics or runs were compared before."""
    return (seed * 1_000_003 + metric_index * 7919 + run_index * 104_729) % (2**32)


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


# --- rendering ------------------------------------------------------------------------------
def format_value(spec: MetricSpec, value: float | None) -> str:
    """A metric value as a reader wants it: 3 decimals for scores, 1 for seconds."""
    if value is None:
        return "—"
    if spec.unit == "seconds":
        return f"{value:.1f}"
    if spec.unit == "tokens":
        return f"{value:.0f}"
    return f"{value:.3f}"


def format_delta(spec: MetricSpec, cell: MetricCell) -> str:
    """``Δ -0.052 [-0.090, -0.011]`` (empty for the reference or an unpaired metric)."""
    if cell.delta is None:
        return ""
    digits = {"seconds": 1, "tokens": 0}.get(spec.unit, 3)
    return (
        f"Δ {cell.delta:+.{digits}f} [{cell.ci_low:+.{digits}f}, {cell.ci_high:+.{digits}f}]"
    )


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def cell_flag(comp: Comparison, spec: MetricSpec, cell: MetricCell) -> str:
    """A short verdict word: ``regression``, ``regression (n.s.)``, ``better``, ``worse``."""
    if cell.regression:
        return "regression" if cell.significant else "regression (n.s.)"
    if cell.improvement:
        return "better"
    if cell.significant:
        return "worse"
    return ""


def render_comparison(comp: Comparison, console: Console) -> None:
    """Print the comparison as a rich table (metrics × runs), then notes and the gate."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{len(comp.articles)} article(s) · paired bootstrap {comp.confidence:.0%} CI "
        f"({comp.n_boot} resamples, seed {comp.seed})",
        show_lines=True,
    )
    table.add_column("metric", style="bold")
    for i, run in enumerate(comp.runs):
        head = Text()
        head.append(run.run_id, style="bold")
        head.append(f"\n{run.model}\n{run.prompt}")
        if i == 0:
            head.append("\n(reference)", style="dim")
        table.add_column(head, justify="right")
    for row in comp.rows:
        cells: list[Text] = []
        for cell in row.cells:
            text = Text(format_value(row.spec, cell.value))
            if cell.value_low is not None and cell.value_high is not None:
                text.append(f" [{cell.value_low:.2f}, {cell.value_high:.2f}]", style="dim")
            delta = format_delta(row.spec, cell)
            if delta:
                flag = cell_flag(comp, row.spec, cell)
                style = (
                    "bold red" if cell.regression
                    else "green" if cell.improvement
                    else "yellow" if cell.significant
                    else "dim"
                )
                text.append(f"\n{delta}", style=style)
                if flag:
                    text.append(f"\n{flag}", style=style)
                if cell.regression:
                    text.stylize("bold red", 0, len(format_value(row.spec, cell.value)))
            cells.append(text)
        table.add_row(row.spec.label, *cells)
    console.print(table)
    for note in comp.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if comp.failures:
        for failure in comp.failures:
            console.print(Text(f"FAIL: {failure}", style="bold red"))
        console.print(Text(f"gate failed (exit {comp.exit_code})", style="bold red"))
    elif comp.fail_under is not None or comp.max_drop is not None:
        console.print(Text("gate passed (exit 0)", style="bold green"))


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def comparison_markdown(comp: Comparison) -> str:
    """The comparison as GitHub-flavoured Markdown, for a README or a PR comment."""
    lines: list[str] = []
    status = "❌ gate failed" if comp.failures else (
        "✅ gate passed" if comp.fail_under is not None or comp.max_drop is not None else ""
    )
    lines.append(
        f"**Eval comparison** — {len(comp.articles)} article(s), paired bootstrap "
        f"{comp.confidence:.0%} CI ({comp.n_boot} resamples, seed {comp.seed})"
        + (f" — {status}" if status else "")
    )
    lines.append("")
    head = ["metric"] + [
        f"`{_md_escape(r.run_id)}`<br>{_md_escape(r.model)}<br>{_md_escape(r.prompt)}"
        + ("<br>*(reference)*" if i == 0 else "")
        for i, r in enumerate(comp.runs)
    ]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|---" + "|---:" * len(comp.runs) + "|")
    for row in comp.rows:
        cells = [row.spec.label]
        for cell in row.cells:
            text = format_value(row.spec, cell.value)
            if cell.value_low is not None and cell.value_high is not None:
                text += f" [{cell.value_low:.2f}, {cell.value_high:.2f}]"
            delta = format_delta(row.spec, cell)
            if delta:
                text += f"<br>{delta}"
                flag = cell_flag(comp, row.spec, cell)
                if cell.regression:
                    text = f"**{text}**<br>🔻 {flag}"
                elif flag:
                    text += f"<br>{flag}"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    if comp.notes:
        lines.append("")
        lines.extend(f"> note: {_md_escape(n)}" for n in comp.notes)
    if comp.failures:
        lines.append("")
        lines.append("**Gate failures:**")
        lines.extend(f"- {_md_escape(f)}" for f in comp.failures)
    lines.append("")
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------------
def _user_errors() -> tuple[type[Exception], ...]:
    """Errors the user can act on (bad run directory, different suites): one line, exit 2."""
    errors: list[type[Exception]] = [CompareError]
    try:
        from evals.store import RunStoreError  # type: ignore[import-not-found]

        errors.append(RunStoreError)
    except ImportError:  # pragma: no cover - until the store exists
        pass
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.compare RUN [RUN ...]``: print the table, exit with the gate's code."""
    parser = argparse.ArgumentParser(prog="python -m evals.compare", description=__doc__
                                     and __doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run directories (first = reference)")
    parser.add_argument("--baseline", type=Path, help="reference run dir or baseline .json")
    parser.add_argument("--fail-under", type=float, help="minimum macro F1 of every run")
    parser.add_argument("--max-drop", type=float, help="largest tolerated field F1 drop")
    parser.add_argument("--n-boot", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--json", type=Path, help="also write the comparison as JSON here")
    args = parser.parse_args(argv)
    from rich.console import Console

    try:
        comp = compare_runs(
            args.runs, baseline=args.baseline, fail_under=args.fail_under,
            max_drop=args.max_drop, n_boot=args.n_boot, seed=args.seed,
        )
    except _user_errors() as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    render_comparison(comp, Console())
    if args.markdown:
        args.markdown.write_text(comparison_markdown(comp), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(comp.model_dump(mode="json"), indent=2), encoding="utf-8")
    return comp.exit_code


__all__ = [
    "CONFIDENCE",
    "FIELD_METRICS",
    "METRICS",
    "METRIC_KEYS",
    "CompareError",
    "Comparison",
    "LoadedRun",
    "MetricCell",
    "MetricRow",
    "MetricSpec",
    "RunInfo",
    "RunLoadError",
    "RunTable",
    "SuiteMismatchError",
    "compare_runs",
    "compare_tables",
    "comparison_markdown",
    "format_delta",
    "format_value",
    "load_run",
    "paired_bootstrap",
    "record_values",
    "render_comparison",
    "resolve_run_path",
    "table_from_run",
]

if __name__ == "__main__":
    sys.exit(main())
