"""Long articles: split into overlapping chunks, extract per chunk, merge the summaries.

Why chunk at all: the embedded models have a small context window (a few thousand tokens)
that must also hold the prompt and the JSON answer. An article longer than what is left is
split into chunks that each fit; every chunk is summarized on its own and the per-chunk
summaries are merged back into one :class:`~summarize.core.schema.ArticleSummary` whose
evidence offsets refer to the *whole* article.

Why these boundaries: a model reads a chunk that starts and ends at a paragraph or sentence
boundary as ordinary prose; a chunk cut mid-sentence invites a quote that is cut too. So a
chunk ends at the last paragraph boundary that keeps it at least half full, else the last
sentence boundary, else a line break, else whitespace; a word is cut only when one
whitespace-free run is longer than a whole chunk (nothing else is possible then).

Why overlap: a fact told over two sentences ("The union rejected the offer. It said ...")
can straddle a boundary. Consecutive chunks therefore share about ``overlap_chars`` of whole
sentences, so such a fact is seen whole in at least one chunk; the merge removes the
duplicates that overlap produces (same party, same position, same evidence offsets).

Everything here is deterministic and model-free; the pipeline decides *when* to chunk and
sizes the chunks with :func:`chars_for_tokens`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from summarize.core.names import fold_text
from summarize.core.schema import ArticleSummary
from summarize.grounding.merging import (
    add_evidence,
    canonical_party_name,
    merge_parties,
    unique_evidence,
)
from summarize.text.sentences import sentence_spans

#: Characters per token assumed when sizing a chunk from a token budget. English news text
#: averages about 4 to 4.5 characters per token with the BPE vocabularies of current small
#: models (Qwen2.5, Llama 3); names, numbers, quotes, punctuation-heavy datelines and
#: non-ASCII text (every accented letter can cost a token of its own) pull it down. 3.2 is a
#: deliberately low estimate: a chunk sized with it fits the window on such text too, and the
#: cost of being conservative is only a few more chunks.
CHARS_PER_TOKEN = 3.2

# Boundary strengths, strongest first: a chunk prefers to end at the strongest one available.
_PARAGRAPH, _SENTENCE, _LINE, _SPACE = range(4)

# A blank line (possibly with spaces) separates paragraphs; the boundary is where the next
# paragraph starts.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Chunk:
    """One piece of an article: ``text == article[start:end]``, ``index`` counts from 0."""

    index: int
    start: int
    end: int
    text: str


def chars_for_tokens(n_tokens: int) -> int:
    """How many characters of article text safely fit in ``n_tokens`` tokens.

    Uses :data:`CHARS_PER_TOKEN` (3.2, conservative for English news; see its comment), so the
    pipeline can size chunks as ``chars_for_tokens(context - prompt_tokens - max_tokens)``.
    A budget of zero or less gives 0: the caller must notice there is no room at all.
    """
    if n_tokens <= 0:
        return 0
    return int(n_tokens * CHARS_PER_TOKEN)


def split_into_chunks(article: str, *, max_chars: int, overlap_chars: int) -> list[Chunk]:
    """Split ``article`` into chunks of at most ``max_chars`` characters that overlap.

    A text of at most ``max_chars`` characters is one chunk. Otherwise each chunk ends at the
    strongest boundary available in its second half (paragraph, then sentence, then line
    break, then whitespace; see the module docstring for why), and the next chunk starts at a
    sentence start about ``overlap_chars`` earlier: the smallest run of whole sentences that is
    at least ``overlap_chars`` long, capped at half a chunk so that every chunk moves on.
    Together the chunks cover every character of the article. Deterministic.

    Raises ValueError when ``max_chars < 1`` or ``overlap_chars`` is negative or more than
    half of ``max_chars`` (the chunks would make no progress).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    if overlap_chars < 0 or overlap_chars > max_chars // 2:
        raise ValueError(
            f"overlap_chars must be between 0 and max_chars // 2 ({max_chars // 2}), "
            f"not {overlap_chars}"
        )
    if len(article) <= max_chars:
        return [Chunk(0, 0, len(article), article)]

    boundaries = _Boundaries(article)
    chunks: list[Chunk] = []
    start, previous_end = 0, 0
    while True:
        if len(article) - start <= max_chars:
            end = len(article)
        else:
            end = _choose_end(boundaries, start, previous_end, max_chars)
        chunks.append(Chunk(len(chunks), start, end, article[start:end]))
        if end >= len(article):
            return chunks
        start = _choose_next_start(boundaries, start, end, overlap_chars, max_chars)
        previous_end = end


