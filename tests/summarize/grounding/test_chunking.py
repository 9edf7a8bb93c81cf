"""Chunking of long articles: boundaries, overlap, coverage, and the merge of chunk summaries.

The merge tests build per-chunk summaries by hand, with evidence offsets relative to the
chunk, exactly as a pipeline run on ``chunk.text`` would return them; no model is involved.
"""

from __future__ import annotations

import random
import re
import time
from itertools import pairwise
from typing import Any

import pytest

from summarize.core.schema import ArticleSummary
from summarize.grounding.chunking import (
    CHARS_PER_TOKEN,
    Chunk,
    chars_for_tokens,
    merge_summaries,
    split_into_chunks,
)

_WORDS = [
    "council",
    "minister",
    "said",
    "Monday",
    "budget",
    "plan",
    "vote",
    "union",
    "workers",
    "city",
    "harbour",
    "bridge",
    "repairs",
    "closure",
    "agency",
    "report",
    "talks",
    "government",
    "spokesman",
    "mayor",
    "federation",
    "club",
]


def synthetic_article(n_words: int, *, seed: int = 7, paragraphs: bool = True) -> str:
    """Deterministic prose-like text: capitalised sentences of 6-24 words, in paragraphs."""
    rng = random.Random(seed)
    paras: list[str] = []
    sentences: list[str] = []
    written = 0
    while written < n_words:
        n = min(rng.randint(6, 24), n_words - written)
        words = [rng.choice(_WORDS) for _ in range(n)]
        if rng.random() < 0.2:
            words.insert(min(2, len(words)), "Mr. Smith")  # an abbreviation mid-sentence
        sentence = " ".join(words)
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        written += n
        if paragraphs and len(sentences) >= rng.randint(2, 6):
            paras.append(" ".join(sentences))
            sentences = []
    if sentences:
        paras.append(" ".join(sentences))
    return ("\n\n" if paragraphs else " ").join(paras)


def assert_well_formed(article: str, chunks: list[Chunk], max_chars: int) -> None:
    """Every property a caller relies on: exact text, size, order, no mid-word cut, coverage."""
    assert chunks, "at least one chunk"
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].start == 0
    assert chunks[-1].end == len(article)
    for chunk in chunks:
        assert chunk.text == article[chunk.start : chunk.end]
        assert 0 < chunk.end - chunk.start <= max_chars
        # never mid-word: a chunk starts at the text's start or after whitespace, and ends at
        # the text's end or right before a non-space that follows whitespace
        if chunk.start > 0:
            assert article[chunk.start - 1].isspace() and not article[chunk.start].isspace()
        if chunk.end < len(article):
            assert article[chunk.end - 1].isspace(), repr(article[chunk.end - 10 : chunk.end + 10])
    for prev, nxt in pairwise(chunks):
        assert prev.start < nxt.start <= prev.end < nxt.end, "ordered, progressing, no gap"
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert covered == set(range(len(article))), "the chunks cover every character"


# --- split_into_chunks ----------------------------------------------------------------------
def test_short_text_is_one_chunk() -> None:
    text = "A short article. It fits."
    assert split_into_chunks(text, max_chars=100, overlap_chars=10) == [
        Chunk(0, 0, len(text), text)
    ]
    exact = "x" * 50
    assert len(split_into_chunks(exact, max_chars=50, overlap_chars=0)) == 1


def test_chunks_are_well_formed_and_overlap_in_whole_sentences() -> None:
    article = synthetic_article(1500)
    chunks = split_into_chunks(article, max_chars=1200, overlap_chars=200)
    assert len(chunks) > 3
    assert_well_formed(article, chunks, 1200)
    for prev, nxt in pairwise(chunks):
        overlap = prev.end - nxt.start
        assert 0 < overlap <= 600, "overlap present and at most half a chunk"
        # the overlap is whole sentences: the next chunk starts a sentence
        assert re.search(r"[.!?]\s+$", article[: nxt.start]), article[nxt.start - 20 : nxt.start]
    # on ordinary prose the overlap is close to what was asked for
    overlaps = [p.end - n.start for p, n in pairwise(chunks)]
    assert sum(overlaps) / len(overlaps) == pytest.approx(200, rel=0.6)


