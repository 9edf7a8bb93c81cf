"""One self-contained HTML report of one or more eval runs: what a reviewer opens in a PR.

Why one file with everything inlined (CSS, SVG charts, no script, no external URL): it is
attached to a CI job or mailed around and must render the same offline, years later, and
opening it must not make a network request on behalf of text scraped from the web.

Article texts, model outputs and error messages are untrusted: a scraped page can hold
``<script>`` or a crafted quote. Everything reaches the page through Jinja2 with autoescape
on; this module never builds HTML strings itself (the SVG charts are numbers placed by the
template), so there is one place where escaping happens and it cannot be forgotten.

What the report shows, top to bottom: each run's provenance (model, weights hash, prompt and
its hash, date, versions); the comparison matrix of :func:`evals.compare.compare_runs` (all
runs vs the first); per-field F1 per run and latency per article per run as SVG bar charts;
an overview of articles; then per article and per run the article text with gold and
predicted evidence spans highlighted, and gold vs predicted items side by side per field
(matched pairs aligned, misses, false positives, optional gold, dropped and ungrounded items,
errors).

    python -m evals.report runs/a runs/b -o report.html
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import re
import statistics
import sys
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
    LoadedRun,
    cell_flag,
    compare_runs,
    compare_tables,
    format_delta,
    format_value,
    load_run,
    resolve_run_path,
    table_from_run,
    weights_hash,
)
from evals.gold import GoldCase, GoldError, load_suite
from evals.records import ArticleRecord

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"
DEFAULT_GOLD_DIR = Path(__file__).resolve().parent / "gold"
#: Run colours (colour-blind friendly Okabe-Ito order); runs beyond them cycle.
RUN_COLORS: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)
_RAW_OUTPUT_LIMIT = 4000


# --- loading the suite ------------------------------------------------------------------
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
            gold_dir if gold_dir is not None
            else resolve_run_path(run.config.gold, run.path) or DEFAULT_GOLD_DIR
        )
        if gold is not None and not gold.is_dir():
            notes.append(f"gold directory {gold} not found: gold items are not shown")
            gold = None
        articles_dir = resolve_run_path(run.config.suite, run.path)
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


# --- items ------------------------------------------------------------------------------
@dataclass
class ItemView:
    """One gold or predicted item as shown in the side-by-side table."""

    title: str
    details: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    optional: bool = False
    polarity: str | None = None


@dataclass
class RowView:
    """A line of the side-by-side table: a matched pair, a miss, a false positive, ..."""

    kind: str  # match | miss | fp | optional | gold | pred
    verdict: str
    gold: ItemView | None = None
    pred: ItemView | None = None


@dataclass
class FieldView:
    name: str
    metrics: str
    rows: list[RowView]
    f1: float | None = None


def _names(side: Any) -> str:
    return " + ".join(str(n) for n in side) if isinstance(side, list) else str(side)


def item_view(field_name: str, item: Mapping[str, Any]) -> ItemView:
    """A readable label of an item given as JSON (prediction, gold or a dropped draft)."""
    evidence = []
    for ev in item.get("evidence") or []:
        evidence.append(str(ev.get("quote", "")) if isinstance(ev, Mapping) else str(ev))
    if item.get("quote"):
        evidence.append(str(item["quote"]))
    details: list[str] = []
    polarity = None
    if field_name == "parties":
        title = str(item.get("name", "?"))
        details.append(str(item.get("kind", "")))
        if item.get("role"):
            details.append(f"role: {item['role']}")
        if item.get("aliases"):
            details.append("aliases: " + ", ".join(str(a) for a in item["aliases"]))
    elif field_name == "positions":
        title = f"{item.get('party', '?')} — {item.get('topic', '?')}"
        polarity = str(item.get("polarity", "")) or None
        if item.get("stance"):
            details.append(str(item["stance"]))
    elif field_name == "dates":
        value = item.get("value") or "no ISO value"
        title = f"{value} · “{item.get('text', '')}”"
        if item.get("event"):
            details.append(str(item["event"]))
    elif field_name == "disputes":
        sides = item.get("sides")
        if not sides and ("side_a" in item or "side_b" in item):
            sides = [item.get("side_a") or [], item.get("side_b") or []]
        title = " vs ".join(_names(s) for s in sides or []) or "?"
        if item.get("issue"):
            details.append(f"issue: {item['issue']}")
        if item.get("description"):
            details.append(str(item["description"]))
    else:
        title = json.dumps(dict(item), ensure_ascii=False)[:200]
    return ItemView(
        title=title,
        details=[d for d in details if d],
        evidence=evidence,
        optional=item.get("required") is False,
        polarity=polarity,
    )


def _field_rows(
    field_name: str,
    pred_items: list[Mapping[str, Any]],
    gold_items: list[Mapping[str, Any]] | None,
    score: Mapping[str, Any] | None,
) -> list[RowView]:
    """Matched pairs aligned, then misses, optional gold not found, false positives.

    Without a score (no gold, or a run not scored) the items are listed unaligned.
    """
    pv = [item_view(field_name, p) for p in pred_items]
    if gold_items is None:
        return [RowView("pred", "no gold", pred=v) for v in pv]
    gv = [item_view(field_name, g) for g in gold_items]
    if score is None:
        rows = [RowView("gold", "not scored", gold=v) for v in gv]
        return rows + [RowView("pred", "not scored", pred=v) for v in pv]
    rows: list[RowView] = []
    matched_g: set[int] = set()
    matched_p: set[int] = set()
    for pi, gi in sorted(score.get("matches") or [], key=lambda m: m[1]):
        if gi < len(gv) and pi < len(pv):
            matched_g.add(gi)
            matched_p.add(pi)
            verdict = "match"
            if field_name == "positions":
                gp, pp = gv[gi].polarity, pv[pi].polarity
                if gp and pp and gp != pp:
                    verdict = f"match, polarity {pp} ≠ {gp}"
            rows.append(RowView("match", verdict, gold=gv[gi], pred=pv[pi]))
    missed = [gi for gi in score.get("missed") or [] if gi < len(gv)]
    for gi in missed:
        rows.append(RowView("miss", "missed", gold=gv[gi]))
    for gi, g in enumerate(gv):
        if gi not in matched_g and gi not in missed:
            rows.append(RowView("optional", "optional, not found (no cost)", gold=g))
    fps = [pi for pi in score.get("false_positives") or [] if pi < len(pv)]
    for pi in fps:
        rows.append(RowView("fp", "false positive", pred=pv[pi]))
    for pi, p in enumerate(pv):
        if pi not in matched_p and pi not in fps:
            rows.append(RowView("pred", "unmatched", pred=p))
    return rows


# --- highlighted text -------------------------------------------------------------------
@dataclass
class Segment:
    text: str
    css: str = ""
    title: str = ""


def _spans(summary: Mapping[str, Any], who: str) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    for field_name in FIELD_METRICS:
        for item in summary.get(field_name) or []:
            label = item_view(field_name, item).title
            for ev in item.get("evidence") or []:
                if isinstance(ev, Mapping) and isinstance(ev.get("start"), int):
                    out.append((ev["start"], ev["end"], who, f"{who} · {field_name}: {label}"))
    return out


def highlight(
    text: str, gold: Mapping[str, Any] | None, pred: Mapping[str, Any] | None
) -> tuple[list[Segment], list[str]]:
    """Split ``text`` at every evidence boundary; mark each piece gold / predicted / both.

    Predicted spans are highlighted only where ``text[start:end] == quote`` (a wrong offset
    would highlight unrelated words); the others are returned as ungrounded quotes.
    """
    spans = _spans(gold, "gold") if gold else []
    ungrounded: list[str] = []
    if pred:
        for field_name in FIELD_METRICS:
            for item in pred.get(field_name) or []:
                for ev in item.get("evidence") or []:
                    if not isinstance(ev, Mapping):
                        continue
                    s, e, q = ev.get("start"), ev.get("end"), ev.get("quote")
                    ok = (
                        isinstance(s, int) and isinstance(e, int)
                        and 0 <= s < e <= len(text) and text[s:e] == q
                    )
                    if not ok:
                        ungrounded.append(f"{field_name}: “{q}” at {s}:{e}")
        spans += [
            sp for sp in _spans(pred, "predicted")
            if 0 <= sp[0] < sp[1] <= len(text)
        ]
        spans = [
            sp for sp in spans
            if sp[2] == "gold" or _grounded(text, pred, sp)
        ]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    segments: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        cover = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        who = {sp[2] for sp in cover}
        css = (
            "hl-both" if who == {"gold", "predicted"}
            else "hl-gold" if who == {"gold"}
            else "hl-pred" if who == {"predicted"}
            else ""
        )
        title = "\n".join(dict.fromkeys(sp[3] for sp in cover))
        if segments and segments[-1].css == css == "":
            segments[-1].text += text[a:b]
        else:
            segments.append(Segment(text[a:b], css, title))
    return segments, ungrounded


def _grounded(text: str, pred: Mapping[str, Any], span: tuple[int, int, str, str]) -> bool:
    s, e = span[0], span[1]
    for field_name in FIELD_METRICS:
        for item in pred.get(field_name) or []:
            for ev in item.get("evidence") or []:
                if (
                    isinstance(ev, Mapping) and ev.get("start") == s and ev.get("end") == e
                    and text[s:e] == ev.get("quote")
                ):
                    return True
    return False


# --- charts -----------------------------------------------------------------------------
@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str
    label: str = ""
    error: bool = False


@dataclass
class Chart:
    width: float
    height: float
    left: float
    top: float
    plot_w: float
    plot_h: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    xlabels: list[tuple[float, str, str]]  # x, shown text, full title
    y_label: str
    rotate: bool = False


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def bar_chart(
    groups: list[str],
    series: list[tuple[str, str]],
    values: list[list[float | None]],
    *,
    y_max: float | None = None,
    y_label: str = "",
    digits: int = 2,
    errors: list[list[bool]] | None = None,
    bar_w: float = 18.0,
    show_labels: bool = True,
    group_titles: list[str] | None = None,
) -> Chart:
    """Grouped bars: ``values[s][g]`` is series ``s`` (a run) in group ``g``.

    ``group_titles`` are the full names shown as tooltips when ``groups`` are shortened.
    """
    titles = group_titles or groups
    top_value = max((v for row in values for v in row if v is not None), default=0.0)
    y_top = y_max if y_max is not None else _nice_max(top_value * 1.05)
    longest = max((len(g) for g in groups), default=0)
    rotate = longest > 10
    # rotated labels hang down-left from their group: the first one needs room on the left
    left = max(56.0, 5.2 * min(longest, 22)) if rotate else 56.0
    top, right = 18.0, 16.0
    bottom = 110.0 if rotate else 40.0
    n_series = max(len(series), 1)
    group_w = n_series * bar_w + 18.0
    plot_w = max(len(groups) * group_w, 200.0)
    plot_h = 200.0
    bars: list[Bar] = []
    for s, (name, color) in enumerate(series):
        for g in range(len(groups)):
            v = values[s][g]
            if v is None:
                continue
            h = plot_h * min(max(v / y_top, 0.0), 1.0) if y_top else 0.0
            x = left + g * group_w + 9.0 + s * bar_w
            err = bool(errors and errors[s][g])
            label = f"{v:.{digits}f}" if show_labels else ""
            title = f"{name} · {titles[g]}: {v:.{digits}f}" + (" (error)" if err else "")
            bars.append(Bar(x, top + plot_h - h, bar_w - 2, h, color, title, label, err))
    ticks = [(top + plot_h - plot_h * i / 4, f"{round(y_top * i / 4, 3):g}") for i in range(5)]
    xlabels = [
        (left + g * group_w + group_w / 2, g_name if len(g_name) <= 22 else g_name[:21] + "…",
         titles[g])
        for g, g_name in enumerate(groups)
    ]
    return Chart(
        width=left + plot_w + right, height=top + plot_h + bottom, left=left, top=top,
        plot_w=plot_w, plot_h=plot_h, bars=bars, ticks=ticks, xlabels=xlabels,
        y_label=y_label, rotate=rotate,
    )


def short_labels(ids: list[str]) -> list[str]:
    """Chart labels for article ids: the part before the first ``_`` (``000`` for
    ``000_4384644db8aab1e9``) when those are unique, else the ids themselves.

    Long hash-like ids would have to be rotated and still collide with each other; the full
    id stays in each bar's tooltip and in the articles table.
    """
    heads = [i.split("_", 1)[0] for i in ids]
    if all(heads) and len(set(heads)) == len(heads):
        return heads
    return list(ids)


# --- per article ------------------------------------------------------------------------
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
            run_index=r, label=labels[r], color=RUN_COLORS[r % len(RUN_COLORS)],
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
                + f", {rec.wall_s:.1f} s" + (" (cached)" if rec.cached else "")
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
                rows = [RowView("miss", "missed (run failed)", gold=item_view(field_name, g))
                        for g in gold_items if g.get("required", True) is not False]
                metrics = "error: F1 0"
                f1: float | None = 0.0
            else:
                rows = _field_rows(field_name, pred_items, gold_items, score)
                f1 = score.get("f1") if score else None
                metrics = (
                    f"F1 {_fmt(score.get('f1'))} · P {_fmt(score.get('precision'))} · "
                    f"R {_fmt(score.get('recall'))} · tp {score.get('tp', 0)} "
                    f"fp {score.get('fp', 0)} fn {score.get('fn', 0)}"
                    if score else "not scored"
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


# --- the report -------------------------------------------------------------------------
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
            cells.append({
                "value": format_value(row.spec, cell.value),
                "delta": format_delta(row.spec, cell),
                "flag": cell_flag(comp, row.spec, cell),
                "css": (
                    "regression" if cell.regression
                    else "improvement" if cell.improvement
                    else "worse" if cell.significant
                    else ""
                ),
                "n": cell.n,
            })
        rows.append({"label": row.spec.label, "kind": row.spec.kind, "cells": cells})
    return rows


def write_report(
    run_dirs: list[Path], out: Path, *, gold_dir: Path | None = None
) -> Path:
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
        y_max=1.0, y_label="F1 (mean over articles)", digits=2, bar_w=26,
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
        short_labels(articles), series, latency, y_label="wall seconds (mean over repeats)",
        digits=1, errors=errored, bar_w=max(6.0, min(28.0, 700.0 / n_bars)),
        show_labels=n_bars <= 40, group_titles=articles,
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


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.report RUN [RUN ...] -o report.html``."""
    parser = argparse.ArgumentParser(prog="python -m evals.report")
    parser.add_argument("runs", nargs="+", type=Path, help="run directories (first = reference)")
    parser.add_argument("-o", "--out", type=Path, default=Path("report.html"))
    parser.add_argument("--gold", type=Path, help="gold directory (default: evals/gold)")
    args = parser.parse_args(argv)
    print(write_report(args.runs, args.out, gold_dir=args.gold))
    return 0


__all__ = ["RUN_COLORS", "bar_chart", "highlight", "item_view", "write_report"]

if __name__ == "__main__":
    sys.exit(main())
