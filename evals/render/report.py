"""One self-contained HTML report of one or more runs: what a reviewer opens in a PR.

One file with everything inlined (CSS, SVG, no script, no external URL), because it is
attached to CI jobs and mailed around, must render offline years later, and must not make a
network request on behalf of text scraped from the web. Untrusted text reaches the page only
through Jinja2 with autoescape on. Shown: each run's provenance, the comparison matrix, F1
and latency charts, an overview, then per article the text with gold and predicted evidence
highlighted and gold vs predicted items side by side.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from evals.compare import (
    FIELD_METRICS,
    METRICS,
    CompareError,
    Comparison,
    compare_runs,
    compare_tables,
    table_from_run,
    weights_hash,
)
from evals.gold import GoldCase, GoldError, load_suite
from evals.render.charts import bar_chart, short_labels
from evals.render.console import cell_flag, format_delta, format_value
from evals.render.items import (
    FieldView,
    ItemView,
    RowView,
    Segment,
    field_rows,
    highlight,
    item_view,
)
from evals.store import ArticleRecord, LoadedRun, load_run, resolve_recorded_dir

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"

TEMPLATE_NAME = "report.html.j2"

DEFAULT_GOLD_DIR = Path(__file__).resolve().parents[1] / "gold"

#: Run colours (colour-blind friendly Okabe-Ito order); runs beyond them cycle.
RUN_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)

_RAW_OUTPUT_LIMIT = 4000


def _load_cases(
    runs: Sequence[LoadedRun], gold_dir: Path | None, notes: list[str]
) -> dict[str, GoldCase]:
    """Article texts and gold by article id, from every run's suite (first found wins).

    Gold is ``gold_dir`` when given, else the run's recorded gold directory, else the seed
    gold (``evals/gold``), matched to articles by file stem.
    """
    cases: dict[str, GoldCase] = {}
    seen: set[Path] = set()
    for run in runs:
        # the gold given, else the one the run was scored against, else the seed gold
        gold: Path | None = (
            gold_dir
            if gold_dir is not None
            else resolve_recorded_dir(run.config.gold, run.path) or DEFAULT_GOLD_DIR
        )
        if gold is not None and not gold.is_dir():
            notes.append(f"gold directory {gold} not found: gold items are not shown")
            gold = None
        articles_dir = resolve_recorded_dir(run.config.suite, run.path)
        if articles_dir is None:
            notes.append(
                f"run {run.config.run_id}: suite {run.config.suite!r} not found; article texts "
                "and gold of its articles are not shown"
            )
            continue
        if articles_dir.resolve() in seen:
            continue
        seen.add(articles_dir.resolve())
        try:
            suite = load_suite(articles_dir, gold)
        except GoldError as exc:
            notes.append(f"gold could not be loaded, shown without gold: {exc}")
            suite = load_suite(articles_dir, None)
        for case in suite:
            cases.setdefault(case.article_id, case)
    return cases


@dataclass
class RunArticleView:
    run_index: int
    label: str
    color: str
    present: bool
    repeat_lines: list[str] = field(default_factory=list)
    record: ArticleRecord | None = None
    error: dict[str, Any] | None = None
    segments: list[Segment] = field(default_factory=list)
    ungrounded: list[str] = field(default_factory=list)
    fields: list[FieldView] = field(default_factory=list)
    dropped: list[tuple[str, ItemView, str]] = field(default_factory=list)
    headline: str = ""
    summary_text: str = ""
    macro: str = ""
    grounding: str = ""


@dataclass
class ArticleView:
    article_id: str
    anchor: str
    has_text: bool
    has_gold: bool
    n_chars: int
    runs: list[RunArticleView]
    gold_headline: str = ""


def _fmt(v: float | None, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _article_view(
    index: int,
    article_id: str,
    case: GoldCase | None,
    runs: Sequence[LoadedRun],
    by_run: list[dict[str, list[ArticleRecord]]],
    labels: list[str],
) -> ArticleView:
    gold = case.gold.model_dump(mode="json") if case and case.gold else None
    text = case.text if case else ""
    views: list[RunArticleView] = []
    for r, _run in enumerate(runs):
        records = sorted(by_run[r].get(article_id, []), key=lambda x: x.repeat)
        view = RunArticleView(
            run_index=r,
            label=labels[r],
            color=RUN_COLORS[r % len(RUN_COLORS)],
            present=bool(records),
        )
        views.append(view)
        if not records:
            continue
        for rec in records:
            macro = rec.scores.get("macro_f1") if rec.scores else None
            view.repeat_lines.append(
                f"repeat {rec.repeat}: {rec.status}"
                + (f", macro F1 {_fmt(macro)}" if macro is not None else "")
                + f", {rec.wall_s:.1f} s"
                + (" (cached)" if rec.cached else "")
            )
        rec = records[0]
        view.record = rec
        if rec.error is not None:
            err = rec.error.model_dump()
            raw = err.get("raw_output") or ""
            if len(raw) > _RAW_OUTPUT_LIMIT:
                err["raw_output"] = raw[:_RAW_OUTPUT_LIMIT] + f"\n… ({len(raw)} characters)"
            view.error = err
        pred = rec.prediction
        if pred:
            view.headline = str(pred.get("headline", ""))
            view.summary_text = str(pred.get("summary", ""))
        if rec.scores:
            view.macro = _fmt(rec.scores.get("macro_f1"))
            view.grounding = _fmt(rec.scores.get("grounding_rate"))
        if text:
            view.segments, view.ungrounded = highlight(text, gold, pred)
        for field_name in FIELD_METRICS:
            score = rec.scores.get(field_name) if rec.scores else None
            gold_items = list(gold.get(field_name) or []) if gold else None
            pred_items = list(pred.get(field_name) or []) if pred else []
            if rec.status == "error" and not pred_items and gold_items is not None:
                rows = [
                    RowView("miss", "missed (run failed)", gold=item_view(field_name, g))
                    for g in gold_items
                    if g.get("required", True) is not False
                ]
                metrics = "error: F1 0"
                f1: float | None = 0.0
            else:
                rows = field_rows(field_name, pred_items, gold_items, score)
                f1 = score.get("f1") if score else None
                metrics = (
                    f"F1 {_fmt(score.get('f1'))} · P {_fmt(score.get('precision'))} · "
                    f"R {_fmt(score.get('recall'))} · tp {score.get('tp', 0)} "
                    f"fp {score.get('fp', 0)} fn {score.get('fn', 0)}"
                    if score
                    else "not scored"
                )
            view.fields.append(FieldView(field_name, metrics, rows, f1))
        for d in rec.dropped:
            f_name = str(d.get("field", "?"))
            item = d.get("item") if isinstance(d.get("item"), Mapping) else {}
            view.dropped.append((f_name, item_view(f_name, item), str(d.get("reason", ""))))
    return ArticleView(
        article_id=article_id,
        anchor=f"a{index}-" + re.sub(r"[^A-Za-z0-9_-]", "-", article_id)[:60],
        has_text=bool(text),
        has_gold=gold is not None,
        n_chars=len(text),
        runs=views,
        gold_headline=str(gold.get("headline", "")) if gold else "",
    )


def _run_header(run: LoadedRun, index: int) -> dict[str, Any]:
    cfg = run.config
    errors = sum(1 for r in run.records if r.status == "error")
    # the model and its weights hash have rows of their own
    hidden = {"model", "sha256", "weights_sha256", "weights_hash"}
    info = {k: v for k, v in cfg.model_info.items() if k not in hidden}
    return {
        "index": index,
        "color": RUN_COLORS[index % len(RUN_COLORS)],
        "run_id": cfg.run_id,
        "path": str(run.path),
        "model": cfg.model,
        "weights_hash": weights_hash(cfg.model_info) or "—",
        "model_info": ", ".join(f"{k}={v}" for k, v in info.items()) or "—",
        "prompt": cfg.prompt,
        "prompt_hash": cfg.prompt_hash or "—",
        "behaviour_hash": cfg.behaviour_hash or "—",
        "created": cfg.created,
        "repeats": cfg.repeats,
        "suite": cfg.suite,
        "suite_hash": cfg.suite_hash or "—",
        "git_commit": cfg.git_commit or "—",
        "judge": cfg.judge or "—",
        "params": ", ".join(f"{k}={v}" for k, v in sorted(cfg.params.items())) or "—",
        "versions": ", ".join(f"{k} {v}" for k, v in sorted(cfg.versions.items())) or "—",
        "records": f"{len(run.records)} ({errors} error{'s' if errors != 1 else ''})",
    }


def _matrix(comp: Comparison) -> list[dict[str, Any]]:
    rows = []
    for row in comp.rows:
        cells = []
        for cell in row.cells:
            cells.append(
                {
                    "value": format_value(row.spec, cell.value),
                    "delta": format_delta(row.spec, cell),
                    "flag": cell_flag(comp, row.spec, cell),
                    "css": (
                        "regression"
                        if cell.regression
                        else "improvement"
                        if cell.improvement
                        else "worse"
                        if cell.significant
                        else ""
                    ),
                    "n": cell.n,
                }
            )
        rows.append({"label": row.spec.label, "kind": row.spec.kind, "cells": cells})
    return rows


def write_report(run_dirs: list[Path], out: Path, *, gold_dir: Path | None = None) -> Path:
    """Write the HTML report of ``run_dirs`` (the first is the reference) to ``out``."""
    if not run_dirs:
        raise CompareError("a report needs at least one run directory")
    runs = [load_run(Path(p)) for p in run_dirs]
    notes: list[str] = []
    comp: Comparison | None
    try:
        comp = compare_runs([Path(p) for p in run_dirs])
        notes.extend(comp.notes)
    except CompareError as exc:
        comp = None
        notes.append(f"no comparison: {exc}")
    tables = [table_from_run(r) for r in runs]
    single = [compare_tables([t]) for t in tables]  # each run's own values, all its articles
    labels = [f"{r.config.model} · {r.config.prompt} · {r.config.run_id}" for r in runs]
    series = [(labels[i], RUN_COLORS[i % len(RUN_COLORS)]) for i in range(len(runs))]

    cases = _load_cases(runs, gold_dir, notes)
    articles: list[str] = []
    for t in tables:
        articles.extend(a for a in t.articles if a not in articles)
    by_run: list[dict[str, list[ArticleRecord]]] = []
    for run in runs:
        grouped: dict[str, list[ArticleRecord]] = {}
        for rec in run.records:
            grouped.setdefault(rec.article_id, []).append(rec)
        by_run.append(grouped)

    f1_keys = [*FIELD_METRICS, "macro_f1"]
    f1_chart = bar_chart(
        [k.replace("_f1", " F1") if k == "macro_f1" else k for k in f1_keys],
        series,
        [[s.row(k).cells[0].value for k in f1_keys] for s in single],
        y_max=1.0,
        y_label="F1 (mean over articles)",
        digits=2,
        bar_w=26,
    )
    latency: list[list[float | None]] = []
    errored: list[list[bool]] = []
    for r in range(len(runs)):
        lat_row: list[float | None] = []
        err_row: list[bool] = []
        for a in articles:
            recs = by_run[r].get(a, [])
            lat_row.append(statistics.fmean(x.wall_s for x in recs) if recs else None)
            err_row.append(any(x.status == "error" for x in recs))
        latency.append(lat_row)
        errored.append(err_row)
    n_bars = max(len(articles) * len(runs), 1)
    latency_chart = bar_chart(
        short_labels(articles),
        series,
        latency,
        y_label="wall seconds (mean over repeats)",
        digits=1,
        errors=errored,
        bar_w=max(6.0, min(28.0, 700.0 / n_bars)),
        show_labels=n_bars <= 40,
        group_titles=articles,
    )

    overview = []
    for a in articles:
        cells = []
        for r in range(len(runs)):
            recs = by_run[r].get(a, [])
            if not recs:
                cells.append({"text": "absent", "css": "absent"})
                continue
            n_err = sum(1 for x in recs if x.status == "error")
            macros = [x.scores["macro_f1"] for x in recs if x.scores and "macro_f1" in x.scores]
            if n_err == len(recs):
                cells.append({"text": "error", "css": "regression"})
            else:
                text = _fmt(statistics.fmean(macros)) if macros else "ok"
                if n_err:
                    text += f" ({n_err} err)"
                cells.append({"text": text, "css": ""})
        overview.append({"article_id": a, "cells": cells})

    article_views = [
        _article_view(i, a, cases.get(a), runs, by_run, labels) for i, a in enumerate(articles)
    ]
    for view in article_views:
        if not view.has_text:
            notes.append(f"article {view.article_id}: text not found, spans not shown")

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    html = env.get_template(TEMPLATE_NAME).render(
        generated=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        runs=[_run_header(r, i) for i, r in enumerate(runs)],
        labels=labels,
        colors=[c for _, c in series],
        comparison=comp,
        matrix=_matrix(comp) if comp else [],
        notes=notes,
        failures=comp.failures if comp else [],
        f1_chart=f1_chart,
        latency_chart=latency_chart,
        overview=overview,
        articles=article_views,
        open_runs=len(runs) <= 2,
        metric_count=len(METRICS),
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


__all__ = ["RUN_COLORS", "write_report"]