def test_prefers_paragraph_boundaries() -> None:
    article = synthetic_article(1500)
    chunks = split_into_chunks(article, max_chars=1500, overlap_chars=0)
    for chunk in chunks[:-1]:
        assert chunk.text.endswith("\n\n"), repr(chunk.text[-40:])
    assert_well_formed(article, chunks, 1500)


def test_falls_back_to_sentences_and_skips_abbreviations() -> None:
    article = synthetic_article(1500, paragraphs=False)
    assert "\n" not in article and "Mr. Smith" in article
    chunks = split_into_chunks(article, max_chars=900, overlap_chars=150)
    assert_well_formed(article, chunks, 900)
    for chunk in chunks[:-1]:
        tail = chunk.text.rstrip()
        assert tail.endswith("."), repr(tail[-30:])
        assert not tail.endswith("Mr."), "an abbreviation does not end a sentence"


def test_falls_back_to_whitespace_without_punctuation() -> None:
    article = " ".join(f"word{i}" for i in range(3000))
    chunks = split_into_chunks(article, max_chars=1000, overlap_chars=100)
    assert_well_formed(article, chunks, 1000)
    for chunk in chunks:
        assert all(re.fullmatch(r"word\d+", w) for w in chunk.text.split())


def test_a_word_longer_than_a_chunk_is_cut_only_then() -> None:
    article = "start " + "x" * 2500 + " end of the text"
    chunks = split_into_chunks(article, max_chars=1000, overlap_chars=0)
    assert "".join(c.text for c in chunks) == article
    assert all(len(c.text) <= 1000 for c in chunks)


def test_split_is_deterministic() -> None:
    article = synthetic_article(3000, seed=3)
    first = split_into_chunks(article, max_chars=1500, overlap_chars=300)
    assert first == split_into_chunks(article, max_chars=1500, overlap_chars=300)


def test_twenty_thousand_word_article() -> None:
    article = synthetic_article(20_000, seed=11)
    assert len(article.split()) >= 20_000
    max_chars = chars_for_tokens(4096 - 700 - 1800)  # context - prompt - output budget
    started = time.perf_counter()
    chunks = split_into_chunks(article, max_chars=max_chars, overlap_chars=400)
    assert time.perf_counter() - started < 2.0, "linear, not quadratic"
    assert len(chunks) > 20
    assert all(len(c.text) <= max_chars for c in chunks)
    assert_well_formed(article, chunks, max_chars)


