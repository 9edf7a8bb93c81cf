"""Where sources disagree on a checkable fact, beyond the dates the timeline already compares.

Code finds the candidates, the model judges each once:

- figures: two sources report one merged event or position, and the sentences they rest on
  count the same thing (the same noun, from the parse) with different figures;
- attribution: two sources quote near-identical words (the evidence of a position) but
  credit them to different parties.

A pair is asked about once; candidates come only from items already merged (or from
evidence that is near-identical), so their number grows with the items, not with the square
of the articles.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz

from summarize.core.digest import (
    DigestPosition,
    Discrepancy,
    DiscrepancyVersion,
    SourceEvidence,
    TimelineEvent,
)
from summarize.core.names import fold_text
from summarize.digest.context import sentence_around
from summarize.digest.judge import Judge, Report
from summarize.reading import figures

#: Similarity (0–100) of two quotes at which they are taken for the same words.
SAME_WORDS = 88.0
#: Candidates asked about per digest at most: a bound on the cost of a long story.
MAX_QUESTIONS = 24


def find_discrepancies(
    timeline: list[TimelineEvent],
    positions: list[DigestPosition],
    texts: dict[str, str],
    judge: Judge | None,
) -> list[Discrepancy]:
    if judge is None:
        return []
    found: list[Discrepancy] = []
    for i, (kind, fact, a, b) in enumerate(_candidates(timeline, positions, texts)):
        if i >= MAX_QUESTIONS:
            break
        following = 1 if kind == "figure" else 0
        verdict = judge.conflict(_report(a, texts, following), _report(b, texts, following), fact)
        if verdict.conflict:
            found.append(
                Discrepancy(
                    kind=kind,
                    about=verdict.about or fact,
                    versions=[_version(a, texts, following), _version(b, texts, following)],
                )
            )
    return found


def _candidates(
    timeline: list[TimelineEvent], positions: list[DigestPosition], texts: dict[str, str]
) -> Iterator[tuple[str, str, SourceEvidence, SourceEvidence]]:
    for item, label in [
        *((e, e.event) for e in timeline),
        *((p, f"{p.party} on {p.topic}") for p in positions),
    ]:
        pair = _figure_pair(item.evidence, texts)
        if pair is not None:
            noun, a, b = pair
            what = "the figures" if noun == "figures" else f"the number of {noun}"
            yield "figure", f"{what} ({label})", a, b
    yield from _attribution_pairs(positions)


def _figure_pair(
    evidence: list[SourceEvidence], texts: dict[str, str]
) -> tuple[str, SourceEvidence, SourceEvidence] | None:
    """Two pieces of evidence, from two articles, whose sentences give different figures:
    for one counted noun if they share one, else of one kind (two counts, two amounts)."""
    counted: list[tuple[SourceEvidence, list[tuple[str, str, str]]]] = []
    for e in evidence:
        # News states what happened, then often its toll in the next sentence.
        start, end = sentence_around(texts[e.article], e.start, e.end, following=1)
        counted.append(
            (
                e,
                [
                    (fold_text(f), noun, label)
                    for f, noun, label in figures(texts[e.article], start, end)
                ],
            )
        )
    fallback = None
    for i, (a, fa) in enumerate(counted):
        for b, fb in counted[i + 1 :]:
            if a.article == b.article:
                continue
            for value_a, noun_a, label_a in fa:
                for value_b, noun_b, label_b in fb:
                    if value_a == value_b or label_a != label_b:
                        continue
                    if noun_a == noun_b:
                        return noun_a, a, b
                    fallback = fallback or ("figures", a, b)
    return fallback


def _attribution_pairs(
    positions: list[DigestPosition],
) -> Iterator[tuple[str, str, SourceEvidence, SourceEvidence]]:
    for i, p in enumerate(positions):
        for q in positions[i + 1 :]:
            if p.party == q.party:
                continue
            for a in p.evidence:
                b = next(
                    (
                        b
                        for b in q.evidence
                        if b.article != a.article
                        and fuzz.ratio(fold_text(a.quote), fold_text(b.quote)) >= SAME_WORDS
                    ),
                    None,
                )
                if b is not None:
                    yield ("attribution", f"who said: {a.quote[:60]}", a, b)
                    break


def _report(evidence: SourceEvidence, texts: dict[str, str], following: int) -> Report:
    start, end = sentence_around(
        texts[evidence.article], evidence.start, evidence.end, following=following
    )
    return Report(
        article=evidence.article,
        label="",
        sentence=" ".join(texts[evidence.article][start:end].split()),
    )


def _version(evidence: SourceEvidence, texts: dict[str, str], following: int) -> DiscrepancyVersion:
    text = texts[evidence.article]
    start, end = sentence_around(text, evidence.start, evidence.end, following=following)
    claim = " ".join(text[start:end].split())
    return DiscrepancyVersion(
        article=evidence.article,
        claim=claim[:300],
        evidence=[
            SourceEvidence(article=evidence.article, quote=text[start:end], start=start, end=end)
        ],
    )
