"""The public data shapes enforce the annotation guide."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from summarize import ArticleSummary, Evidence

TEXT = "Mayor Ana Lopez said on Monday that the city will close the old harbour bridge for repairs."


def ev(quote: str) -> dict:
    start = TEXT.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


def summary(**overrides) -> dict:
    data = {
        "headline": "Mayor closes bridge",
        "summary": "The mayor will close a bridge. Repairs follow.",
        "published": "2024-03-04",
        "event_location": None,
        "parties": [
            {
                "name": "Ana Lopez",
                "kind": "person",
                "role": "Mayor",
                "aliases": ["Lopez"],
                "evidence": [ev("Mayor Ana Lopez said")],
            }
        ],
        "positions": [
            {
                "party": "Lopez",
                "topic": "bridge closure",
                "stance": "wants it closed",
                "polarity": "support",
                "evidence": [ev("will close the old harbour bridge")],
            }
        ],
        "dates": [
            {
                "value": "2024-03-04",
                "text": "on Monday",
                "event": "announcement",
                "evidence": [ev("said on Monday that")],
            }
        ],
        "disputes": [],
    }
    data.update(overrides)
    return data


def test_valid_summary_round_trips_with_exact_field_names() -> None:
    parsed = ArticleSummary.model_validate(summary(), context={"text": TEXT})
    dumped = parsed.model_dump(mode="json")
    assert list(dumped) == [
        "headline",
        "summary",
        "published",
        "event_location",
        "parties",
        "positions",
        "dates",
        "disputes",
    ]
    assert list(dumped["parties"][0]) == ["name", "kind", "role", "aliases", "evidence"]
    assert list(dumped["positions"][0]) == ["party", "topic", "stance", "polarity", "evidence"]
    assert list(dumped["dates"][0]) == ["value", "text", "event", "evidence"]
    assert dumped["parties"][0]["evidence"][0] == ev("Mayor Ana Lopez said")
    assert parsed.published == dt.date(2024, 3, 4)
    assert ArticleSummary.model_validate_json(parsed.model_dump_json()) == parsed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("parties", 0, "kind"), "city", "kind"),
        (("positions", 0, "polarity"), "positive", "polarity"),
        (("dates", 0, "value"), "2024-13-01", "not a real date"),
        (("dates", 0, "value"), "March 2024", "ISO 8601"),
        (("dates", 0, "value"), "2024-3-4", "ISO 8601"),
        (("positions", 0, "party"), "Bob Stone", "not among the parties"),
    ],
)
def test_guide_violations_are_rejected(path: tuple, value: str, message: str) -> None:
    data = summary()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError, match=message):
        ArticleSummary.model_validate(data, context={"text": TEXT})


def test_partial_iso_precisions_are_allowed() -> None:
    for value in ("2024", "2024-03", "2024-03-04", None):
        data = summary()
        data["dates"][0]["value"] = value
        assert ArticleSummary.model_validate(data).dates[0].value == value


def test_dispute_needs_two_sides_of_known_parties() -> None:
    one_side = summary(
        disputes=[
            {
                "sides": [["Ana Lopez"]],
                "issue": "bridge",
                "description": "x",
                "evidence": [ev("Mayor Ana Lopez said")],
            }
        ]
    )
    with pytest.raises(ValidationError, match="at least 2"):
        ArticleSummary.model_validate(one_side)
    unknown = summary(
        disputes=[
            {
                "sides": [["Ana Lopez"], ["Harbour Union"]],
                "issue": "bridge",
                "description": "x",
                "evidence": [ev("Mayor Ana Lopez said")],
            }
        ]
    )
    with pytest.raises(ValidationError, match="Harbour Union"):
        ArticleSummary.model_validate(unknown)
    same_party_twice = summary(
        disputes=[
            {
                "sides": [["Ana Lopez"], ["Lopez"]],
                "issue": "b",
                "description": "x",
                "evidence": [ev("Mayor Ana Lopez said")],
            }
        ]
    )
    with pytest.raises(ValidationError, match="two sides"):
        ArticleSummary.model_validate(same_party_twice)


def test_a_state_and_one_named_with_its_word_may_stand_on_two_sides() -> None:
    """ "Guinea" against "Equatorial Guinea" is two states (a surname rule would join them)."""
    text = "Guinea said Equatorial Guinea had moved the border posts overnight."
    data = {
        "headline": "Border row",
        "summary": "Border row.",
        "parties": [
            {
                "name": n,
                "kind": "state",
                "aliases": [],
                "evidence": [{"quote": q, "start": text.index(q), "end": text.index(q) + len(q)}],
            }
            for n, q in (
                ("Guinea", "Guinea said Equatorial"),
                ("Equatorial Guinea", "Equatorial Guinea had moved"),
            )
        ],
        "positions": [],
        "dates": [],
        "disputes": [
            {
                "sides": [["Guinea"], ["Equatorial Guinea"]],
                "issue": "the border posts",
                "description": "x",
                "evidence": [
                    {
                        "quote": "had moved the border posts",
                        "start": text.index("had moved"),
                        "end": text.index("had moved") + len("had moved the border posts"),
                    }
                ],
            }
        ],
    }
    summary = ArticleSummary.model_validate(data, context={"text": text})
    assert summary.disputes[0].sides == [["Guinea"], ["Equatorial Guinea"]]
    assert summary.find_party("Guinea").name == "Guinea"


def test_evidence_offsets_must_point_at_the_quote_in_the_text() -> None:
    good = ev("Mayor Ana Lopez said")
    assert Evidence.model_validate(good, context={"text": TEXT}).quote == "Mayor Ana Lopez said"
    shifted = {**good, "start": good["start"] + 1, "end": good["end"] + 1}
    with pytest.raises(ValidationError, match="not the quote"):
        Evidence.model_validate(shifted, context={"text": TEXT})
    with pytest.raises(ValidationError, match="span"):
        Evidence.model_validate({**good, "end": good["end"] + 3})


def test_quote_length_follows_the_guide() -> None:
    with pytest.raises(ValidationError, match="3 to 40 words"):
        Evidence(quote="Mayor Ana", start=0, end=9)
    long_quote = " ".join(["word"] * 41)
    with pytest.raises(ValidationError, match="3 to 40 words"):
        Evidence(quote=long_quote, start=0, end=len(long_quote))


def test_headline_is_at_most_30_words() -> None:
    with pytest.raises(ValidationError, match="at most 30"):
        ArticleSummary.model_validate(summary(headline=" ".join(["w"] * 31)))