class _Boundaries:
    """Every position where a chunk may end (and the next begin), with its strength.

    A position is where the next unit starts, after the whitespace that separates units, so
    a chunk never begins with whitespace and consecutive chunks without overlap tile the text.
    Positions are kept sorted so that a window of the text is found by bisection: the split
    looks only at the boundaries inside its own window, never rescans the whole text.
    """

    def __init__(self, article: str) -> None:
        found: dict[int, int] = {}

        def mark(pattern: re.Pattern[str], strength: int) -> None:
            for match in pattern.finditer(article):
                pos = match.end()
                if 0 < pos < len(article):
                    found[pos] = min(found.get(pos, strength), strength)

        mark(_PARAGRAPH_BREAK, _PARAGRAPH)
        for _, end in sentence_spans(article):  # the one segmentation of the reading layer
            pos = end
            while pos < len(article) and article[pos].isspace():
                pos += 1
            if 0 < pos < len(article):
                found[pos] = min(found.get(pos, _SENTENCE), _SENTENCE)
        mark(_LINE_BREAK, _LINE)
        mark(_WHITESPACE, _SPACE)
        self.positions = sorted(found)
        self.strengths = [found[p] for p in self.positions]

    def within(self, low: int, high: int, strength: int) -> list[int]:
        """Positions ``low <= p <= high`` at least as strong as ``strength``, in order."""
        i, j = bisect_left(self.positions, low), bisect_right(self.positions, high)
        return [
            p
            for p, s in zip(self.positions[i:j], self.strengths[i:j], strict=True)
            if s <= strength
        ]


