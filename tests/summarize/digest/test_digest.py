"""The story digest: unification, merging and the cost in model calls, on hand-made summaries.

Summaries are built by hand (the per-article pipeline is tested elsewhere), so each test
states exactly what code must unify and what it must keep apart; the model's yes/no answers
come from a scripted fake backend that records every question asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.core.digest import StoryDigest
from summarize.core.ledger import Ledger
from summarize.core.result import SummaryRun
from summarize.core.schema import ArticleSummary
from summarize.digest import Digester, StoryArticle
from summarize.digest.sources import story_articles
from summarize.digest.timeline import relation
from summarize.errors import InputError
from summarize.providers.fake import FakeBackend
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"


def _ev(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


def _run(text: str, *, parties=(), positions=(), dates=(), disputes=()) -> SummaryRun:
    """A summary run of ``text``; items name their quote, offsets are found here."""
    summary = ArticleSummary.model_validate(
        {
            "headline": text.split(".")[0],
            "summary": text.split(".")[0] + ".",
            "parties": [
                {"name": n, "kind": k, "aliases": list(a), "evidence": [_ev(text, q)]}
                for n, k, a, q in parties
            ],
            "positions": [
                {"party": p, "topic": t, "stance": s, "polarity": pol, "evidence": [_ev(text, q)]}
                for p, t, s, pol, q in positions
            ],
            "dates": [
                {"value": v, "text": w, "event": e, "evidence": [_ev(text, q)]}
                for v, w, e, q in dates
            ],
            "disputes": [
                {"sides": sides, "issue": i, "description": i, "evidence": [_ev(text, q)]}
                for sides, i, q in disputes
            ],
        },
        context={"text": text},
    )
    return SummaryRun(summary=summary, model="fake/x", prompt="summary/v8", text=text)


A1 = (
    "Hungarian Prime Minister Viktor Orbán met Xi Jinping in Beijing on Monday. "
    "Orbán said peace talks must start soon. The EU criticised the trip."
)
A2 = (
    "Viktor Orbn met Chinese President Xi in Beijing on July 8. Orbn said talks on peace "
    "must begin quickly. EU officials criticised the visit. In October 2023 Orbn had met "
    "Vladimir Putin in Beijing."
)
A3 = (
    "Orban held talks with Vladimir Putin in Beijing on October 17, 2023. "
    "Putin said Russia was ready for talks."
)


def _story() -> dict[str, SummaryRun]:
    return {
        "a1": _run(
            A1,
            parties=[
                (
                    "Viktor Orbán",
                    "person",
                    ["Hungarian Prime Minister Viktor Orbán", "Orbán"],
                    "Hungarian Prime Minister Viktor Orbán met",
                ),
                ("Xi Jinping", "person", [], "met Xi Jinping in Beijing"),
                ("EU", "organization", [], "The EU criticised the trip"),
            ],
            positions=[
                (
                    "Orbán",
                    "peace talks",
                    "Peace talks must start soon.",
                    "support",
                    "Orbán said peace talks must start soon",
                )
            ],
            dates=[
                (
                    "2024-07-08",
                    "on Monday",
                    "Orbán meets Xi in Beijing",
                    "met Xi Jinping in Beijing on Monday",
                )
            ],
            disputes=[
                (
                    [["EU"], ["Viktor Orbán"]],
                    "Orbán's trip to Beijing",
                    "The EU criticised the trip",
                )
            ],
        ),
        "a2": _run(
            A2,
            parties=[
                ("Viktor Orbn", "person", ["Orbn"], "Viktor Orbn met Chinese President Xi"),
                ("Xi", "person", ["Chinese President Xi"], "met Chinese President Xi in Beijing"),
                ("EU", "organization", ["EU officials"], "EU officials criticised the visit"),
                ("Vladimir Putin", "person", [], "Orbn had met Vladimir Putin"),
            ],
            positions=[
                (
                    "Orbn",
                    "peace talks",
                    "Talks on peace must begin quickly.",
                    "support",
                    "Orbn said talks on peace must begin quickly",
                )
            ],
            dates=[
                (
                    "2024-07-08",
                    "on July 8",
                    "Orbán meets Xi in Beijing",
                    "Chinese President Xi in Beijing on July 8",
                ),
                (
                    "2023-10",
                    "In October 2023",
                    "Orbán meets Putin in Beijing",
                    "In October 2023 Orbn had met Vladimir Putin in Beijing",
                ),
            ],
            disputes=[
                (
                    [["EU"], ["Viktor Orbn"]],
                    "Orbán's visit to Beijing",
                    "EU officials criticised the visit",
                )
            ],
        ),
        "a3": _run(
            A3,
            parties=[
                ("Orban", "person", [], "Orban held talks with Vladimir Putin"),
                ("Vladimir Putin", "person", ["Putin"], "talks with Vladimir Putin in Beijing"),
            ],
            positions=[
                (
                    "Putin",
                    "talks",
                    "Russia is ready for talks.",
                    "support",
                    "Putin said Russia was ready for talks",
                )
            ],
            dates=[
                (
                    "2023-10-17",
                    "on October 17, 2023",
                    "Orban meets Putin in Beijing",
                    "Vladimir Putin in Beijing on October 17, 2023",
                )
            ],
        ),
    }


def _digest(
    runs: dict[str, SummaryRun],
    answers: list[dict] | None = None,
) -> tuple[StoryDigest, FakeBackend, Ledger]:
    backend = FakeBackend("script", script=answers) if answers is not None else FakeBackend()
    digester = Digester(backend, cache=False, ask_model=True)
    ledger = Ledger()
    digest = digester.digest(
        [StoryArticle(id=k, text=r.text) for k, r in runs.items()], runs, ledger
    )
    return digest, backend, ledger


def test_parties_are_unified_across_spellings_titles_and_mangled_letters() -> None:
    digest, _, _ = _digest(_story())
    orban = next(p for p in digest.parties if "Orbán" in p.names() or "Orban" in p.names())
    assert set(orban.articles) == {"a1", "a2", "a3"}
    assert {"Viktor Orbn", "Orban"} <= set(orban.names())
    assert {m.article: m.name for m in orban.mentions} == {
        "a1": "Viktor Orbán",
        "a2": "Viktor Orbn",
        "a3": "Orban",
    }
    xi = next(p for p in digest.parties if p.name.startswith("Xi"))
    assert set(xi.articles) == {"a1", "a2"}
    assert len(digest.parties) == 4  # Orbán, Xi, EU, Putin: nobody twice
    assert {e.article for e in orban.evidence} == {"a1", "a2", "a3"}


def test_two_parties_of_one_article_are_never_merged() -> None:
    text = "Anna Berg and Karl Berg both spoke. Berg said more."
    runs = {
        "x": _run(
            text,
            parties=[
                ("Anna Berg", "person", [], "Anna Berg and Karl"),
                ("Karl Berg", "person", [], "Karl Berg both spoke"),
            ],
        )
    }
    digest, _, _ = _digest(runs)
    assert sorted(p.name for p in digest.parties) == ["Anna Berg", "Karl Berg"]


def test_a_state_is_one_party_by_any_of_its_names_and_never_by_one_word_of_another() -> None:
    """ "US" in one article and "the United States" in another are one state (the gazetteer);
    "Guinea" and "Equatorial Guinea" are two, though a surname rule would join them."""
    one = "The US said Guinea had to act. Equatorial Guinea declined."
    two = "The United States repeated that Guinea had to act."
    runs = {
        "x": _run(
            one,
            parties=[
                ("US", "state", [], "The US said"),
                ("Equatorial Guinea", "state", [], "Equatorial Guinea declined"),
            ],
        ),
        "y": _run(
            two,
            parties=[
                ("United States", "state", [], "The United States repeated"),
                ("Guinea", "state", [], "Guinea had to act"),
            ],
        ),
    }
    digest, _, _ = _digest(runs)
    names = sorted(sorted(p.names()) for p in digest.parties)
    assert names == [["Equatorial Guinea"], ["Guinea"], ["US", "United States"]]


def test_two_occasions_stay_two_events_and_one_meeting_is_one_event_in_order() -> None:
    # The model would say "same" to anything; occasions months apart are never asked about.
    digest, backend, _ = _digest(_story(), answers=[{"same": True}] * 20)
    values = [e.value for e in digest.timeline]
    assert values == ["2023-10-17", "2024-07-08"]
    meeting = digest.timeline[1]
    assert set(meeting.articles) == {"a1", "a2"}
    assert {d.text for d in meeting.dates} == {"on Monday", "on July 8"}
    putin = digest.timeline[0]
    assert {d.value for d in putin.dates} == {"2023-10", "2023-10-17"}  # precision kept per source
    asked = [r for r in backend.requests if "each report an event" in str(r["messages"])]
    assert all("2023" not in str(r["messages"]) or "2024" not in str(r["messages"]) for r in asked)


def test_a_no_from_the_model_keeps_events_apart() -> None:
    runs = _story()
    digest, _, ledger = _digest(runs, answers=[{"same": False}] * 20)
    assert all(len(e.articles) == 1 for e in digest.timeline if e.value != "2024-07-08")
    assert any(c.purpose == "digest-event" for c in ledger.calls)


def test_relation_of_dates() -> None:
    assert relation("2024-07", "2024-07-08") == "fits"
    assert relation(None, "2024-07-08") == "fits"
    assert relation("2024-07-08", "2024-07-09") == "near"
    assert relation("2024-07-08", "2024-07-30") is None
    assert relation("2023-10", "2024-07") is None


def test_dates_a_few_days_apart_on_one_event_are_a_discrepancy() -> None:
    b1 = "The summit opened in Rome on 3 May 2021. Leaders arrived."
    b2 = "The summit opened in Rome on 4 May 2021, officials said."
    runs = {
        "r1": _run(
            b1,
            dates=[
                (
                    "2021-05-03",
                    "on 3 May 2021",
                    "the summit opens in Rome",
                    "The summit opened in Rome on 3 May 2021",
                )
            ],
        ),
        "r2": _run(
            b2,
            dates=[
                (
                    "2021-05-04",
                    "on 4 May 2021",
                    "the Rome summit opens",
                    "The summit opened in Rome on 4 May 2021",
                )
            ],
        ),
    }
    digest, _, _ = _digest(runs, answers=[{"same": True}])
    assert len(digest.timeline) == 1
    (conflict,) = [d for d in digest.discrepancies if d.kind == "date"]
    assert {v.article for v in conflict.versions} == {"r1", "r2"}
    assert {v.claim for v in conflict.versions} == {
        "on 3 May 2021 (2021-05-03)",
        "on 4 May 2021 (2021-05-04)",
    }


def test_positions_merge_across_sources_and_disputes_by_unified_sides() -> None:
    digest, _, _ = _digest(_story(), answers=[{"same": True}] * 20)
    (peace,) = [p for p in digest.positions if p.topic == "peace talks"]
    assert set(peace.articles) == {"a1", "a2"}
    assert {e.article for e in peace.evidence} == {"a1", "a2"}
    (dispute,) = digest.disputes
    assert set(dispute.articles) == {"a1", "a2"}


def test_every_evidence_span_resolves_in_its_article() -> None:
    runs = _story()
    digest, _, _ = _digest(runs, answers=[{"same": True}] * 20)
    texts = {k: r.text for k, r in runs.items()}
    StoryDigest.model_validate(digest.model_dump(), context={"texts": texts})
    spans = [
        e
        for group in (digest.parties, digest.positions, digest.timeline, digest.disputes)
        for item in group
        for e in item.evidence
    ]
    assert spans and all(texts[e.article][e.start : e.end] == e.quote for e in spans)


def test_model_calls_grow_linearly_with_the_articles() -> None:
    """N reports of one event: at most one question per dated item, never one per pair."""
    calls = []
    for n in (2, 4, 8):
        runs = {}
        for i in range(n):
            text = f"Report {i}. The council voted on the budget on {i % 2 + 3} May 2021 here."
            value = f"2021-05-0{i % 2 + 3}"
            runs[f"r{i}"] = _run(
                text,
                dates=[
                    (
                        value,
                        f"on {i % 2 + 3} May 2021",
                        f"council budget vote, report {i}",
                        "The council voted on the budget",
                    )
                ],
            )
        _, _, ledger = _digest(runs, answers=[{"same": True}] * (n * n))
        calls.append(len(ledger.calls))
    assert calls[0] <= 2 and calls[1] <= 4 and calls[2] <= 8


def test_inputs_get_unique_ids_and_a_folder_is_read_in_order(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "b.txt").write_text("Second.", "utf-8")
    (tmp_path / "one" / "a.txt").write_text("First.", "utf-8")
    (tmp_path / "a.txt").write_text("Other first.", "utf-8")
    articles = story_articles([tmp_path / "one", tmp_path / "a.txt", "Bare text."])
    assert [a.id for a in articles] == ["a", "b", "a-2", "a4"]
    with pytest.raises(InputError, match="no such file"):
        story_articles([tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="no articles"):
        (tmp_path / "empty").mkdir()
        story_articles([tmp_path / "empty"])


def test_summaries_come_from_the_cache_the_second_time(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    first = Digester("fake/heuristic", cache=tmp_path).run(seeds)
    second = Digester("fake/heuristic", cache=tmp_path).run(seeds)
    assert first.cached == [] and second.cached == [p.stem for p in seeds]
    assert second.digest == first.digest
    assert second.summaries[seeds[0].stem].summary == first.summaries[seeds[0].stem].summary
    other_prompt = Digester("fake/heuristic", "summary/v7", cache=tmp_path).run(seeds)
    assert other_prompt.cached == []


def test_the_summary_cache_key_carries_the_behaviour_hash() -> None:
    from summarize.digest.cache import summary_key

    args = ({"model": "m"}, "p" * 64, {"t": 0}, "text", None)
    assert summary_key(*args, behaviour_hash="a") != summary_key(*args, behaviour_hash="b")
    summarizer = Digester("fake/heuristic", cache=False).summarizer
    run = summarizer.run("Ann Lee said on Monday that taxes must fall.")
    assert run.behaviour_hash == summarizer.behaviour_hash and len(run.behaviour_hash) == 64
    assert run.prompt_hash == summarizer.prompt_hash != run.behaviour_hash


def test_different_figures_for_one_event_are_asked_about_once_and_kept_with_evidence() -> None:
    c1 = "A landslide hit the village of Orlo on 2 June 2022. It buried 12 houses, officials said."
    c2 = "The Orlo landslide of 2 June 2022 buried 19 houses, according to the fire service."
    runs = {
        "c1": _run(
            c1,
            dates=[
                (
                    "2022-06-02",
                    "on 2 June 2022",
                    "landslide hits Orlo",
                    "A landslide hit the village of Orlo on 2 June 2022",
                )
            ],
        ),
        "c2": _run(
            c2,
            dates=[
                (
                    "2022-06-02",
                    "of 2 June 2022",
                    "landslide hits Orlo",
                    "The Orlo landslide of 2 June 2022 buried 19 houses",
                )
            ],
        ),
    }
    digest, backend, ledger = _digest(runs, answers=[{"conflict": True, "about": "houses buried"}])
    assert len(digest.timeline) == 1  # same value, same words: merged without asking
    (figure,) = digest.discrepancies
    assert figure.kind == "figure" and figure.about == "houses buried"
    claims = {v.article: v.claim for v in figure.versions}
    assert "12 houses" in claims["c1"] and "19 houses" in claims["c2"]
    assert [c.purpose for c in ledger.calls] == ["digest-discrepancy"]
    asked = backend.requests[0]["messages"][-1]["content"]
    assert "the number of house" in asked


def test_code_alone_merges_only_what_it_is_sure_of_and_asks_nothing() -> None:
    runs = _story()
    backend = FakeBackend("script", script=[])
    digester = Digester(backend, cache=False, ask_model=False)
    ledger = Ledger()
    digest = digester.digest(
        [StoryArticle(id=k, text=r.text) for k, r in runs.items()], runs, ledger
    )
    assert ledger.calls == [] and backend.requests == []
    assert len(digest.timeline) == 3  # the Putin meeting's two reports stay apart unasked
    assert len(digest.parties) == 4  # names are code's job either way


def test_an_undated_item_never_joins_an_event_by_its_description_alone() -> None:
    d1 = "Leaders held a meeting in Vienna on Monday. They talked."
    d2 = "The ministers' meeting in Vienna took place on 14 March 2021, officials said."
    runs = {
        "u1": _run(
            d1,
            dates=[
                (None, "on Monday", "meeting", "held a meeting in Vienna on Monday"),
                (None, "They talked", "meeting", "Leaders held a meeting"),
            ],
        ),
        "u2": _run(
            d2,
            dates=[
                (
                    "2021-03-14",
                    "on 14 March 2021",
                    "meeting",
                    "meeting in Vienna took place on 14 March 2021",
                )
            ],
        ),
    }
    digest, _, ledger = _digest(runs, answers=[{"same": False}] * 4)
    assert len(digest.timeline) == 3  # nothing joined without a model's yes
    assert {c.purpose for c in ledger.calls} == {"digest-event"}


def test_an_article_naming_one_event_twice_is_joined_only_when_one_is_dated() -> None:
    text = "Ada Roe spoke on Sunday. Roe spoke on 4 May 2025 again. They met. They met again."
    runs = {
        "s": _run(
            text,
            dates=[
                (None, "on Sunday", "Roe speaks", "Ada Roe spoke on Sunday"),
                ("2025-05-04", "on 4 May 2025", "Roe speaks", "Roe spoke on 4 May 2025"),
                (None, "They met", "meeting", "They met. They met"),
                (None, "again", "meeting", "They met again"),
            ],
        )
    }
    digest, _, ledger = _digest(runs, answers=[])
    speeches = [e for e in digest.timeline if e.event == "Roe speaks"]
    assert len(speeches) == 1 and speeches[0].value == "2025-05-04"
    assert len([e for e in digest.timeline if e.event == "meeting"]) == 2
    assert ledger.calls == []


def test_an_article_that_cannot_be_summarized_is_reported_and_the_others_digested(
    tmp_path: Path,
) -> None:
    from summarize.errors import OutputValidationError

    seeds = sorted(SEEDS.glob("*.txt"))[:3]
    poisoned = tmp_path / "poisoned.txt"
    poisoned.write_text(seeds[1].read_text("utf-8") + "\nPOISON\n", "utf-8")

    def answer(kwargs: dict) -> object:
        from summarize.providers.fake import heuristic_answer

        if "POISON" in str(kwargs.get("messages")):
            return "not json at all"
        return heuristic_answer(kwargs)

    failures: list[tuple[str, str]] = []
    digester = Digester(FakeBackend("flaky", script=[answer] * 500), cache=False)
    run = digester.run(
        [seeds[0], poisoned, seeds[2]],
        on_failure=lambda a, exc: failures.append((a, type(exc).__name__)),
    )
    assert failures == [("poisoned", "OutputValidationError")]
    assert list(run.failed) == ["poisoned"] and "OutputValidationError" in run.failed["poisoned"]
    assert sorted(run.summaries) == sorted([seeds[0].stem, seeds[2].stem])
    assert [a.id for a in run.digest.articles] == [seeds[0].stem, seeds[2].stem]
    with pytest.raises(OutputValidationError):  # nothing to digest: the first error
        Digester(FakeBackend("flaky", script=[answer] * 50), cache=False).run([poisoned])
