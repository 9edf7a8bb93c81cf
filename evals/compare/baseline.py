"""Blessed baselines: a run's per-article values, frozen in the repo, that later runs must match.

A baseline is a decision ("this model with this prompt is good enough"), reviewed in a pull
request like code, so it is a file (``evals/baselines/<name>.json``), not "the last run".
It keeps per-article values so the check is paired. The rule (:func:`check_against_baseline`):
fail when the paired 95% interval of a gated metric lies below 0, or, with fewer than
:data:`MIN_CI_ARTICLES` articles (too few for a bootstrap) or a numeric ``tolerance``,
when the mean drop exceeds a fixed margin.

A baseline may pool several runs of one model and prompt over different suites (the seeds
and dev/tune: 21 articles, enough for the bootstrap where five are not). Blessing over an
existing baseline is refused when the new run is worse beyond the interval on a field,
unless the blessing says what was traded for it (``traded``), a note kept in the baseline
that the project's version history must repeat (``tests/test_baseline.py`` checks it).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from evals.compare.specs import FIELD_METRICS, METRIC_KEYS, METRICS, metric_label
from evals.compare.tables import RunInfo, RunTable, table_from_run
from evals.errors import BaselineError
from evals.stats import paired_bootstrap
from evals.store import ArticleRecord, LoadedRun, RunConfig, load_run

BASELINE_FORMAT = "newsbrief-baseline"
BASELINE_VERSION = 1
#: Fewer shared articles than this and ``tolerance="ci"`` falls back to a fixed margin.
MIN_CI_ARTICLES = 8
#: The fixed margin (absolute F1) used when articles are too few for a bootstrap.
DEFAULT_MARGIN = 0.05
DEFAULT_METRICS: tuple[str, ...] = (*FIELD_METRICS, "macro_f1")

ScoresLike = Mapping[str, Any]
#: Baselines store scores to six decimals: a difference below this is no difference.
_ROUNDING = 1e-6

RunOrScores = Path | str | Mapping[str, Any] | Sequence[ArticleRecord] | LoadedRun


class Baseline(BaseModel):
    """The on-disk form of a blessed baseline (``evals/baselines/<name>.json``)."""

    format: Literal["newsbrief-baseline"] = BASELINE_FORMAT
    format_version: int = BASELINE_VERSION
    name: str
    blessed: str = Field(description="ISO 8601 UTC time of blessing")
    run_id: str
    model: str
    weights_hash: str | None = None
    prompt: str
    prompt_hash: str = ""
    behaviour_hash: str = ""
    suite: str = ""
    suite_hash: str = ""
    suites: list[str] = Field(default_factory=list, description="every suite pooled in it")
    traded: list[str] = Field(
        default_factory=list, description="what was given up when blessed over a drop"
    )
    repeats: int = 1
    git_commit: str | None = None
    summary: dict[str, float | None] = Field(
        default_factory=dict, description="run-level values (means; medians for cost)"
    )
    articles: dict[str, dict[str, list[float]]] = Field(
        default_factory=dict, description="article id -> metric -> per-repeat values"
    )


# --- writing and reading -----------------------------------------------------------------
def bless(
    run_dirs: Path | Sequence[Path],
    out_path: Path,
    *,
    name: str | None = None,
    traded: str | None = None,
) -> Path:
    """Freeze the per-article scores of ``run_dirs`` (one run, or runs of one model and
    prompt over several suites, pooled) as the baseline ``out_path``; return it.

    Refuses a run that was not scored against gold (a baseline without F1 would pass every
    check and protect nothing), runs of different models or prompts, and, when
    ``out_path`` is a baseline already, a run that is worse beyond the paired interval on a
    field, unless ``traded`` says what was given up for it.
    """
    dirs = [Path(run_dirs)] if isinstance(run_dirs, (str, Path)) else [Path(d) for d in run_dirs]
    if not dirs:
        raise BaselineError("bless needs at least one run")
    runs = [load_run(d) for d in dirs]
    if len({(r.config.model, r.config.prompt, r.config.prompt_hash) for r in runs}) > 1:
        raise BaselineError(
            "the runs of one baseline must share model and prompt: "
            + ", ".join(f"{r.config.model} {r.config.prompt}" for r in runs)
        )
    table = _pooled([table_from_run(r) for r in runs])
    if not any(table.values.get(f) for f in FIELD_METRICS):
        raise BaselineError(
            f"{', '.join(map(str, dirs))}: no record has scores (was the run scored against "
            "gold?); nothing to bless"
        )
    out_path = Path(out_path)
    notes: list[str] = []
    if out_path.is_file():
        old = load_baseline(out_path)
        notes = list(old.traded)
        drops = [
            f
            for f in check_against_baseline(table, out_path)
            if "worse beyond" in f or "dropped more" in f
        ]
        if drops and not (traded and traded.strip()):
            raise BaselineError(
                f"{out_path}: the run is worse than the baseline it would replace:\n  "
                + "\n  ".join(drops)
                + "\nbless over a drop only with --traded "
                "'<what was given up, and for what>' (a line the version history repeats)"
            )
        if drops and traded:
            notes.append(f"{runs[0].config.prompt}: {traded.strip()}")
    articles: dict[str, dict[str, list[float]]] = {}
    for article in sorted(table.articles):
        articles[article] = {
            key: [round(v, 6) for v in table.values[key][article]]
            for key in METRIC_KEYS
            if article in table.values.get(key, {})
        }
    summary: dict[str, float | None] = {}
    for spec in METRICS:
        per = [statistics.fmean(v) for v in table.values.get(spec.key, {}).values()]
        # the same aggregation as the comparison: mean for quality, median for cost
        agg = statistics.fmean if spec.statistic == "mean" else statistics.median
        summary[spec.key] = round(float(agg(per)), 6) if per else None
    first = runs[0].config
    baseline = Baseline(
        name=name or out_path.stem,
        blessed=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        run_id=" + ".join(r.config.run_id for r in runs),
        model=first.model,
        weights_hash=table.info.weights_hash,
        prompt=first.prompt,
        prompt_hash=first.prompt_hash,
        behaviour_hash=first.behaviour_hash,
        suite=" + ".join(r.config.suite for r in runs),
        suite_hash=" + ".join(r.config.suite_hash for r in runs),
        suites=[r.config.suite for r in runs],
        traded=notes,
        repeats=first.repeats,
        git_commit=first.git_commit,
        summary=summary,
        articles=articles,
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(
        json.dumps(baseline.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return out_path


def _pooled(tables: list[RunTable]) -> RunTable:
    """Several runs' tables as one (their articles are disjoint: one suite each)."""
    if len(tables) == 1:
        return tables[0]
    values: dict[str, dict[str, list[float]]] = {k: {} for k in METRIC_KEYS}
    articles: list[str] = []
    for table in tables:
        overlap = set(articles) & set(table.articles)
        if overlap:
            raise BaselineError(f"runs pooled in one baseline share articles: {sorted(overlap)}")
        articles += table.articles
        for key, per in table.values.items():
            values.setdefault(key, {}).update(per)
    return RunTable(info=tables[0].info, values=values, articles=articles)


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file, with a message that names the file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise BaselineError(f'{path}: not a newsbrief baseline (no "format": {BASELINE_FORMAT!r})')
    if data.get("format_version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: baseline format version {data.get('format_version')!r}; this reader "
            f"knows {BASELINE_VERSION} (re-bless the run)"
        )
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        raise BaselineError(f"{path}: malformed baseline: {exc}") from None


