"""The pipeline on the fake backend: grounding, re-asks, dropping, merging, passes.

The fake replaces only the raw chat completion, so instructor's parsing and re-asks, the
call ledger, grounding and validation all run for real here.
"""

from __future__ import annotations

import json

import pytest

from summarize.core.schema import iter_evidence
from summarize.errors import EmptyInputError, OutputValidationError
from summarize.pipeline import Summarizer
from summarize.providers.fake import FakeBackend
from tests.helpers.paths import ROOT

ARTICLE = (
    "date 2024-03-06 Riverton - Mayor Ana Lopez said on Monday that the city will close the "
    "old harbour bridge for repairs.\n\nThe Harbour Workers Union criticized the plan, saying "
    "the closure would cost its members their jobs. Lopez rejected the criticism and said the "
    "bridge was no longer safe."
)


def party(name: str, quote: str, **extra) -> dict:
    return {
        "name": name,
        "kind": extra.pop("kind", "person"),
        "role": extra.pop("role", ""),
        "aliases": extra.pop("aliases", []),
        "quote": quote,
    }


def draft(**overrides) -> dict:
    data = {
        "headline": "Riverton mayor to close harbour bridge",
        "summary": "The mayor will close the bridge. The union objects.",
        "event_location": "Riverton",
        "parties": [
            party("President Ana Lopez", "Mayor Ana Lopez said on Monday"),
            party(
                "Harbour Workers Union",
                "The Harbour Workers Union criticized the plan",
                kind="organization",
            ),
        ],
        "positions": [
            {
                "party": "Ana Lopez",
                "topic": "bridge closure",
                "stance": "wants it closed",
                "polarity": "support",
                "quote": "the city will close the old harbour bridge",
            },
            {
                "party": "Harbour Workers Union",
                "topic": "bridge closure",
                "stance": "opposes it",
                "polarity": "oppose",
                "quote": "saying the closure would cost its members their jobs",
            },
        ],
        "dates": [
            {
                "text": "on Monday",
                "value": None,
                "event": "closure announced",
                "quote": "Mayor Ana Lopez said on Monday",
            }
        ],
        "disputes": [
            {
                "side_a": ["Harbour Workers Union"],
                "side_b": ["Lopez"],
                "issue": "bridge closure",
                "description": "The union opposes the closure.",
                "quote": "Lopez rejected the criticism",
            }
        ],
    }
    data.update(overrides)
    return data


def run_with(*script, prompt: str = "summary/v1", text: str = ARTICLE, **kwargs):
    backend = FakeBackend("test", script=list(script))
    return backend, Summarizer(backend, prompt, **kwargs).run(text)


def first_kinds(kwargs: dict) -> dict[str, str]:
    """A cast answer: every name asked gets the first kind its entity label allows."""
    schema = kwargs["response_format"]["json_schema"]["schema"]
    return {
        name: (spec.get("enum") or [spec.get("const")])[0]
        for name, spec in schema["properties"].items()
    }


def by_shape(**answers):
    """A script item that answers whatever a pass asks by the title of the schema it asks
    for (``CastDraft``, ``AttributedLabel``, ``TimelineDraft``, ``OverviewDraft``...); a
    callable answer is called with the request."""

    def answer(kwargs: dict):
        value = answers[kwargs["response_format"]["json_schema"]["schema"]["title"]]
        return value(kwargs) if callable(value) else value

    return answer


NO_POSITION = {"topic": "", "stance": "", "polarity": "none"}


def test_grounded_summary_with_offsets_dates_and_titles() -> None:
    _, run = run_with(draft())
    summary = run.summary
    assert [p.name for p in summary.parties] == ["Ana Lopez", "Harbour Workers Union"]
    assert summary.parties[0].role == "President"
    assert summary.published.isoformat() == "2024-03-06"
    assert summary.dates[0].value == "2024-03-04"  # the Monday before publication
    assert summary.disputes[0].sides == [["Harbour Workers Union"], ["Ana Lopez"]]
    for _field, _i, ev in iter_evidence(summary):
        assert ARTICLE[ev.start : ev.end] == ev.quote
    assert [c.purpose for c in run.calls] == ["extract"]
    assert run.dropped == []