@pytest.mark.parametrize(("max_chars", "overlap"), [(0, 0), (100, -1), (100, 51)])
def test_bad_sizes_are_refused(max_chars: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        split_into_chunks("some text " * 50, max_chars=max_chars, overlap_chars=overlap)


def test_chars_for_tokens_is_conservative() -> None:
    assert CHARS_PER_TOKEN < 4.0  # below the ~4-4.5 chars/token of English BPE text
    assert chars_for_tokens(1000) == 3200
    assert chars_for_tokens(0) == 0
    assert chars_for_tokens(-5) == 0
    assert chars_for_tokens(2000) > chars_for_tokens(1000)


# --- merge_summaries ------------------------------------------------------------------------
ARTICLE = (
    "Hungarian Prime Minister Viktor Orbán arrived in Beijing on Monday for talks with Chinese "
    "President Xi Jinping about the war in Ukraine.\n\n"
    "Orban told Xi that Europe needs a ceasefire in Ukraine before winter, his press office "
    "said.\n\n"
    "The European Union criticized the visit, saying Orban had no mandate to negotiate for the "
    "bloc.\n\n"
    "Orbán said on Tuesday that he would continue his peace mission despite the criticism."
)
# chunk 0: paragraphs 1-2; chunk 1: paragraphs 2-4 (paragraph 2 is the overlap)
_SPLIT_1 = ARTICLE.index("Orban told")
_END_0 = ARTICLE.index("The European Union")
CHUNK_0 = Chunk(0, 0, _END_0, ARTICLE[:_END_0])
CHUNK_1 = Chunk(1, _SPLIT_1, len(ARTICLE), ARTICLE[_SPLIT_1:])


def ev(chunk: Chunk, quote: str) -> dict[str, int | str]:
    """Evidence for ``quote`` with offsets relative to the chunk, as a chunk run returns it."""
    start = chunk.text.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


def part(chunk: Chunk, **fields: Any) -> tuple[Chunk, ArticleSummary]:
    data = {
        "headline": f"headline of chunk {chunk.index}",
        "summary": f"summary of chunk {chunk.index}",
        **fields,
    }
    return chunk, ArticleSummary.model_validate(data, context={"text": chunk.text})


def parts() -> list[tuple[Chunk, ArticleSummary]]:
    first = part(
        CHUNK_0,
        event_location="Beijing",
        parties=[
            {
                "name": "Orban",
                "kind": "person",
                "role": None,
                "aliases": ["Orbán"],
                "evidence": [ev(CHUNK_0, "Orban told Xi that Europe needs")],
            },
            {
                "name": "Xi Jinping",
                "kind": "person",
                "role": "President of China",
                "evidence": [ev(CHUNK_0, "Chinese President Xi Jinping")],
            },
        ],
        positions=[
            {
                "party": "Orban",
                "topic": "Ceasefire in Ukraine",
                "stance": "wants a ceasefire",
                "polarity": "support",
                "evidence": [ev(CHUNK_0, "Europe needs a ceasefire in Ukraine before winter")],
            },
        ],
        dates=[
            {
                "value": "2024-07-08",
                "text": "on Monday",
                "event": "Orban arrives",
                "evidence": [ev(CHUNK_0, "arrived in Beijing on Monday")],
            }
        ],
    )
    second = part(
        CHUNK_1,
        event_location="Budapest",
        published="2024-07-09",
        parties=[
            {
                "name": "Viktor Orbán",
                "kind": "person",
                "role": "Prime Minister of Hungary",
                "aliases": ["the Hungarian premier", "Orban"],
                "evidence": [
                    ev(CHUNK_1, "Orban told Xi that Europe needs"),
                    ev(CHUNK_1, "Orbán said on Tuesday that he would continue"),
                ],
            },
            {
                "name": "Xi",
                "kind": "person",
                "role": "",
                "evidence": [ev(CHUNK_1, "Orban told Xi that Europe needs")],
            },
            {
                "name": "European Union",
                "kind": "organization",
                "role": None,
                "aliases": ["the bloc"],
                "evidence": [ev(CHUNK_1, "The European Union criticized the visit")],
            },
        ],
        positions=[
            {
                "party": "Viktor Orbán",
                "topic": "ceasefire in  Ukraine!",
                "stance": "same",
                "polarity": "support",
                "evidence": [ev(CHUNK_1, "Europe needs a ceasefire in Ukraine before winter")],
            },
            {
                "party": "Orbán",
                "topic": "peace mission",
                "stance": "will continue it",
                "polarity": "support",
                "evidence": [ev(CHUNK_1, "he would continue his peace mission")],
            },
        ],
        dates=[
            {
                "value": "2024-07-08",
                "text": "On Monday",
                "event": "arrival",
                "evidence": [ev(CHUNK_1, "Orban told Xi that Europe")],
            },
            {
                "value": "2024-07-09",
                "text": "on Tuesday",
                "event": "statement",
                "evidence": [ev(CHUNK_1, "Orbán said on Tuesday")],
            },
        ],
        disputes=[
            {
                "sides": [["European Union"], ["Orban"]],
                "issue": "Orban's visit",
                "description": "The EU criticized the visit.",
                "evidence": [ev(CHUNK_1, "The European Union criticized the visit")],
            },
            {
                "sides": [["Viktor Orbán"], ["the bloc"]],
                "issue": "orban's  visit",
                "description": "duplicate, sides swapped",
                "evidence": [ev(CHUNK_1, "Orban had no mandate to negotiate")],
            },
        ],
    )
    return [first, second]


def test_merge_maps_offsets_back_to_the_article() -> None:
    merged = merge_summaries(parts(), ARTICLE)
    for item in [*merged.parties, *merged.positions, *merged.dates, *merged.disputes]:
        for e in item.evidence:
            assert ARTICLE[e.start : e.end] == e.quote
    eu = merged.find_party("European Union")
    assert eu is not None
    local = CHUNK_1.text.index("The European Union criticized")
    assert eu.evidence[0].start == CHUNK_1.start + local
    # the result is a valid summary of the whole article
    ArticleSummary.model_validate(merged.model_dump(), context={"text": ARTICLE})


def test_merge_dedups_orban_across_chunks() -> None:
    merged = merge_summaries(parts(), ARTICLE)
    names = [p.name for p in merged.parties]
    assert names == ["Viktor Orbán", "Xi Jinping", "European Union"]
    orban = merged.parties[0]
    assert orban.role == "Prime Minister of Hungary", "the first non-empty role"
    assert "the Hungarian premier" in orban.aliases
    short = [a for a in orban.aliases if a in ("Orban", "Orbán")]
    assert len(short) == 1, "the short form the article prints, once (folded)"
    assert "Viktor Orban" not in orban.aliases, "the name itself is no alias"
    # the quote in the overlap was seen by both chunks: one evidence, mapped to the same span
    spans = [(e.start, e.end) for e in orban.evidence]
    assert len(spans) == len(set(spans)) == 2
    assert merged.parties[1].role == "President of China"


def test_merge_repoints_and_dedups_positions_dates_disputes() -> None:
    merged = merge_summaries(parts(), ARTICLE)
    assert [(p.party, p.topic) for p in merged.positions] == [
        ("Viktor Orbán", "Ceasefire in Ukraine"),
        ("Viktor Orbán", "peace mission"),
    ]
    assert merged.positions[0].stance == "wants a ceasefire", "the first wording wins"
    assert len(merged.positions[0].evidence) == 1, "same offsets from both chunks"
    assert [(d.value, d.text) for d in merged.dates] == [
        ("2024-07-08", "on Monday"),
        ("2024-07-09", "on Tuesday"),
    ]
    assert len(merged.dates[0].evidence) == 2
    assert len(merged.disputes) == 1
    assert merged.disputes[0].sides == [["European Union"], ["Viktor Orbán"]]
    assert len(merged.disputes[0].evidence) == 2


def test_merge_takes_headline_from_the_first_chunk() -> None:
    merged = merge_summaries(list(reversed(parts())), ARTICLE)
    assert merged.headline == "headline of chunk 0"
    assert merged.summary == "summary of chunk 0"
    assert merged.event_location == "Beijing"
    assert merged.published is not None and merged.published.isoformat() == "2024-07-09"


def test_merge_refuses_offsets_from_another_text() -> None:
    wrong = Chunk(1, 0, len(ARTICLE), ARTICLE)  # claims to start at 0, but offsets are chunk 1's
    _, summary = parts()[1]
    with pytest.raises(ValueError, match="relative to that chunk"):
        merge_summaries([(wrong, summary)], ARTICLE)
    with pytest.raises(ValueError):
        merge_summaries([], ARTICLE)


def test_split_then_merge_on_a_long_article() -> None:
    """End to end without a model: a naive per-chunk extractor, then the merge."""
    body = synthetic_article(6000, seed=5)
    article = (
        "Hungarian Prime Minister Viktor Orbán met the press in Budapest.\n\n"
        + body
        + "\n\nOrban said the talks would go on next week."
    )
    chunks = split_into_chunks(article, max_chars=3000, overlap_chars=300)
    found: list[tuple[Chunk, ArticleSummary]] = []
    for chunk in chunks:
        summary_parties = []
        for name, quote in (
            ("Viktor Orbán", "Prime Minister Viktor Orbán met"),
            ("Orban", "Orban said the talks"),
            ("Mr. Smith", "Mr. Smith"),
        ):
            if quote in chunk.text and len(quote.split()) >= 3:
                summary_parties.append(
                    {"name": name, "kind": "person", "evidence": [ev(chunk, quote)]}
                )
        found.append(part(chunk, parties=summary_parties))
    merged = merge_summaries(found, article)
    assert [p.name for p in merged.parties] == ["Viktor Orbán"]
    assert [e.quote for e in merged.parties[0].evidence] == [
        "Prime Minister Viktor Orbán met",
        "Orban said the talks",
    ]
    assert merged.parties[0].evidence[1].start == article.index("Orban said the talks")