def table_from_baseline(baseline: Baseline, path: Path | None = None) -> RunTable:
    """A baseline as a comparison column (:class:`evals.compare.RunTable`)."""
    values: dict[str, dict[str, list[float]]] = {k: {} for k in METRIC_KEYS}
    for article, metrics in baseline.articles.items():
        for key, vals in metrics.items():
            if vals:
                values.setdefault(key, {})[article] = list(vals)
    articles = sorted(baseline.articles)
    info = RunInfo(
        run_id=f"baseline:{baseline.name}",
        path=str(path or ""),
        model=baseline.model,
        prompt=baseline.prompt,
        prompt_hash=baseline.prompt_hash,
        behaviour_hash=baseline.behaviour_hash,
        weights_hash=baseline.weights_hash,
        created=baseline.blessed,
        repeats=baseline.repeats,
        suite=baseline.suite,
        suite_hash=baseline.suite_hash,
        n_articles=len(articles),
        n_records=sum(len(m.get("validity_rate", [])) for m in baseline.articles.values()),
        n_errors=sum(
            sum(1 for v in m.get("validity_rate", []) if v == 0.0)
            for m in baseline.articles.values()
        ),
        source="baseline",
    )
    return RunTable(info=info, values=values, articles=articles)


# --- the check ---------------------------------------------------------------------------
def _scores_values(scores: Any) -> dict[str, float | None]:
    """Metric values of one repeat given as ArticleScores / its dump / None (= failed)."""
    if scores is None:
        out: dict[str, float | None] = dict.fromkeys(METRIC_KEYS)
        out.update(dict.fromkeys(FIELD_METRICS, 0.0))
        out["macro_f1"] = 0.0
        out["validity_rate"] = 0.0
        return out
    if isinstance(scores, BaseModel):
        scores = scores.model_dump()
    if not isinstance(scores, Mapping):
        raise TypeError(
            f"expected ArticleScores, its model_dump() dict or None, not {type(scores).__name__}"
        )
    out = dict.fromkeys(METRIC_KEYS)
    for f in FIELD_METRICS:
        fs = scores.get(f)
        if isinstance(fs, BaseModel):
            fs = fs.model_dump()
        out[f] = float(fs["f1"]) if isinstance(fs, Mapping) and "f1" in fs else None
    macro = scores.get("macro_f1")
    out["macro_f1"] = None if macro is None else float(macro)
    grounding = scores.get("grounding_rate")
    out["grounding_rate"] = None if grounding is None else float(grounding)
    out["validity_rate"] = 1.0
    return out