def test_a_paraphrased_quote_is_asked_for_again_once() -> None:
    bad = draft()
    bad["positions"][1]["quote"] = "the union thinks workers will lose their livelihoods"
    fix = {"fixes": [{"item": 0, "quote": "the closure would cost its members their jobs"}]}
    backend, run = run_with(bad, fix)
    assert [c.purpose for c in run.calls] == ["extract", "reground"]
    reask = backend.requests[1]["messages"][-1]["content"]
    assert "position of Harbour Workers Union on bridge closure" in reask
    assert len(run.summary.positions) == 2 and not run.dropped


def test_what_cannot_be_grounded_is_dropped_and_reported() -> None:
    bad = draft()
    bad["parties"].append(
        party("Zorblax Industries", "Zorblax Industries backed the mayor", kind="organization")
    )
    bad["positions"].append(
        {
            "party": "Zorblax Industries",
            "topic": "bridge",
            "stance": "backs the mayor",
            "polarity": "support",
            "quote": "Zorblax Industries backed the mayor",
        }
    )
    _, run = run_with(bad, {"fixes": []})
    assert all(p.name != "Zorblax Industries" for p in run.summary.parties)
    assert {d.field for d in run.dropped} == {"parties", "positions"}
    assert all("Zorblax" not in json.dumps(p.model_dump()) for p in run.summary.positions)


def test_a_party_quote_falls_back_to_where_the_article_names_it() -> None:
    bad = draft()
    bad["parties"][1]["quote"] = "union members protested loudly"
    _, run = run_with(bad)
    union = run.summary.parties[1]
    assert "Harbour Workers Union" in union.evidence[0].quote
    assert [c.purpose for c in run.calls] == ["extract"], "no re-ask needed"


def test_duplicate_parties_are_merged_into_aliases() -> None:
    doubled = draft()
    doubled["parties"].append(party("Lopez", "Lopez rejected the criticism"))
    _, run = run_with(doubled)
    assert [p.name for p in run.summary.parties] == ["Ana Lopez", "Harbour Workers Union"]
    assert "Lopez" in run.summary.parties[0].aliases
    assert len(run.summary.parties[0].evidence) == 2


def test_invalid_output_is_re_asked_then_reported_with_raw_output() -> None:
    wrong_kind = draft()
    wrong_kind["parties"][0]["kind"] = "city"
    _, run = run_with(wrong_kind, draft())
    assert [c.ok for c in run.calls] == [False, True]
    assert "invalid output" in run.calls[0].error

    with pytest.raises(OutputValidationError) as info:
        run_with("not json at all", "still not json", "nope", max_retries=2)
    assert info.value.raw_output == "nope"
    assert info.value.attempts == 3


def test_empty_input_fails_before_any_model_call() -> None:
    backend = FakeBackend("test", script=[])
    with pytest.raises(EmptyInputError):
        Summarizer(backend).run(" \n\t ")
    assert backend.requests == []


def test_every_pass_of_a_multi_pass_prompt_starts_with_the_same_article_block() -> None:
    backend = FakeBackend("heuristic")
    run = Summarizer(backend, "summary/v8").run(ARTICLE)
    assert run.calls[0].purpose == "cast" and len(run.calls) > 3
    prefixes = {r["messages"][1]["content"].split(">>>")[0] for r in backend.requests}
    assert len(prefixes) == 1, "every pass starts with the same article block"


def test_the_heuristic_fake_gives_a_valid_grounded_summary_of_every_seed() -> None:

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    summarizer = Summarizer("fake/heuristic")
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        run = summarizer.run(text)
        for _field, _i, ev in iter_evidence(run.summary):
            assert text[ev.start : ev.end] == ev.quote


