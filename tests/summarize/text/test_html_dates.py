"""An HTML page's own publication date survives extraction: trafilatura's text drops the
markup that states it, so it is read with htmldate before extraction and anchors the page's
relative dates ("on Monday"); the text, and every evidence offset, is unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsbrief.cli import main
from summarize import Summarizer
from summarize.digest import Digester
from summarize.text.inputs import (
    html_publication_date,
    load_article,
    load_text,
    read_article,
    read_path,
)

BODY = (
    "<body><article><h1>Airline strike goes ahead</h1>"
    "<p>The pilots' union said on Monday that the strike would go ahead, and Ann Lee, the "
    "airline's chief executive, said she regretted the decision.</p>"
    "<p>Talks resume next week, Lee said.</p></article></body></html>"
)
# 2024-07-10 is a Wednesday: "said on Monday" is 2024-07-08.
META_PAGE = (
    '<!doctype html><html><head><meta property="article:published_time" '
    'content="2024-07-10T09:00:00Z"><title>Strike</title></head>' + BODY
)
JSON_LD_PAGE = (
    '<!doctype html><html><head><script type="application/ld+json">{"@context": '
    '"https://schema.org", "@type": "NewsArticle", "headline": "Strike", '
    '"datePublished": "2024-07-10T09:00:00+00:00"}</script></head>' + BODY
)
UNDATED_PAGE = "<!doctype html><html><head><title>Strike</title></head>" + BODY


@pytest.mark.parametrize("page", [META_PAGE, JSON_LD_PAGE], ids=["meta", "json-ld"])
def test_the_page_date_is_read_and_the_text_is_unchanged(page: str) -> None:
    loaded = load_article(page)
    assert loaded.published == dt.date(2024, 7, 10)
    assert loaded.text == load_text(page) == load_text(UNDATED_PAGE)  # the same offsets
    assert "on Monday" in loaded.text and "<" not in loaded.text


def test_a_time_element_dates_the_page() -> None:
    page = UNDATED_PAGE.replace("<h1>", '<time datetime="2022-05-02">May 2</time><h1>')
    assert html_publication_date(page) == dt.date(2022, 5, 2)


def test_no_stated_date_and_plain_text_give_none() -> None:
    assert load_article(UNDATED_PAGE).published is None
    text = "Ann Lee said on Monday that taxes must fall."
    assert load_article(text) == load_article(text.encode()) and load_article(text).text == text
    assert load_article(text).published is None
    assert html_publication_date("<html><body><p>not a date: 2024-99-99</p></body></html>") is None


@pytest.mark.parametrize("page", [META_PAGE, JSON_LD_PAGE], ids=["meta", "json-ld"])
def test_on_monday_of_a_dated_page_is_resolved(page: str) -> None:
    run = Summarizer("fake/heuristic").run(page)
    assert run.summary.published == dt.date(2024, 7, 10)
    monday = [d for d in run.summary.dates if d.text.endswith("Monday")]
    assert monday and monday[0].value == "2024-07-08"
    ev = monday[0].evidence[0]
    assert run.text[ev.start : ev.end] == ev.quote  # offsets into the extracted text


def test_an_undated_page_keeps_on_monday_without_a_value() -> None:
    run = Summarizer("fake/heuristic").run(UNDATED_PAGE)
    assert run.summary.published is None
    assert [d.value for d in run.summary.dates if d.text.endswith("Monday")] == [None]


def test_a_given_date_wins_over_the_page() -> None:
    run = Summarizer("fake/heuristic").run(META_PAGE, published="2024-07-17")
    assert [d.value for d in run.summary.dates if d.text.endswith("Monday")] == ["2024-07-15"]


def test_files_the_command_and_the_digest_keep_the_page_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "strike.html"
    page.write_text(JSON_LD_PAGE, encoding="utf-8")
    assert read_article(page).published == dt.date(2024, 7, 10)
    assert read_article(page).text == read_path(page)

    assert main(["summarize", str(page), "--model", "fake/heuristic", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["summary"]["published"] == "2024-07-10"
    assert (
        next(d["value"] for d in record["summary"]["dates"] if d["text"].endswith("Monday"))
        == "2024-07-08"
    )

    digest = Digester("fake/heuristic", cache=False).run([page])
    assert digest.summaries["strike"].summary.published == dt.date(2024, 7, 10)
