"""The reading layer on text none of the seeds contains: names, titles, speakers, targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.core.names import fold_text
from summarize.reading import looks_english, read_article, sentence_spans
from summarize.text import nlp as reading_nlp
from tests.helpers.paths import ROOT

DEV = ROOT / "evals" / "suites" / "dev"


def names_of(text: str) -> dict[str, object]:
    return {c.name: c for c in read_article(text).candidates}


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(a.speaker, a.target) for a in read_article(text).attributions]


def test_sentence_openers_and_nationality_words_are_no_candidates() -> None:
    text = (
        "Finally, the council voted. More than forty members agreed. Every delegate from "
        "the Dutch and French delegations abstained. Four ministers left early. Delivery "
        "of the report was delayed, Councillor Marta Kowalczyk said on Tuesday."
    )
    names = names_of(text)
    for word in ("Finally", "More", "Every", "Four", "Delivery", "Dutch", "French"):
        assert word not in names, word
    assert "Marta Kowalczyk" in names


def test_titles_become_roles_and_surnames_join_their_person() -> None:
    text = (
        "Deputy Prime Minister Tomas Lindqvist said the budget was fair. Shadow Home "
        "Secretary Priya Raman rejected it. Lindqvist later told reporters he would not "
        "resign, and Ms Raman said she would press on."
    )
    names = names_of(text)
    assert "Tomas Lindqvist" in names and "Priya Raman" in names
    assert names["Tomas Lindqvist"].role == "Deputy Prime Minister"
    assert "Secretary" in names["Priya Raman"].role
    assert "Lindqvist" in names["Tomas Lindqvist"].forms
    assert not any(fold_text(n).startswith(("deputy", "shadow")) for n in names)


def test_acronyms_join_their_organisation() -> None:
    text = (
        "The World Health Organization warned of a shortage. A WHO official said the "
        "World Health Organization would send supplies to Malawi."
    )
    names = names_of(text)
    assert "World Health Organization" in names
    assert "WHO" in names["World Health Organization"].forms
    assert "WHO" not in names


def test_relaying_outlet_is_not_the_speaker() -> None:
    text = (
        "President Amara Diallo met farmers in the north on Friday. State broadcaster RTV "
        "quoted Diallo as saying the drought relief would arrive within a week."
    )
    assert ("Amara Diallo", None) in speakers(text)
    assert not any(s == "RTV" for s, _ in speakers(text))


def test_pronoun_speaker_resolves_to_the_last_person_outside_the_quote() -> None:
    text = (
        "Senator Ruth Okafor visited the plant. \"I came to see Governor Hale's promises "
        'for myself," she said.'
    )
    [said] = [a for a in read_article(text).attributions if a.cue == "say"]
    assert said.speaker == "Ruth Okafor" and said.resolved


def test_targeted_verbs_give_the_target_and_allies_are_never_targets() -> None:
    text = (
        "The Harbour Workers Union accused Mayor Ana Lopez of ignoring safety reports. "
        "Lopez urged the union to return to talks. John Reyes, a spokesman for the Harbour "
        "Workers Union, said the union would not back down."
    )
    pairs = speakers(text)
    assert ("Harbour Workers Union", "Ana Lopez") in pairs
    assert ("Ana Lopez", "Harbour Workers Union") in pairs
    reading = read_article(text)
    reyes = reading.candidate("John Reyes")
    assert reyes is not None and "Harbour Workers Union" in reyes.affiliations


def test_according_to_names_the_speaker() -> None:
    text = "The mine will close in March, according to Karl Brenner, the company's director."
    assert speakers(text)[0][0] == "Karl Brenner"


def test_one_segmentation_never_ends_a_sentence_after_a_title() -> None:
    text = "Mr. Brenner arrived. Dr. Lee left on Monday. The talks, said J. Smith, failed."
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences == [
        "Mr. Brenner arrived.",
        "Dr. Lee left on Monday.",
        "The talks, said J. Smith, failed.",
    ]


def test_non_english_text_takes_the_documented_fallback() -> None:
    text = (
        "Die Bundesregierung hat am Montag beschlossen, dass die Hilfen verlängert werden. "
        "Bundeskanzler Olaf Scholz sagte, Deutschland werde die Ukraine weiter unterstützen. "
        "Die Opposition kritisierte den Beschluss."
    )
    assert not looks_english(text)
    reading = read_article(text)
    assert reading.language == "xx" and reading.attributions == []
    assert any(c.name.endswith("Olaf Scholz") for c in reading.candidates)
    assert all(c.label == "unknown" for c in reading.candidates)
    assert len(reading.sentences) == 3


def test_the_pipeline_files_are_checked_against_the_pinned_hash(tmp_path: Path) -> None:
    folder = reading_nlp.model_dir()
    assert reading_nlp.files_digest(folder) == reading_nlp.MODEL_FILES_SHA256
    copy = tmp_path / "model"
    copy.mkdir()
    (copy / "meta.json").write_text("{}")
    assert reading_nlp.files_digest(copy) != reading_nlp.MODEL_FILES_SHA256


@pytest.mark.parametrize("path", sorted(DEV.glob("*/*.txt")), ids=lambda p: p.stem)
def test_no_candidate_of_a_dev_article_is_not_a_name(path: Path) -> None:
    """Every candidate is a proper name: capitalised, not a lone sentence opener or a
    nationality adjective, not a title without a name."""
    text = path.read_text(encoding="utf-8")
    for candidate in read_article(text).candidates:
        name = candidate.name
        if candidate.label == "group" and not name[:1].isupper():
            # a group named only by the plural noun that speaks ("energy experts said")
            assert name.split()[-1].endswith("s") and text[slice(*candidate.mentions[0])] == name
            continue
        assert name[:1].isupper() or name[:1].isdigit(), name
        assert fold_text(name) not in {
            "finally",
            "more",
            "every",
            "four",
            "delivery",
            "editorial",
            "dutch",
            "french",
            "the",
            "but",
        }, name
        assert not (
            len(name.split()) == 1
            and name.endswith(("ian", "ese", "ish"))
            and candidate.label == "group"
            and not name.endswith("s")
        ), name
        assert fold_text(name) not in {"president", "minister", "chief executive", "secretary"}