def test_a_long_article_is_chunked_and_merged_with_offsets_into_the_whole_text() -> None:
    paragraph = (
        "Mayor Ana Lopez said on Monday that the city will close the old harbour bridge. "
        "The Harbour Workers Union criticized the plan and said jobs were at stake. "
    )
    filler = "Residents of Riverton watched the debate closely from the harbour front. "
    article = "\n\n".join(paragraph + filler * 6 for _ in range(40))
    summarizer = Summarizer("fake/heuristic", max_chunk_chars=3_000)
    run = summarizer.run(article, published="2024-03-06")
    assert run.chunks > 5
    assert len({p.name for p in run.summary.parties}) == len(run.summary.parties)
    for _field, _i, ev in iter_evidence(run.summary):
        assert article[ev.start : ev.end] == ev.quote
    assert any(ev.start > 20_000 for _f, _i, ev in iter_evidence(run.summary)), (
        "evidence from later chunks is mapped into the whole text"
    )


def test_a_party_the_article_never_names_is_dropped_even_with_a_real_quote() -> None:
    invented = draft()
    invented["parties"].append(
        party(
            "Zorblax Industries", "the city will close the old harbour bridge", kind="organization"
        )
    )
    _, run = run_with(invented)
    assert all(p.name != "Zorblax Industries" for p in run.summary.parties)
    assert any("never names" in d.reason for d in run.dropped)


def test_quote_less_passes_are_grounded_where_the_article_names_them() -> None:
    answer = by_shape(
        CastDraft=first_kinds,
        AttributedLabel=NO_POSITION,
        TimelineDraft={"dates": [{"text": "on Monday", "value": None, "event": "announcement"}]},
        OverviewDraft={
            "headline": "Bridge to close",
            "summary": "It closes.",
            "event_location": None,
        },
    )
    _, run = run_with(*[answer] * 8, prompt="summary/v7")
    assert [p.name for p in run.summary.parties] == [
        "Ana Lopez",
        "Riverton",
        "Harbour Workers Union",
    ]
    assert all(p.evidence for p in run.summary.parties)
    assert "on Monday" in run.summary.dates[0].evidence[0].quote
    assert run.summary.dates[0].value == "2024-03-04"


def test_passes_that_list_more_than_the_combined_limit_are_cut_not_failed() -> None:
    from summarize.core.draft import MAX_PARTIES

    names = [
        "Ana Lopez",
        "John Reyes",
        "Maria Chen",
        "Peter Novak",
        "Sara Olsen",
        "David Kim",
        "Laura Weiss",
        "Omar Haddad",
        "Elena Rossi",
        "Tom Becker",
        "Nina Petrova",
        "Carlos Mendez",
        "Julia Braun",
        "Ahmed Khan",
    ]
    assert len(names) > MAX_PARTIES
    text = " ".join(f"{n} spoke at the harbour meeting today." for n in names)
    answer = by_shape(
        CastDraft=first_kinds,
        AttributedLabel=NO_POSITION,
        TimelineDraft={"dates": []},
        OverviewDraft={
            "headline": "Council meets",
            "summary": "They spoke.",
            "event_location": None,
        },
    )
    _, run = run_with(*[answer] * 8, prompt="summary/v7", text=text)
    assert len(run.summary.parties) == MAX_PARTIES


def test_output_cut_by_max_tokens_is_a_typed_error_with_the_raw_output() -> None:
    from openai.types.chat import ChatCompletion

    def truncated(kwargs):
        return ChatCompletion.model_validate(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "length",
                        "message": {"role": "assistant", "content": '{"headline": "A'},
                    }
                ],
            }
        )

    class Truncating(FakeBackend):
        def _complete(self, **kwargs):
            return truncated(kwargs)

    with pytest.raises(OutputValidationError, match="max_tokens") as info:
        Summarizer(Truncating("t"), "summary/v1").run(ARTICLE)
    assert info.value.raw_output == '{"headline": "A'