def _table_from_scores(scores: Mapping[str, Any]) -> RunTable:
    values: dict[str, dict[str, list[float]]] = {k: {} for k in METRIC_KEYS}
    for article, entry in scores.items():
        repeats = (
            list(entry)
            if isinstance(entry, Sequence) and not isinstance(entry, (str, bytes, Mapping))
            else [entry]
        )
        for rep in repeats:
            for key, v in _scores_values(rep).items():
                if v is not None:
                    values[key].setdefault(str(article), []).append(v)
    info = RunInfo(run_id="(scores)", path="", model="?", prompt="?", n_articles=len(scores))
    return RunTable(info=info, values=values, articles=[str(a) for a in scores])


def _to_table(run: RunOrScores) -> RunTable:
    if isinstance(run, RunTable):
        return run
    if (
        isinstance(run, Sequence)
        and run
        and all(isinstance(r, (str, Path)) for r in run)
        and (not isinstance(run, str))
    ):
        return _pooled([table_from_run(load_run(Path(r))) for r in run])
    if isinstance(run, LoadedRun):
        return table_from_run(run)
    if isinstance(run, (str, Path)):
        return table_from_run(load_run(Path(run)))
    if isinstance(run, Mapping):
        return _table_from_scores(run)
    if isinstance(run, Sequence) and all(isinstance(r, ArticleRecord) for r in run):
        return table_from_run(LoadedRun(Path("."), _dummy_config(), list(run)))
    raise TypeError(
        "check a run directory, a {article_id: ArticleScores | dict | None | [repeats]} "
        f"mapping or a list of ArticleRecord; got {type(run).__name__}"
    )


def _dummy_config() -> RunConfig:
    return RunConfig(
        run_id="(records)", created="", model="?", prompt="?", prompt_hash="", suite=""
    )


