"""End to end on the real embedded models (slow: minutes on 2 cores; CI runs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from summarize import ArticleSummary, summarize_article
from summarize.core.schema import iter_evidence
from summarize.providers.registry import FAST_MODEL
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
SEEDS = ROOT / "seeds"


def assert_grounded(summary: ArticleSummary, text: str) -> None:
    ArticleSummary.model_validate(summary.model_dump(), context={"text": text})
    for _field, _i, ev in iter_evidence(summary):
        assert text[ev.start : ev.end] == ev.quote


def test_cli_summarizes_seed_000_with_the_default_model() -> None:
    seed = SEEDS / "000_4384644db8aab1e9.txt"
    text = seed.read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newsbrief", "summarize", str(seed), "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # the full record: text, summary, dropped, masked, ...
    assert record["text"] == text
    summary = ArticleSummary.model_validate(record["summary"], context={"text": text})
    assert_grounded(summary, text)
    assert summary.published is not None and summary.published.isoformat() == "2024-07-08"
    names = " ".join(n for p in summary.parties for n in p.names()).casefold()
    assert "xi" in names and "orban" in names
    assert summary.positions, "the model found no position at all"
    assert summary.dates, "the model found no date at all"


def test_python_api_on_the_fast_model_returns_a_grounded_summary() -> None:
    text = (SEEDS / "003_c345dd2108a4c7d9.txt").read_text(encoding="utf-8")
    summary = summarize_article(text, model=FAST_MODEL, published="2023-10-18")
    assert isinstance(summary, ArticleSummary)
    assert_grounded(summary, text)
    assert summary.published.isoformat() == "2023-10-18"
