"""``newsbrief digest`` and its page (``--html``), checked by DOM in headless Chromium.

The page is rendered from a fake-backend digest of the five seeds, with a discrepancy added
(the fake backend's judge finds none), then loaded in Debian's ``chromium`` at a desktop
(1280 px) and a phone (390 px) width. The DOM after layout is checked: every evidence span
of every item reads its quote in its own article, items link to their spans and spans back
to their items, the party x source matrix has one row per party and one column per article,
the timeline keeps the digest's order, the versions of a discrepancy sit side by side, and
nothing is wider than the window. Screenshots go to ``NEWSBRIEF_SCREENSHOTS=DIR`` when set.
The command's own tests (JSON record, one-line errors, the summary cache) run on the fake
backend and load no real model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from newsbrief.cli import main
from summarize.core.digest import SourceEvidence, StoryDigest
from summarize.core.result import DigestRun, SummaryRun
from summarize.core.schema import ArticleSummary
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
WIDTHS = {"desktop": 1280, "phone": 390}
# Window heights that hold the whole page, so that the screenshots show all of it.
HEIGHTS = {"desktop": 8400, "phone": 15000}
# Added to a copy of the page only (the page itself has no script): after layout, record on
# <body> how far the document is wider than the window, which elements stick out, and where
# each discrepancy version sits (side by side: one top, several lefts).
PROBE = """<script>addEventListener('load', () => {
  const w = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .map(e => e.tagName.toLowerCase() + '.' + e.className + '#' + e.id);
  document.body.dataset.overflow = document.documentElement.scrollWidth - w;
  document.body.dataset.wide = wide.slice(0, 8).join(' ');
  for (const v of document.querySelectorAll('.version')) {
    const r = v.getBoundingClientRect();
    v.dataset.box = [r.top + scrollY, r.left, r.width].map(Math.round).join(',');
  }
});</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    return found


def _with_discrepancy(run: DigestRun) -> DigestRun:
    """The run with a date discrepancy between two sources (the first dated event of each
    of two articles: the page is tested, not the digest's judgement)."""
    firsts: dict[str, tuple] = {}
    for event in run.digest.timeline:
        for dating, evidence in zip(event.dates, event.evidence, strict=False):
            firsts.setdefault(dating.article, (dating, evidence, event))
    (d1, e1, event), (d2, e2, _) = list(firsts.values())[:2]
    versions = [
        {"article": d.article, "claim": f"dated “{d.text}”", "evidence": [e.model_dump()]}
        for d, e in ((d1, e1), (d2, e2))
    ]
    data = run.digest.model_dump(mode="json")
    data["discrepancies"].append(
        {"kind": "date", "about": f"the date of: {event.event}", "versions": versions}
    )
    digest = StoryDigest.model_validate(data, context={"texts": run.texts})
    return run.model_copy(update={"digest": digest})


@pytest.fixture(scope="module")
def digest_run() -> DigestRun:
    from summarize.digest import Digester

    run = Digester("fake/heuristic", cache=False).run([SEEDS])
    return _with_discrepancy(run)


