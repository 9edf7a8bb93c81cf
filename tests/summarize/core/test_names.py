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
