"""The gold annotations and their loader.

Every quality number in the project is measured against ``evals/gold/*.json``, so these
tests guard both sides: that the seed gold obeys the annotation guide (loads, validates,
quotes byte-exact, names unambiguous), and that a gold file breaking the guide is rejected
with a message naming the file, the item and the reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from evals.gold import (
    GoldCase,
    GoldDateRef,
    GoldError,
    GoldParty,
    GoldSummary,
    default_suite,
    load_gold,
    load_suite,
    suite_hash,
)
from summarize.core.names import same_name
from summarize.core.schema import ArticleSummary, DateRef, Party

ARTICLES_DIR, GOLD_DIR = default_suite()
SEED_STEMS = sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
ITEM_FIELDS = ("parties", "positions", "dates", "disputes")


@pytest.fixture(scope="module")
def seed_cases() -> list[GoldCase]:
    return load_suite(ARTICLES_DIR, GOLD_DIR)


def _case(cases: list[GoldCase], stem: str) -> GoldCase:
    return next(c for c in cases if c.article_id == stem)


def _gold(cases: list[GoldCase], stem: str) -> GoldSummary:
    gold = _case(cases, stem).gold
    assert gold is not None
    return gold


# --- the seed gold -----------------------------------------------------------------------
def test_default_suite_points_at_the_repo() -> None:
    assert ARTICLES_DIR.is_dir() and GOLD_DIR.is_dir()
    assert len(SEED_STEMS) == 5


def test_every_seed_has_gold_and_every_gold_has_a_seed() -> None:
    gold_stems = sorted(p.stem for p in GOLD_DIR.glob("*.json"))
    assert gold_stems == SEED_STEMS


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_gold_loads_and_validates(seed_cases: list[GoldCase], stem: str) -> None:
    case = _case(seed_cases, stem)
    assert isinstance(case.gold, GoldSummary)
    assert case.gold.article == f"{stem}.txt"
    assert case.gold_path == GOLD_DIR / f"{stem}.json"
    # the inherited validators run again on a plain dump (offsets included)
    ArticleSummary.model_validate(_as_prediction(case.gold), context={"text": case.text})
    for field in ITEM_FIELDS:
        assert getattr(case.gold, field), f"{stem}: no {field}"


def _as_prediction(gold: GoldSummary) -> dict[str, Any]:
    """The gold as a plain ArticleSummary dict (no ``article``, no ``required``)."""
    data = gold.model_dump(mode="json", exclude={"article"})
    for field in ITEM_FIELDS:
        for item in data[field]:
            item.pop("required")
    return data


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_every_quote_is_byte_exact(seed_cases: list[GoldCase], stem: str) -> None:
    case = _case(seed_cases, stem)
    assert case.gold is not None
    raw = json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    for field in ITEM_FIELDS:
        for item, raw_item in zip(getattr(case.gold, field), raw[field], strict=True):
            assert [ev.quote for ev in item.evidence] == raw_item["evidence"]
            for ev in item.evidence:
                assert case.text[ev.start : ev.end] == ev.quote
                assert case.text.find(ev.quote) == ev.start  # first occurrence


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_names_are_unambiguous(seed_cases: list[GoldCase], stem: str) -> None:
    """No name of one party may denote another: the metrics resolve names this way."""
    gold = _gold(seed_cases, stem)
    for a, b in itertools.combinations(gold.parties, 2):
        clashes = [(x, y) for x in a.names() for y in b.names() if same_name(x, y)]
        assert not clashes, f"{stem}: {a.name!r} and {b.name!r} share names {clashes}"


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_aliases_occur_in_the_article(seed_cases: list[GoldCase], stem: str) -> None:
    case = _case(seed_cases, stem)
    assert case.gold is not None
    for party in case.gold.parties:
        for alias in party.aliases:
            assert alias in case.text, f"{stem}: alias {alias!r} of {party.name!r} not printed"


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_dates_keep_their_words(seed_cases: list[GoldCase], stem: str) -> None:
    gold = _gold(seed_cases, stem)
    for date in gold.dates:
        assert any(date.text in ev.quote for ev in date.evidence), date.text


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_summary_has_two_to_four_sentences(seed_cases: list[GoldCase], stem: str) -> None:
    gold = _gold(seed_cases, stem)
    sentences = re.split(r"(?<=[.!?])[\"”]?\s+(?=[A-Z\"“])", gold.summary.strip())
    assert 2 <= len(sentences) <= 4, sentences


def test_required_items_are_backed_by_required_parties(seed_cases: list[GoldCase]) -> None:
    """A required position or dispute cannot hinge on a party a reader may omit.

    A required position's party is required; each side of a required dispute names at
    least one required party (a side may add optional members, e.g. a group and its ally).
    """
    for case in seed_cases:
        gold = case.gold
        assert gold is not None
        for position in gold.positions:
            party = gold.find_party(position.party)
            assert party is not None
            if position.required:
                assert party.required, (case.article_id, position.topic)
        for dispute in gold.disputes:
            for side in dispute.sides:
                parties = [gold.find_party(name) for name in side]
                assert all(p is not None for p in parties), (case.article_id, side)
                if dispute.required:
                    assert any(p is not None and p.required for p in parties), (
                        case.article_id,
                        side,
                    )


def test_orbn_is_an_alias_of_orban_in_seed_001(seed_cases: list[GoldCase]) -> None:
    gold = _gold(seed_cases, "001_2655edaf1367ac04")
    orban = gold.find_party("Viktor Orban")
    assert orban is not None and orban.kind == "person"
    assert "Orbn" in orban.aliases and "Mr. Orbn" in orban.aliases
    assert gold.find_party("Orbn") is orban


def test_publication_dates(seed_cases: list[GoldCase]) -> None:
    for case in seed_cases:
        gold = case.gold
        assert gold is not None
        expected = dt.date(2024, 7, 8) if case.article_id.startswith("000_") else None
        assert gold.published == expected, case.article_id


def test_year_less_oct_17_resolves_to_2023(seed_cases: list[GoldCase]) -> None:
    gold = _gold(seed_cases, "003_c345dd2108a4c7d9")
    oct17 = [d for d in gold.dates if "Oct. 17" in d.text]
    assert oct17 and all(d.value == "2023-10-17" and d.required for d in oct17)


def test_gold_items_are_the_gold_subclasses(seed_cases: list[GoldCase]) -> None:
    gold = _gold(seed_cases, "000_4384644db8aab1e9")
    assert all(isinstance(p, GoldParty) and isinstance(p, Party) for p in gold.parties)
    assert all(isinstance(d, GoldDateRef) and isinstance(d, DateRef) for d in gold.dates)
    assert {p.required for p in gold.parties} == {True, False}


# --- suites and provenance ---------------------------------------------------------------
ARTICLE = (
    "Viktor Orban met Xi Jinping in Beijing on Monday. Orban said the talks were useful "
    "for peace, while the EU said it was worried about the “peace mission” – again."
)


def _minimal_gold(article: str = "x.txt") -> dict[str, Any]:
    return {
        "article": article,
        "headline": "Viktor Orban meets Xi Jinping in Beijing",
        "summary": "Orban met Xi in Beijing. He called the talks useful.",
        "published": None,
        "event_location": "Beijing",
        "parties": [
            {
                "name": "Viktor Orban",
                "kind": "person",
                "role": None,
                "aliases": ["Orban"],
                "evidence": ["Viktor Orban met Xi Jinping"],
            },
            {
                "name": "Xi Jinping",
                "kind": "person",
                "aliases": ["Xi"],
                "evidence": ["met Xi Jinping in Beijing"],
                "required": False,
            },
        ],
        "positions": [
            {
                "party": "Orban",
                "topic": "the talks",
                "stance": "Says the talks were useful for peace.",
                "polarity": "support",
                "evidence": ["the talks were useful for peace"],
            }
        ],
        "dates": [
            {
                "value": None,
                "text": "on Monday",
                "event": "the meeting",
                "evidence": ["in Beijing on Monday"],
            }
        ],
        "disputes": [],
    }


def _write(tmp_path: Path, data: Any, name: str = "x") -> tuple[Path, Path]:
    articles, gold = tmp_path / "articles", tmp_path / "gold"
    articles.mkdir(exist_ok=True)
    gold.mkdir(exist_ok=True)
    (articles / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    gold_path = gold / f"{name}.json"
    if isinstance(data, str):
        gold_path.write_text(data, encoding="utf-8")
    else:
        gold_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return articles, gold_path


def _reject(tmp_path: Path, data: Any) -> GoldError:
    _, gold_path = _write(tmp_path, data)
    with pytest.raises(GoldError) as info:
        load_gold(gold_path, ARTICLE)
    err = info.value
    assert err.path == gold_path
    first_line = str(err).splitlines()[0]
    assert first_line == f"{gold_path}: {err.item}: {err.reason}"
    return err


def test_minimal_gold_loads_with_offsets_and_defaults(tmp_path: Path) -> None:
    _, gold_path = _write(tmp_path, _minimal_gold())
    gold = load_gold(gold_path, ARTICLE)
    ev = gold.parties[0].evidence[0]
    assert (ev.start, ev.end) == (0, len("Viktor Orban met Xi Jinping"))
    assert gold.parties[0].required is True and gold.parties[1].required is False
    assert gold.find_party("Orban") is gold.parties[0]


def test_unknown_party_in_a_position_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["positions"][0]["party"] = "Emmanuel Macron"
    err = _reject(tmp_path, data)
    assert err.item == "positions[0].party"
    assert "'Emmanuel Macron'" in err.reason and "not among the parties" in err.reason
    assert "x.json: positions[0].party: party 'Emmanuel Macron'" in str(err)


def test_unknown_party_in_a_dispute_side_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["disputes"] = [
        {
            "sides": [["Viktor Orban"], ["European Union"]],
            "issue": "the peace mission",
            "description": "The EU is worried about Orban's peace mission.",
            "evidence": ["the EU said it was worried"],
        }
    ]
    err = _reject(tmp_path, data)
    assert err.item == "disputes[0].sides[1][0]"
    assert "'European Union'" in err.reason


def test_quote_not_in_article_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["positions"][0]["evidence"].append("the talks were a failure")
    err = _reject(tmp_path, data)
    assert err.item == "positions[0].evidence[1]"
    assert err.reason == "quote not found in x.txt: 'the talks were a failure'"
    assert "x.json: positions[0].evidence[1]: quote not found in x.txt:" in str(err)


def test_straightened_quote_marks_get_a_hint(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["parties"][0]["evidence"] = ['worried about the "peace mission" - again']
    err = _reject(tmp_path, data)
    assert err.item == "parties[0].evidence[0]"
    assert "quote not found" in err.reason and "byte-exact" in err.reason


def test_every_bad_quote_is_reported_at_once(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["parties"][1]["evidence"] = ["met Xi Jinping in Shanghai"]
    data["dates"][0]["evidence"] = ["on a Tuesday morning"]
    err = _reject(tmp_path, data)
    assert [item for item, _ in err.problems] == ["parties[1].evidence[0]", "dates[0].evidence[0]"]
    assert "dates[0].evidence[0]" in str(err)


def test_bad_iso_date_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["dates"][0]["value"] = "2024-13-01"
    err = _reject(tmp_path, data)
    assert err.item == "dates[0].value"
    assert "'2024-13-01' is not a real date" in err.reason
    assert "x.json: dates[0].value: '2024-13-01' is not a real date" in str(err)


def test_field_errors_and_unknown_parties_are_reported_together(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["dates"][0]["value"] = "2024-13-01"
    data["positions"][0]["party"] = "Emmanuel Macron"
    err = _reject(tmp_path, data)
    assert [item for item, _ in err.problems] == ["dates[0].value", "positions[0].party"]


def test_bad_published_date_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["published"] = "2024-13-01"
    err = _reject(tmp_path, data)
    assert err.item == "published"


def test_bad_enum_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["parties"][0]["kind"] = "country"
    err = _reject(tmp_path, data)
    assert err.item == "parties[0].kind"
    assert "'country'" in err.reason


def test_short_quote_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["parties"][1]["evidence"] = ["Xi Jinping"]
    err = _reject(tmp_path, data)
    assert err.item == "parties[1].evidence[0]"
    assert "3 to 40 words" in err.reason


def test_required_must_be_a_boolean(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["parties"][0]["required"] = "no"
    err = _reject(tmp_path, data)
    assert err.item == "parties[0].required"


def test_evidence_as_one_string_is_rejected(tmp_path: Path) -> None:
    data = _minimal_gold()
    data["positions"][0]["evidence"] = "the talks were useful for peace"
    err = _reject(tmp_path, data)
    assert err.item == "positions[0].evidence"


def test_not_json_is_rejected(tmp_path: Path) -> None:
    text = json.dumps(_minimal_gold(), indent=2)[:-3]  # cut off the closing brackets
    err = _reject(tmp_path, text)
    assert err.item.startswith("line ")
    assert err.reason.startswith("not valid JSON")
    assert "x.json: line " in str(err)


def test_not_an_object_is_rejected(tmp_path: Path) -> None:
    err = _reject(tmp_path, [_minimal_gold()])
    assert err.item == "<root>"


def test_gold_for_another_article_is_rejected_by_the_suite(tmp_path: Path) -> None:
    articles, gold_path = _write(tmp_path, _minimal_gold(article="y.txt"))
    with pytest.raises(GoldError) as info:
        load_suite(articles, gold_path.parent)
    assert info.value.item == "article"


def test_suite_without_gold(tmp_path: Path) -> None:
    articles, gold_path = _write(tmp_path, _minimal_gold())
    (articles / "w.txt").write_text("Another article.", encoding="utf-8")
    cases = load_suite(articles, None)
    assert [c.article_id for c in cases] == ["w", "x"]
    assert all(c.gold is None and c.gold_path is None for c in cases)
    with_gold = load_suite(articles, gold_path.parent)
    assert [c.gold is not None for c in with_gold] == [False, True]


def test_articles_are_read_without_normalisation(tmp_path: Path) -> None:
    articles, gold_path = _write(tmp_path, _minimal_gold())
    (case,) = load_suite(articles, gold_path.parent)
    assert case.text == ARTICLE
    assert case.path == articles / "x.txt"


def test_suite_hash_tracks_articles_and_gold(tmp_path: Path, seed_cases: list[GoldCase]) -> None:
    articles, gold_path = _write(tmp_path, _minimal_gold())
    before = suite_hash(load_suite(articles, gold_path.parent))
    assert before == suite_hash(load_suite(articles, gold_path.parent))
    assert before != suite_hash(load_suite(articles, None))
    gold_path.write_text(json.dumps(_minimal_gold(), indent=1), encoding="utf-8")
    assert before != suite_hash(load_suite(articles, gold_path.parent))
    assert suite_hash(seed_cases) == suite_hash(list(reversed(seed_cases)))
    assert re.fullmatch(r"[0-9a-f]{64}", suite_hash(seed_cases))


def test_missing_directories_are_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_suite(tmp_path / "nope", None)
    with pytest.raises(FileNotFoundError):
        load_suite(tmp_path, tmp_path / "nope")
