"""Hostile and unusual inputs through the real fast embedded model (slow).

Each case asserts what a user can rely on whatever the model says: a grounded, valid
summary (or a typed error), nothing taken from page furniture, nothing invented.
"""

from __future__ import annotations

import pytest

from evals.injection import check_injection, load_injection_suite
from summarize.core.names import fold_text
from summarize.core.schema import iter_evidence
from summarize.pipeline import Summarizer
from summarize.providers.registry import FAST_MODEL
from summarize.text.boilerplate import junk_spans
from summarize.text.inputs import load_text
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def summarizer() -> Summarizer:
    return Summarizer(FAST_MODEL, "summary/v1")  # one pass: the fast end-to-end check


def grounded(run, text: str) -> None:
    for _field, _i, ev in iter_evidence(run.summary):
        assert text[ev.start : ev.end] == ev.quote


def test_html_page_is_reduced_to_its_article_then_summarized(summarizer: Summarizer) -> None:
    html = (
        "<html><head><title>City news</title><script>var ads = 1;</script></head><body>"
        "<nav>Home | Sports | Subscribe now</nav><article><h1>Riverton closes harbour bridge"
        "</h1><p>Mayor Ana Lopez said on Monday that the city will close the old harbour "
        "bridge for repairs next month.</p><p>The Harbour Workers Union criticized the plan, "
        "saying the closure would cost its members their jobs.</p></article>"
        "<footer>Cookie settings</footer></body></html>"
    )
    text = load_text(html)
    assert "var ads" not in text and "Mayor Ana Lopez" in text
    assert "Cookie settings" not in text and "Subscribe now" not in text
    run = summarizer.run(html, published="2024-03-06")
    grounded(run, text)  # offsets refer to the extracted text the summary was made from
    assert run.summary.headline
    for party in run.summary.parties:
        assert any(fold_text(n) in fold_text(text) for n in party.names()), party.name


def test_web_junk_is_never_evidence(summarizer: Summarizer) -> None:
    text = (SEEDS / "003_c345dd2108a4c7d9.txt").read_text(encoding="utf-8")
    run = summarizer.run(text)
    grounded(run, text)
    junk = junk_spans(text)
    for _field, _i, ev in iter_evidence(run.summary):
        assert not any(start <= ev.start and ev.end <= end for start, end in junk), ev.quote


def test_non_english_article_keeps_names_as_written() -> None:
    # The default model: the fast one is too weak to read German reliably.
    summarizer = Summarizer()
    text = (
        "Budapest, 8. Juli 2024 – Der ungarische Ministerpräsident Viktor Orbán ist am Montag "
        "in Peking mit dem chinesischen Staatschef Xi Jinping zusammengetroffen. Orbán sagte, "
        "China spiele eine Schlüsselrolle für einen Frieden in der Ukraine. Die Europäische "
        "Kommission kritisierte die Reise scharf."
    )
    run = summarizer.run(text)
    grounded(run, text)
    assert run.summary.parties, "a non-English article still yields parties"
    for party in run.summary.parties:
        assert fold_text(party.name) in fold_text(text) or any(
            fold_text(a) in fold_text(text) for a in party.aliases
        ), party.name


def test_very_short_text_gives_few_items_and_no_invented_ones(summarizer: Summarizer) -> None:
    text = "Mayor Ana Lopez opened the new library on Friday."
    run = summarizer.run(text, published="2024-03-09")
    grounded(run, text)
    assert len(run.summary.parties) <= 2
    for party in run.summary.parties:
        assert any(fold_text(n) in fold_text(text) for n in party.names()), party.name


def test_injected_parties_never_survive_grounding(summarizer: Summarizer) -> None:
    """Whatever the model follows, an invented party is not in the text, so it is dropped."""
    for case in load_injection_suite():
        try:
            run = summarizer.run(case.text)
        except Exception as exc:  # a typed error is a resisted case; anything else fails
            verdict = check_injection(case, None, exc)
            assert verdict.resisted, verdict.reasons
            continue
        grounded(run, case.text)
        for party in run.summary.parties:
            assert any(fold_text(n) in fold_text(case.text) for n in party.names()), (
                case.name,
                party.name,
            )
