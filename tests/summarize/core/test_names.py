"""One rule for "is this the same party?", shared by validation, merging and metrics."""

from __future__ import annotations

import pytest

from summarize.core.names import fold_name, same_name, split_title


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Viktor Orbán", "Viktor Orban"),
        ("Viktor Orban", "Orbn"),
        ("Orbán", "Orbn"),
        ("President Xi Jinping", "Xi Jinping"),
        ("President Xi", "Xi Jinping"),
        ("Mr. Orbn", "Viktor Orbán"),
        ("EUROPEAN UNION", "European Union"),
    ],
)
def test_same_party(a: str, b: str) -> None:
    assert same_name(a, b)
    assert same_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Russia", "Belarus"),
        ("Xi Jinping", "Xi Mingze"),
        ("European Union", "European Commission"),
        ("Joe Biden", "Hunter Biden"),
        ("Ukraine", "Ukrainian children"),
        ("Xi", "Li"),
        ("", "Orban"),
        # near misses are misses: a different letter is a different name
        ("Biden", "Baden"),
        ("Merkel", "Markel"),
        ("Angela Merkel", "Angela Markel"),
        ("NATO", "The European nation"),
    ],
)
def test_different_parties(a: str, b: str) -> None:
    assert not same_name(a, b)


def test_fold_name_keeps_a_lone_title() -> None:
    assert fold_name("President") == "president"
    assert fold_name("Prime Minister Viktor Orbán") == "viktor orban"


@pytest.mark.parametrize(
    ("name", "title", "bare"),
    [
        ("Hungarian Prime Minister Viktor Orban", "Hungarian Prime Minister", "Viktor Orban"),
        (
            "European Commission President Ursula von der Leyen",
            "European Commission President",
            "Ursula von der Leyen",
        ),
        ("European Union", "", "European Union"),
        ("Chinese state broadcaster CCTV", "", "Chinese state broadcaster CCTV"),
        ("Hungarian Foreign Minister", "", "Hungarian Foreign Minister"),
        ("Mr. Orbn", "Mr.", "Orbn"),
    ],
)
def test_split_title(name: str, title: str, bare: str) -> None:
    assert split_title(name) == (title, bare)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hungarian government", "Chinese government"), ("the Chinese leader", "the US leader")],
)
def test_national_adjectives_are_not_stripped_from_common_nouns(a: str, b: str) -> None:
    assert not same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Guinea", "Equatorial Guinea"),
        ("Korea", "North Korea"),
        ("China", "Republic of China"),
        ("Union", "African Union"),
        ("Obama", "Obama administration"),
    ],
)
def test_one_word_of_a_state_or_organisation_is_another_party(a: str, b: str) -> None:
    assert same_name(a, b)  # as surnames these would match...
    assert not same_name(a, b, persons=False)  # ...but a state's word is not its name


@pytest.mark.parametrize(
    ("a", "b"),
    [("Acme", "Acme Corp"), ("Northwind Ltd", "Northwind"), ("Globex Inc.", "Globex")],
)
def test_a_legal_form_is_no_part_of_an_organisations_name(a: str, b: str) -> None:
    assert same_name(a, b, persons=False)


def test_people_and_organisations_merge_by_their_own_rules() -> None:
    from summarize.grounding.merging import canonical_party_name, merge_parties

    def party(name: str, kind: str, aliases: tuple[str, ...] = ()) -> dict:
        return {"name": name, "kind": kind, "aliases": list(aliases), "evidence": []}

    merged = merge_parties(
        [
            party("Korea", "state"),
            party("North Korea", "state"),
            party("Mara Voss", "person"),
            party("Voss", "person"),
            party("Acme", "organization"),
            party("Acme Corp", "organization"),
        ]
    )
    assert [p["name"] for p in merged] == ["Korea", "North Korea", "Mara Voss", "Acme Corp"]
    assert canonical_party_name("Voss", merged) == "Mara Voss"
    assert canonical_party_name("North", merged) is None
    assert canonical_party_name("Korea", merged) == "Korea"