def test_a_failed_chunk_of_a_long_article_is_reported_and_the_rest_kept() -> None:
    paragraph = (
        "Mayor Ana Lopez said on Monday that the city will close the old harbour "
        "bridge. The Harbour Workers Union criticized the plan. "
    )
    article = "\n\n".join(paragraph * 3 for _ in range(12))
    good = draft()
    script = ["not json", "still not json", "nope"] + [good] * 40
    backend = FakeBackend("test", script=script)
    run = Summarizer(backend, "summary/v1", max_chunk_chars=1_200).run(
        article, published="2024-03-06"
    )
    assert run.chunks > 2
    assert [d.field for d in run.dropped if d.field == "chunks"] == ["chunks"]
    assert run.summary.parties and not any(c.ok for c in run.calls[:3])


def test_aliases_the_article_never_uses_are_dropped() -> None:
    aliased = draft()
    aliased["parties"][0]["aliases"] = ["Lopez", "Berlin", "Angela Merkel"]
    _, run = run_with(aliased)
    assert run.summary.parties[0].aliases == ["Lopez"]


def test_the_cast_pass_asks_a_kind_for_every_name_group_and_keeps_the_parties() -> None:
    from summarize.passes.cast_v1 import cast_shape

    shape = cast_shape(["Ana Lopez", "Riverton"])
    schema = shape.model_json_schema()
    assert schema["required"] == ["Ana Lopez", "Riverton"], "the grammar writes every name"
    cast = {"Riverton": "place", "Ana Lopez": "person", "Harbour Workers Union": "organization"}
    answer = by_shape(
        CastDraft=cast,
        AttributedLabel=NO_POSITION,
        TimelineDraft={"dates": []},
        OverviewDraft={"headline": "Bridge", "summary": "It closes.", "event_location": None},
    )
    backend, run = run_with(*[answer] * 8, prompt="summary/v7")
    asked = backend.requests[0]["messages"][1]["content"]
    # the reading layer's candidates, most mentioned first; names the parser found without
    # an entity label ("Riverton" in a dateline) are offered too; a titled person who speaks
    # ("Mayor Ana Lopez said") is a party without being asked
    assert "Names: Riverton; Harbour Workers Union." in asked
    parties = {p.name: p for p in run.summary.parties}
    assert set(parties) == {"Ana Lopez", "Harbour Workers Union"}, "a place is no party"
    assert parties["Ana Lopez"].role == "Mayor"
    assert "Lopez" in parties["Ana Lopez"].aliases


def test_same_year_takes_the_year_the_text_gave_last_and_unplaceable_dates_keep_no_value() -> None:
    text = (
        "In July 2022 the Harbour Workers Union struck over pay. In September of the same "
        "year Mayor Ana Lopez said the bridge would close. Today the union said it objects."
    )
    timeline = {
        "dates": [
            {"text": "July 2022", "value": "2022-07", "event": "strike"},
            {"text": "September of the same year", "value": "2023-09", "event": "closure news"},
            {"text": "Today", "value": None, "event": "objection"},
        ]
    }
    answer = by_shape(
        CastDraft=first_kinds,
        AttributedLabel=NO_POSITION,
        TimelineDraft=timeline,
        OverviewDraft={"headline": "Bridge", "summary": "It closes.", "event_location": None},
    )
    _, run = run_with(*[answer] * 8, prompt="summary/v7", text=text)
    # the guide: a relative date an undated article cannot place stays, with value null
    assert [(d.text, d.value) for d in run.summary.dates] == [
        ("July 2022", "2022-07"),
        ("September of the same year", "2022-09"),
        ("Today", None),
    ]


DISPUTE_TEXT = (
    "The Harbour Workers Union accused Mayor Ana Lopez of ignoring safety reports. Lopez "
    "urged the union to return to talks. John Reyes, a spokesman for the Harbour Workers "
    "Union, said the union would not back down."
)


