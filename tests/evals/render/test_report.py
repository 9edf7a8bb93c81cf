"""The HTML report: self-contained, escapes untrusted text, marks misses and false positives.

Two hand-made runs over two seed articles (copied into a temporary suite, one of them with a
``<script>`` appended) with predictions fabricated from the gold and scored for real.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evals.gold import load_suite
from evals.metrics import score_article
from evals.render.charts import bar_chart
from evals.render.items import highlight
from evals.render.report import write_report
from evals.store import ArticleRecord, ErrorInfo
from summarize.core.backend import CallRecord
from summarize.core.schema import ArticleSummary
from tests.helpers.paths import ROOT
from tests.helpers.runs import write_run

A1 = "000_4384644db8aab1e9"
A2 = "004_3ffedc4987192e79"
INJECTION = '\n\n<script>alert("pwned")</script> <img src=x onerror=alert(1)>\n'
FP_NAME = "Zorblax Industries"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Articles (the first with an injected script at the end) and their gold."""
    base = tmp_path_factory.mktemp("suite")
    articles, gold = base / "articles", base / "gold"
    articles.mkdir()
    gold.mkdir()
    for a in (A1, A2):
        text = (ROOT / "seeds" / f"{a}.txt").read_text(encoding="utf-8")
        if a == A1:
            text += INJECTION  # appended: the gold's first-occurrence offsets do not move
        (articles / f"{a}.txt").write_text(text, encoding="utf-8")
        shutil.copy(ROOT / "evals" / "gold" / f"{a}.json", gold / f"{a}.json")
    return articles, gold


def _prediction(case: Any) -> dict[str, Any]:
    """The gold as a prediction, minus its first and last dates (A1: a required and an
    optional one), plus an invented party."""
    d = case.gold.model_dump(mode="json")
    d.pop("article")
    for f in ("parties", "positions", "dates", "disputes"):
        for item in d[f]:
            item.pop("required", None)
    d = copy.deepcopy(d)
    d["dates"] = d["dates"][1:-1]
    quote = " ".join(case.text.split()[:5])
    start = case.text.find(quote)
    d["parties"].append(
        {
            "name": FP_NAME,
            "kind": "organization",
            "role": None,
            "aliases": [],
            "evidence": [{"quote": quote, "start": start, "end": start + len(quote)}],
        }
    )
    return d


def _record(case: Any, *, error: bool = False) -> ArticleRecord:
    call = CallRecord(
        purpose="extract",
        model="fake/x",
        mode="tools",
        attempt=1,
        ok=not error,
        prompt_tokens=600,
        completion_tokens=250,
        latency_s=12.0,
    )
    if error:
        return ArticleRecord(
            cache_key="k",
            article_id=case.article_id,
            status="error",
            calls=[call],
            wall_s=12.0,
            error=ErrorInfo(
                type="OutputValidationError",
                attempts=2,
                message="bad output <img src=x onerror=alert(2)>",
                raw_output='{"headline": "</pre><script>alert(3)</script>"}',
            ),
        )
    summary = ArticleSummary.model_validate(_prediction(case), context={"text": case.text})
    scores = score_article(summary, case.gold, case.text)
    return ArticleRecord(
        cache_key="k",
        article_id=case.article_id,
        status="ok",
        prediction=summary.model_dump(mode="json"),
        scores=scores.model_dump(),
        calls=[call],
        wall_s=12.0,
        dropped=[
            {
                "field": "parties",
                "item": {"name": "<b>Ghost</b> party", "quote": "nowhere"},
                "reason": "no quote found",
            }
        ],
    )


