"""The third reading (reading.v3, summary/v10): long organisation names are whole.

The small recogniser cuts "The Wenlow Boat Dwellers' Association" at its plural possessive
(a run "Wenlow Boat Dwellers" and a bare "Association"), or labels such a name a work of art
and drops it; then the party, and everything it said, is lost or credited to another. The
sentences are written for these tests.
"""

from __future__ import annotations

from spacy.tokens import Span

from summarize.reading import READINGS, read_article
from summarize.reading.entities import find_mentions
from summarize.text.nlp import parse

V2, V3 = READINGS["reading.v2"], READINGS["reading.v3"]
CANAL = (
    "Boaters on the Wenlow canal say a fee rise will drive them off the water.\n\n"
    "The Wenlow Canal Company raised mooring fees on 3 March 2027. Its director, Peter Hale, "
    "said repairs cost £5 million.\n\n"
    "The Wenlow Boat Dwellers' Association, which says it speaks for 200 households living "
    "afloat, opposes the rise. Its chair, Mary Cole, said many members were pensioners.\n"
)


def test_a_name_over_a_plural_possessive_is_one_party_and_speaks() -> None:
    before, after = read_article(CANAL, V2), read_article(CANAL, V3)
    assert "Association" in [c.name for c in before.candidates]  # the cut the lever fixes
    names = [c.name for c in after.candidates]
    assert "Wenlow Boat Dwellers' Association" in names
    assert "Association" not in names and "Wenlow Boat Dwellers" not in names
    speakers = {a.speaker for a in after.attributions}
    assert "Wenlow Boat Dwellers' Association" in speakers


def test_a_singular_possessive_still_ends_a_name() -> None:
    text = "Britain's Labour Party said on Monday that the fee rise was unfair."
    names = [c.name for c in read_article(text, V3).candidates]
    assert not any("Britain's" in n for n in names)


def test_a_work_of_art_that_reads_as_a_name_is_offered_and_a_real_work_is_not() -> None:
    misread = "The Lessby Quay Traders Guild objected to the plan on Monday."
    doc = parse(misread).copy()  # parse() caches its docs: set entities on a copy
    doc.ents = [Span(doc, 0, 5, label="WORK_OF_ART")]
    assert doc.ents[0].text == "The Lessby Quay Traders Guild"
    offered = [(m.text, m.label) for m in find_mentions(doc, [], V3)]
    assert ("Lessby Quay Traders Guild", "unknown") in offered
    assert not any(m.text == "Lessby Quay Traders Guild" for m in find_mentions(doc, [], V2))

    report = "The Hart Report was published on Monday."  # a work by its head noun
    doc = parse(report).copy()
    doc.ents = [Span(doc, 0, 3, label="WORK_OF_ART")]
    assert not any("Hart Report" in m.text for m in find_mentions(doc, [], V3))

    quoted = 'He read "The Silent Harbour Keepers" on Monday.'  # a quoted title
    doc = parse(quoted).copy()
    start = quoted.index("The Silent")
    span = doc.char_span(start, start + len("The Silent Harbour Keepers"), label="WORK_OF_ART")
    assert span is not None
    doc.ents = [span]
    assert not any("Harbour Keepers" in m.text for m in find_mentions(doc, [], V3))


def test_summary_v10_reads_with_v3_and_keeps_the_whole_name() -> None:
    from summarize import summarize_article

    v9 = summarize_article(CANAL, model="fake/heuristic", prompt="summary/v9")
    v10 = summarize_article(CANAL, model="fake/heuristic", prompt="summary/v10")
    assert "Wenlow Boat Dwellers' Association" not in [p.name for p in v9.parties]
    assert "Wenlow Boat Dwellers' Association" in [p.name for p in v10.parties]