def test_v7_speakers_come_from_the_parse_and_the_model_labels_only_the_stance() -> None:
    from summarize.reading import read_article

    reading = read_article(DISPUTE_TEXT)
    speaking = {a.speaker for a in reading.attributions}
    asked = [c.name for c in reading.candidates if not (c.label == "person" and c.name in speaking)]
    cast = {name: "organization" if name == "Harbour Workers Union" else "other" for name in asked}
    labels = [
        {
            "topic": "the mayor's handling of safety reports",
            "stance": "accuses her of ignoring them",
            "polarity": "oppose",
        },
        {
            "topic": "talks with the union",
            "stance": "wants the union back at the table",
            "polarity": "support",
        },
        {
            "topic": "the union's campaign",
            "stance": "the union will not back down",
            "polarity": "oppose",
        },
    ]
    script = [
        cast,
        *labels,
        {"dates": []},
        {"headline": "Union and mayor clash", "summary": "They clash.", "event_location": None},
    ]
    backend, run = run_with(*script, prompt="summary/v7", text=DISPUTE_TEXT)
    cast_request = backend.requests[0]["messages"][1]["content"]
    assert "Ana Lopez" not in cast_request.split("Names:")[1], "a speaking person is not asked"
    assert [c.purpose for c in run.calls] == [
        "cast",
        "attributed",
        "attributed",
        "attributed",
        "timeline",
        "overview",
    ]
    summary = run.summary
    assert [p.party for p in summary.positions] == [
        "Harbour Workers Union",
        "Ana Lopez",
        "John Reyes",
    ]
    for position in summary.positions:  # the attributed sentence is the evidence
        assert DISPUTE_TEXT[position.evidence[0].start : position.evidence[0].end] == (
            position.evidence[0].quote
        )
    # Reyes's statement opposes Lopez's too: he joins his own side of the one dispute
    assert [d.sides for d in summary.disputes] == [
        [["Harbour Workers Union", "John Reyes"], ["Ana Lopez"]]
    ]
    assert not any(
        {"John Reyes", "Harbour Workers Union"} <= set(side)
        for d in summary.disputes
        for side in d.sides[1:]
    ) and all("John Reyes" not in d.sides[1] for d in summary.disputes), (
        "a spokesman never disputes his own side"
    )


def v7_cast_answer(text: str) -> dict[str, str]:
    """The cast answer for ``text``: every asked name an organisation, persons rejected."""
    from summarize.reading import read_article

    reading = read_article(text)
    speaking = {a.speaker for a in reading.attributions}
    return {
        c.name: "organization" if c.label != "person" else "other"
        for c in reading.candidates
        if not (c.label == "person" and c.name in speaking)
    }


def test_v7_a_statement_labelled_none_is_no_position() -> None:
    cast = v7_cast_answer(DISPUTE_TEXT)
    none = {"topic": "", "stance": "", "polarity": "none"}
    script = [
        cast,
        none,
        none,
        none,
        {"dates": []},
        {"headline": "H", "summary": "S.", "event_location": None},
    ]
    _, run = run_with(*script, prompt="summary/v7", text=DISPUTE_TEXT)
    assert run.summary.positions == [] and run.summary.disputes == []


def test_v7_a_label_without_a_stance_is_dropped_not_fatal() -> None:
    """A model that names a polarity but writes no stance must not fail the article."""
    cast = v7_cast_answer(DISPUTE_TEXT)
    empty = {"topic": "talks", "stance": "", "polarity": "support"}
    good = {"topic": "talks with the union", "stance": "wants talks", "polarity": "support"}
    script = [
        cast,
        empty,
        good,
        empty,
        {"dates": []},
        {"headline": "H", "summary": "S.", "event_location": None},
    ]
    _, run = run_with(*script, prompt="summary/v7", text=DISPUTE_TEXT)
    assert [p.party for p in run.summary.positions] == ["Ana Lopez"]