@pytest.fixture(scope="module")
def doms(
    digest_run: DigestRun, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, lxml.html.HtmlElement]:
    """The page after layout at each width (both browsers at once: a start costs ~1 s)."""
    from summarize.render.digest import write_digest_html

    folder = tmp_path_factory.mktemp("digest-view")
    html = write_digest_html(digest_run, folder / "story.html")
    page = html.read_text(encoding="utf-8")
    assert "<script" not in page  # self-contained and inert
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing from the network
    assert "https://" not in page
    shots = Path(os.environ.get("NEWSBRIEF_SCREENSHOTS") or folder)
    shots.mkdir(parents=True, exist_ok=True)
    running = {}
    for name, width in WIDTHS.items():
        probe = folder / f"probe-{name}.html"
        probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        running[name] = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-extensions",
                f"--window-size={width},{HEIGHTS[name]}",
                f"--screenshot={shots / f'digest-{name}.png'}",
                "--dump-dom",
                probe.as_uri(),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    out = {
        name: lxml.html.fromstring(proc.communicate(timeout=90)[0])
        for name, proc in running.items()
    }
    for name, width in WIDTHS.items():
        png = (shots / f"digest-{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == width
    return out


def _items(digest: StoryDigest) -> list[tuple[str, list[SourceEvidence]]]:
    """(the element id a span links back to, its evidence) for every item of the digest."""
    items: list[tuple[str, list[SourceEvidence]]] = []
    items += [(f"party-{i}", p.evidence) for i, p in enumerate(digest.parties)]
    items += [(f"position-{i}", p.evidence) for i, p in enumerate(digest.positions)]
    items += [(f"event-{i}", e.evidence) for i, e in enumerate(digest.timeline)]
    items += [(f"dispute-{i}", d.evidence) for i, d in enumerate(digest.disputes)]
    items += [
        (f"discrepancy-{i}-{j}", v.evidence)
        for i, d in enumerate(digest.discrepancies)
        for j, v in enumerate(d.versions)
    ]
    return items


def _span_text(tree: lxml.html.HtmlElement, article_index: int, ev_id: str) -> str:
    """The text of the marks that carry ``ev_id`` in one article (a span may be cut into
    pieces where another starts or ends inside it)."""
    marks = tree.xpath(
        f"//div[@id='text-{article_index}']//mark[contains(concat(' ', @data-ev, "
        f"' '), ' {ev_id} ')]"
    )
    return "".join(m.text_content() for m in marks)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_nothing_is_wider_than_the_window(
    doms: dict[str, lxml.html.HtmlElement], width: str
) -> None:
    body = doms[width].find("body")
    assert body.get("data-overflow") == "0", (
        f"{width}: wider than {WIDTHS[width]} px: {body.get('data-wide')}"
    )
    assert body.get("data-wide") == ""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_span_reads_its_quote_and_links_both_ways(
    digest_run: DigestRun, doms: dict[str, lxml.html.HtmlElement], width: str
) -> None:
    tree, digest = doms[width], digest_run.digest
    index = {a.id: i for i, a in enumerate(digest.articles)}
    seen = 0
    for item_id, evidence in _items(digest):
        item = tree.get_element_by_id(item_id)
        linked = {a.get("href") for a in item.xpath(".//a[@href]")}
        for k, ev in enumerate(evidence):
            ev_id = f"ev-{item_id}-{k}"
            assert digest_run.texts[ev.article][ev.start : ev.end] == ev.quote
            # the span, in its own article, reads the quote
            assert _span_text(tree, index[ev.article], ev_id) == ev.quote, (item_id, k)
            # item -> span: the item links to the span's tag, which sits in that article
            assert f"#{ev_id}" in linked, f"{item_id} does not link to {ev_id}"
            tag = tree.get_element_by_id(ev_id)
            assert "tag" in tag.get("class").split()
            assert f"text-{index[ev.article]}" in [a.get("id") for a in tag.iterancestors()]
            # span -> item: the tag links back to an element that exists
            assert tag.get("href") == f"#{item_id}"
            seen += 1
    assert seen == sum(len(e) for _, e in _items(digest)) > 20
    # every link inside the page resolves to an element of the page
    ids = set(tree.xpath("//@id"))
    broken = {h for h in tree.xpath("//a/@href") if h[1:] not in ids}
    assert not broken, sorted(broken)[:5]


def test_the_party_by_source_matrix(
    digest_run: DigestRun, doms: dict[str, lxml.html.HtmlElement]
) -> None:
    tree, digest = doms["desktop"], digest_run.digest
    columns = tree.xpath("//table[@class='matrix']/thead//th[@class='acol']")
    assert [c.text_content() for c in columns] == [f"A{i + 1}" for i in range(len(digest.articles))]
    rows = tree.xpath("//table[@class='matrix']/tbody/tr")
    assert [r.get("id") for r in rows] == [f"party-{i}" for i in range(len(digest.parties))]
    for row, party in zip(rows, digest.parties, strict=True):
        assert party.name in row.find("th").text_content()
        cells = row.findall("td")
        assert [c.get("data-article") for c in cells] == [a.id for a in digest.articles]
        for i, (cell, article) in enumerate(zip(cells, digest.articles, strict=True)):
            marks = cell.xpath(".//a[contains(@class, 'named')]")
            assert bool(marks) == (article.id in party.articles), (party.name, article.id)
            for mark in marks:  # each mark opens the words in that article that name it
                tag = tree.get_element_by_id(mark.get("href")[1:])
                assert f"text-{i}" in [a.get("id") for a in tag.iterancestors()]


def test_the_timeline_keeps_the_digests_order(
    digest_run: DigestRun, doms: dict[str, lxml.html.HtmlElement]
) -> None:
    timeline = digest_run.digest.timeline
    for tree in doms.values():
        entries = tree.xpath("//ol[@class='tl']/li")
        assert [e.get("id") for e in entries] == [f"event-{i}" for i in range(len(timeline))]
        for entry, event in zip(entries, timeline, strict=True):
            time = entry.find(".//time")
            if event.value is None:
                assert time is None and "undated" in entry.text_content()
            else:
                assert time.get("datetime") == event.value
            assert event.event in entry.text_content()
            badges = {a.text_content() for a in entry.xpath(".//a[@class='src']")}
            labels = {
                f"A{[a.id for a in digest_run.digest.articles].index(s) + 1}"
                for s in event.articles
            }
            assert labels <= badges
    values = [e.value for e in timeline if e.value]
    assert values == sorted(values) and len(timeline) >= 5


def test_discrepancy_versions_sit_side_by_side(
    digest_run: DigestRun, doms: dict[str, lxml.html.HtmlElement]
) -> None:
    (discrepancy,) = digest_run.digest.discrepancies
    for name, tree in doms.items():
        versions = tree.xpath("//li[@id='discrepancy-0']//div[@class='version']")
        assert len(versions) == len(discrepancy.versions) == 2
        boxes = [tuple(map(int, v.get("data-box").split(","))) for v in versions]
        assert boxes[0][0] == boxes[1][0] and boxes[0][1] < boxes[1][1], (name, boxes)
        for v, version in zip(versions, discrepancy.versions, strict=True):
            assert version.claim in v.text_content()


def test_markup_in_an_article_is_text() -> None:
    from summarize.render.digest import render_digest_html

    texts = {
        "a": "Ann Lee said <script>alert(1)</script> the plan <b>fails</b>.",
        "b": "Bob Roe said on <i>Monday</i> the plan works.",
    }
    lee, fails = texts["a"].index("Ann Lee"), texts["a"].index("<b>fails</b>")
    roe = texts["b"].index("Bob Roe")

    def ev(article: str, start: int, quote: str) -> dict:
        return {"article": article, "quote": quote, "start": start, "end": start + len(quote)}

    digest = StoryDigest.model_validate(
        {
            "articles": [{"id": "a", "title": "<em>A</em>"}, {"id": "b"}],
            "parties": [
                {
                    "name": "Ann Lee",
                    "kind": "person",
                    "articles": ["a"],
                    "mentions": [{"article": "a", "name": "Ann Lee"}],
                    "evidence": [ev("a", lee, "Ann Lee")],
                },
                {
                    "name": "Bob Roe",
                    "kind": "person",
                    "articles": ["b"],
                    "mentions": [{"article": "b", "name": "Bob Roe"}],
                    "evidence": [ev("b", roe, "Bob Roe")],
                },
            ],
            "discrepancies": [
                {
                    "kind": "characterisation",
                    "about": "does the plan <b>work</b>",
                    "versions": [
                        {
                            "article": "a",
                            "claim": "it <b>fails</b>",
                            "evidence": [ev("a", fails, "<b>fails</b>")],
                        },
                        {
                            "article": "b",
                            "claim": "it works",
                            "evidence": [ev("b", 0, texts["b"][:-1])],
                        },
                    ],
                }
            ],
        },
        context={"texts": texts},
    )
    summaries = {
        k: SummaryRun(summary=ArticleSummary(headline=k, summary=k), model="m", prompt="p", text=t)
        for k, t in texts.items()
    }
    page = render_digest_html(
        DigestRun(digest=digest, summaries=summaries, model="m", prompt="p", digest_prompt="d")
    )
    assert "<script>" not in page and "<b>" not in page and "<em>" not in page
    tree = lxml.html.fromstring(page)
    for i, text in enumerate(texts.values()):  # the article's text, less the spans' tags
        assert (
            "".join(
                tree.xpath(
                    f"//div[@id='text-{i}']//text()[not(ancestor::a[contains(@class, 'tag')])]"
                )
            )
            == text
        )
    assert _span_text(tree, 0, "ev-discrepancy-0-0-0") == "<b>fails</b>"
    assert _span_text(tree, 1, "ev-discrepancy-0-1-0") == texts["b"][:-1]
    assert _span_text(tree, 1, "ev-party-1-0") == "Bob Roe"  # nested in the version's span
    assert "<em>A</em>" in tree.get_element_by_id("source-0").text_content()


# --- the command -----------------------------------------------------------------------------
@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any Summarizer is built (the checks must come first)."""
    import summarize.pipeline

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the inputs were checked")

    monkeypatch.setattr(summarize.pipeline.Summarizer, "__init__", refuse)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSBRIEF_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_json_is_the_digest_run_and_a_second_run_is_cached(
    cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", str(SEEDS), "--model", "fake/heuristic", "--json"]) == 0
    out, err = capsys.readouterr()
    run = DigestRun.model_validate_json(out)
    assert [a.id for a in run.digest.articles] == SEED_IDS and run.cached == []
    StoryDigest.model_validate(run.digest.model_dump(), context={"texts": run.texts})
    assert run.model == "fake/heuristic" and run.digest_prompt == "digest/v1"
    assert json.loads(out)["summaries"][SEED_IDS[0]]["text"]  # the texts offsets point into
    assert err.count("summarized in") == 5 and "cached" not in err.replace("0 cached", "")
    assert "5 article(s): 5 summarized, 0 cached" in err and "digest step:" in err

    html = tmp_path / "story.html"
    assert (
        main(["digest", str(SEEDS), "--model", "fake/heuristic", "--json", "--html", str(html)])
        == 0
    )
    out, err = capsys.readouterr()
    again = DigestRun.model_validate_json(out)
    assert again.cached == SEED_IDS and again.digest == run.digest
    assert err.count(": cached") == 5 and "summarized in" not in err
    assert "5 article(s): 0 summarized, 5 cached" in err
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    assert (
        main(
            [
                "digest",
                *map(str, sorted(SEEDS.glob("00[01]_*.txt"))),
                "--model",
                "fake/heuristic",
                "--no-cache",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert "2 article(s): 2 summarized, 0 cached" in err
    for heading in (
        "Story digest: 2 articles",
        "Articles",
        "Parties × sources",
        "Timeline",
        "Positions",
        "Disputes",
        "Discrepancies",
    ):
        assert heading in out, heading
    assert "Xi Jinping" in out and "A2" in out

    # code alone by default; --ask-model asks the questions; --code-only still runs (a note)
    assert run.calls == []
    assert main(["digest", str(SEEDS), "--model", "fake/heuristic", "--json", "--ask-model"]) == 0
    asked = DigestRun.model_validate_json(capsys.readouterr().out)
    assert asked.calls and all(c.purpose.startswith("digest-") for c in asked.calls)
    assert asked.digest.parties == run.digest.parties  # names are code's either way
    assert main(["digest", str(SEEDS), "--model", "fake/heuristic", "--json", "--code-only"]) == 0
    out, err = capsys.readouterr()
    assert DigestRun.model_validate_json(out).digest == run.digest
    assert "--code-only is deprecated" in err


@pytest.mark.usefixtures("no_model_loads")
def test_errors_are_one_line_before_a_model_loads(
    cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    assert main(["digest", str(SEEDS), str(missing)]) == 2
    assert one_error_line(capsys) == f"error: no such file or folder: {missing}"
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert main(["digest", str(SEEDS), str(empty), "--model", "fake/heuristic"]) == 2
    assert one_error_line(capsys).startswith(f"error: {empty}: the input is empty")
    for argv, start in [
        (["--model", "nope/x"], "error: unknown model 'nope/x'"),
        (["--prompt", "summary/v99"], "error: no prompt named 'summary/v99'"),
        (["--ask-model", "--digest-prompt", "digest/v99"], "error: no prompt named 'digest/v99'"),
        (
            ["--ask-model", "--digest-prompt", "summary/v8"],
            "error: 'summary/v8' is not a digest prompt",
        ),
        (["--digest-prompt", "digest/v1"], "error: --digest-prompt names the questions"),
        (["--ask-model", "--code-only"], "error: --ask-model and --code-only contradict"),
        (["--html", str(tmp_path / "no" / "x.html")], "error: --html"),
    ]:
        assert main(["digest", str(SEEDS), "--model", "fake/heuristic", *argv]) == 2
        assert one_error_line(capsys).startswith(start), argv
    assert main(["digest", "-"]) == 2
    assert one_error_line(capsys) == "error: digest reads files and folders, not - (stdin)"
    assert not cache_dir.exists()