@pytest.fixture(scope="module")
def report(suite: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    articles, gold = suite
    cases = {c.article_id: c for c in load_suite(articles, gold)}
    root = tmp_path_factory.mktemp("runs")
    a = write_run(
        root,
        "run-a",
        [_record(cases[A1]), _record(cases[A2])],
        suite=str(articles),
        model="fake/model-a",
    )
    b = write_run(
        root,
        "run-b",
        [_record(cases[A1]), _record(cases[A2], error=True)],
        suite=str(articles),
        model="fake/model-b",
        prompt="summary/v2",
    )
    out = write_report([a, b], root / "out" / "report.html", gold_dir=gold)
    assert out == root / "out" / "report.html"
    return out.read_text(encoding="utf-8")


def _rows(html: str, kind: str) -> list[str]:
    return re.findall(rf'<tr class="{kind}">(.*?)</tr>', html, flags=re.S)


def test_report_is_self_contained(report: str) -> None:
    assert report.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", report, re.I)
    assert "http://" not in report and "https://" not in report
    assert "<link" not in report.lower() and "@import" not in report
    assert "<style>" in report and "<svg" in report  # inline CSS and charts


def test_report_escapes_untrusted_text(report: str) -> None:
    assert "<script" not in report.lower()
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in report
    assert "<img" not in report.lower()
    assert "&lt;img src=x onerror=alert(2)&gt;" in report  # the error message
    assert "&lt;/pre&gt;&lt;script&gt;alert(3)" in report  # the raw output
    assert "&lt;b&gt;Ghost&lt;/b&gt; party" in report  # a dropped item


def test_report_lists_each_article_and_run(report: str) -> None:
    for needle in (A1, A2, "run-a", "run-b", "fake/model-b", "summary/v2", "p" * 12):
        assert needle in report
    assert "OutputValidationError" in report
    assert "Counted as F1 0 on every field." in report


def test_report_marks_misses_false_positives_and_optional_gold(report: str) -> None:
    fps = _rows(report, "fp")
    assert fps and all(FP_NAME in r and "false positive" in r for r in fps)
    misses = _rows(report, "miss")
    assert any("2024-07-08" in r and "missed" in r for r in misses)  # A1's required date
    assert any("missed (run failed)" in r for r in misses)  # run-b's error on A2
    assert _rows(report, "match")
    optional = _rows(report, "optional")
    assert any("2024-05" in r and "optional, not found (no cost)" in r for r in optional)
    assert 'class="badge optional"' in report


def test_report_highlights_gold_and_predicted_spans(report: str) -> None:
    assert 'class="hl-both"' in report  # predicted quotes copied from the gold
    assert 'class="hl-gold"' in report  # the dropped date's gold evidence
    assert 'class="hl-pred"' in report  # the invented party's quote


def test_report_comparison_matrix_and_charts(report: str) -> None:
    assert "Comparison against" in report and "macro F1" in report and "Δ" in report
    assert report.count("<svg") == 2
    assert "bar-error" in report  # run-b's failed article in the latency chart


def test_report_without_suite_still_renders(tmp_path: Path) -> None:
    from tests.helpers.runs import make_record

    run = write_run(tmp_path, "lonely", [make_record("nowhere_1")], suite="/no/such/dir")
    out = write_report([run], tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert "nowhere_1" in html and "not found" in html


def test_highlight_splits_text_at_evidence_boundaries() -> None:
    text = "Alpha beta gamma delta epsilon zeta eta theta."
    gold = {
        "parties": [
            {"name": "A", "evidence": [{"quote": "Alpha beta gamma", "start": 0, "end": 16}]}
        ]
    }
    pred = {
        "parties": [
            {"name": "B", "evidence": [{"quote": "gamma delta epsilon", "start": 11, "end": 30}]},
            {"name": "C", "evidence": [{"quote": "not in the text", "start": 0, "end": 15}]},
        ]
    }
    segments, ungrounded = highlight(text, gold, pred)
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.css) for s in segments[:4]] == [
        ("Alpha beta ", "hl-gold"),
        ("gamma", "hl-both"),
        (" delta epsilon", "hl-pred"),
        (" zeta eta theta.", ""),
    ]
    assert ungrounded == ["parties: “not in the text” at 0:15"]


def test_bar_chart_geometry() -> None:
    chart = bar_chart(
        ["a", "b"], [("r1", "#000"), ("r2", "#111")], [[1.0, 0.5], [0.25, None]], y_max=1.0
    )
    assert len(chart.bars) == 3
    full, half = chart.bars[0], chart.bars[1]
    assert full.h == pytest.approx(chart.plot_h) and half.h == pytest.approx(chart.plot_h / 2)
    assert full.y + full.h == pytest.approx(chart.top + chart.plot_h)