def check_against_baseline(
    run_dir_or_scores: RunOrScores,
    baseline_path: Path,
    *,
    tolerance: Literal["ci"] | float = "ci",
    metrics: Sequence[str] = DEFAULT_METRICS,
    margin: float = DEFAULT_MARGIN,
    min_articles: int = MIN_CI_ARTICLES,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[str]:
    """Failures (empty list = no regression) of a run against a blessed baseline.

    ``run_dir_or_scores`` is a run directory (or a list of them, pooled), a list of
    ArticleRecord, or a mapping
    ``{article_id: ArticleScores | ArticleScores.model_dump() | None | [one per repeat]}``
    where ``None`` is a failed article (F1 0). See the module docstring for the rule.
    """
    if tolerance != "ci" and not isinstance(tolerance, (int, float)):
        raise ValueError(f"tolerance is 'ci' or a number, not {tolerance!r}")
    baseline = load_baseline(Path(baseline_path))
    base = table_from_baseline(baseline, Path(baseline_path))
    run = _to_table(run_dir_or_scores)
    shared = [a for a in base.articles if a in set(run.articles)]
    if not shared:
        return [
            f"no article in common with baseline {baseline.name!r} "
            f"(baseline: {len(base.articles)} articles, run: {len(run.articles)})"
        ]
    failures: list[str] = []
    for index, key in enumerate(metrics):
        if key not in METRIC_KEYS:
            raise ValueError(f"unknown metric {key!r}; expected one of {METRIC_KEYS}")
        mine, theirs = run.values.get(key, {}), base.values.get(key, {})
        paired = [a for a in shared if a in mine and a in theirs]
        if not paired:
            if any(a in theirs for a in shared):
                failures.append(
                    f"{metric_label(key)}: the run has no value (not scored against gold?)"
                )
            continue
        delta, lo, hi = paired_bootstrap(
            [theirs[a] for a in paired],
            [mine[a] for a in paired],
            n_boot=n_boot,
            seed=seed + index,
        )
        run_mean = statistics.fmean(statistics.fmean(mine[a]) for a in paired)
        base_mean = statistics.fmean(statistics.fmean(theirs[a]) for a in paired)
        where = (
            f"{metric_label(key)}: {run_mean:.3f} vs baseline {base_mean:.3f} "
            f"(Δ {delta:+.3f}, 95% CI [{lo:+.3f}, {hi:+.3f}], n={len(paired)} articles)"
        )
        if tolerance == "ci" and len(paired) >= min_articles:
            if hi < -_ROUNDING:
                failures.append(f"{where}: worse beyond the bootstrap CI")
        else:
            limit = margin if tolerance == "ci" else float(tolerance)
            if -delta > limit + _ROUNDING:
                why = (
                    f"fewer than {min_articles} articles, fixed margin"
                    if tolerance == "ci"
                    else "fixed margin"
                )
                failures.append(f"{where}: dropped more than {limit:g} ({why})")
    return failures


def assert_no_regression(
    run_dir_or_scores: RunOrScores,
    baseline_path: Path,
    **kwargs: Any,
) -> None:
    """:func:`check_against_baseline`, raising AssertionError with a readable message.

    Meant for a user's pytest: the message names the baseline, its model and prompt, and
    each metric that regressed with its numbers.
    """
    failures = check_against_baseline(run_dir_or_scores, baseline_path, **kwargs)
    if failures:
        baseline = load_baseline(Path(baseline_path))
        head = (
            f"regression against baseline {baseline.name!r} ({Path(baseline_path)}; "
            f"model {baseline.model}, prompt {baseline.prompt}, blessed from run "
            f"{baseline.run_id}):"
        )
        raise AssertionError("\n".join([head, *(f"  - {f}" for f in failures)]))


__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_METRICS",
    "MIN_CI_ARTICLES",
    "Baseline",
    "BaselineError",
    "assert_no_regression",
    "bless",
    "check_against_baseline",
    "load_baseline",
    "table_from_baseline",
]