def _choose_end(boundaries: _Boundaries, start: int, previous_end: int, max_chars: int) -> int:
    """The end of the chunk that starts at ``start``: the strongest boundary, as late as possible.

    The strong boundaries (paragraph, sentence, line) are only taken in the second half of the
    window so that a chunk is not wasted half empty; whitespace anywhere will do before a word
    has to be cut. The end is always past ``previous_end`` so every chunk adds new text.
    """
    limit = start + max_chars
    floor = max(start, previous_end) + 1
    half = max(floor, start + max_chars // 2)
    for strength in (_PARAGRAPH, _SENTENCE, _LINE):
        candidates = boundaries.within(half, limit, strength)
        if candidates:
            return candidates[-1]
    candidates = boundaries.within(floor, limit, _SPACE)
    return candidates[-1] if candidates else limit  # one "word" longer than the window


def _choose_next_start(
    boundaries: _Boundaries, start: int, end: int, overlap_chars: int, max_chars: int
) -> int:
    """Where the chunk after ``start:end`` starts: ``end`` minus about ``overlap_chars``.

    Sentence (or paragraph, or line) starts are preferred, so the overlap is whole sentences:
    the shortest overlap of at least ``overlap_chars``, else the longest shorter one. A single
    sentence longer than the cap falls back to word starts. The overlap never exceeds half a
    chunk, and the next chunk always starts after this one.
    """
    if overlap_chars == 0:
        return end
    lowest = max(start + 1, end - max_chars // 2)
    for strength in (_LINE, _SPACE):
        candidates = boundaries.within(lowest, end - 1, strength)
        if candidates:
            long_enough = [p for p in candidates if end - p >= overlap_chars]
            return long_enough[-1] if long_enough else candidates[0]
    return end


# --- merging -------------------------------------------------------------------------------
def merge_summaries(parts: Sequence[tuple[Chunk, ArticleSummary]], article: str) -> ArticleSummary:
    """One summary of ``article`` from the summaries of its chunks.

    Each part's evidence offsets are relative to its chunk's text; they are moved to the whole
    article (``start + chunk.start``) and checked against it. Duplicates that the overlap and
    repeated mentions produce are merged:

    - parties: the same party by name or alias (:func:`~summarize.core.names.same_name`);
      aliases and evidence are merged, the first non-empty role is kept, and the fullest name
      ("Viktor Orbán" over "Orban") becomes the canonical one;
    - positions: the same (canonical party, folded topic); the party is re-pointed to the
      canonical name;
    - dates: the same (value, folded text);
    - disputes: the same sides (as sets of canonical names) and folded issue;
    - evidence: the same offsets.

    The first item's wording wins over later duplicates. ``headline`` and ``summary`` come from
    the first chunk: news is written as an inverted pyramid, the lead carries the main event,
    and a later chunk's headline would describe a detail. ``published`` and
    ``event_location`` are the first that is set.

    Raises ValueError when ``parts`` is empty or an evidence quote does not sit at its mapped
    offsets (the part was not produced from that chunk's exact text), and a pydantic
    ValidationError if the merged summary does not validate against ``article``.
    """
    if not parts:
        raise ValueError("merge_summaries needs at least one (chunk, summary) part")
    ordered = sorted(parts, key=lambda part: (part[0].start, part[0].index))
    dumps = [(chunk, _shifted(summary, chunk, article)) for chunk, summary in ordered]

    parties = merge_parties(p for _, dump in dumps for p in dump["parties"])

    def canonical(name: str) -> str:
        # Every reference of a validated part names one of its parties; the fallback only
        # lets validation report a part that was not.
        return canonical_party_name(name, parties) or name

    positions: list[dict[str, Any]] = []
    position_keys: dict[tuple[str, str], dict[str, Any]] = {}
    for _, dump in dumps:
        for position in dump["positions"]:
            party = canonical(position["party"])
            key = (party, fold_text(position["topic"]))
            if key in position_keys:
                add_evidence(position_keys[key], position["evidence"])
            else:
                item = {
                    **position,
                    "party": party,
                    "evidence": unique_evidence(position["evidence"]),
                }
                position_keys[key] = item
                positions.append(item)

    dates: list[dict[str, Any]] = []
    date_keys: dict[tuple[str | None, str], dict[str, Any]] = {}
    for _, dump in dumps:
        for date in dump["dates"]:
            key = (date["value"], fold_text(date["text"]))
            if key in date_keys:
                add_evidence(date_keys[key], date["evidence"])
            else:
                item = {**date, "evidence": unique_evidence(date["evidence"])}
                date_keys[key] = item
                dates.append(item)

    disputes: list[dict[str, Any]] = []
    dispute_keys: dict[tuple[frozenset[frozenset[str]], str], dict[str, Any]] = {}
    for _, dump in dumps:
        for dispute in dump["disputes"]:
            sides = _canonical_sides(dispute["sides"], canonical)
            if len(sides) < 2:
                continue  # two aliases of one party merged: no disagreement is left
            key = (frozenset(frozenset(side) for side in sides), fold_text(dispute["issue"]))
            if key in dispute_keys:
                add_evidence(dispute_keys[key], dispute["evidence"])
            else:
                item = {**dispute, "sides": sides, "evidence": unique_evidence(dispute["evidence"])}
                dispute_keys[key] = item
                disputes.append(item)

    first = dumps[0][1]
    data = {
        "headline": first["headline"],
        "summary": first["summary"],
        "published": next((d["published"] for _, d in dumps if d["published"] is not None), None),
        "event_location": next(
            (d["event_location"] for _, d in dumps if d["event_location"]), None
        ),
        "parties": parties,
        "positions": positions,
        "dates": dates,
        "disputes": disputes,
    }
    return ArticleSummary.model_validate(data, context={"text": article})


def _shifted(summary: ArticleSummary, chunk: Chunk, article: str) -> dict[str, Any]:
    """The summary as a dict, with every evidence span moved from the chunk to the article."""
    data = summary.model_dump()
    for field in ("parties", "positions", "dates", "disputes"):
        for i, item in enumerate(data[field]):
            for evidence in item["evidence"]:
                start, end = evidence["start"] + chunk.start, evidence["end"] + chunk.start
                if end > chunk.end or article[start:end] != evidence["quote"]:
                    raise ValueError(
                        f"chunk {chunk.index}: {field}[{i}] quote {evidence['quote']!r} is not "
                        f"at article[{start}:{end}] ({article[start:end]!r}); its offsets "
                        "must be relative to that chunk's exact text"
                    )
                evidence["start"], evidence["end"] = start, end
    return data


def _canonical_sides(sides: list[list[str]], canonical: Any) -> list[list[str]]:
    """Sides re-pointed to canonical names; a name already on an earlier side is dropped."""
    out: list[list[str]] = []
    taken: set[str] = set()
    for side in sides:
        names = [n for n in dict.fromkeys(canonical(name) for name in side) if n not in taken]
        taken.update(names)
        if names:
            out.append(names)
    return out
