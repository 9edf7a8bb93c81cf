"""The reading layer measured part by part against gold, without a model.

What the parse hands the model bounds what any prompt can get right: a party that is no
candidate cannot be cast, a statement credited to the wrong speaker becomes someone else's
position, a date the code never found cannot be resolved. So each part is scored on its
own, per article and in total, and every error is listed:

- **candidates**: recall of the required gold parties (some candidate names the party, by
  the project's name matching) and precision (candidates that name any gold party);
- **attribution**: for each required gold position, is the speaker the parse gives its
  evidence sentence the gold party (right), another party (wrong) or nobody (none); relays
  ("X quoted Y as saying", "according to X, Y ...", "X said in a readout: 'Y stressed'")
  and relative clauses ("X - who said ...") are counted apart, since they are the forms
  a subject-of-"said" rule gets wrong;
- **date words**: required gold dates whose words code found where the evidence stands;
- **dispute pairs**: required gold disputes whose two sides are both among the candidates
  (and, when the reading proposes pairs, among the proposals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from evals.gold.shapes import GoldSummary
from summarize.core.names import same_name

Form = Literal["plain", "relay", "relative"]
Verdict = Literal["right", "wrong", "none"]

_RELAY = re.compile(
    r"\b(?:quot\w*|cit\w*)\b[^.]{0,80}?\bas (?:saying|telling|stating)\b|\baccording to\b"
    r"|\breadout\b|\b(?:said|says|reported|wrote)\b[^.\"“]{0,60}:\s*[\"“]",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"[,–—-]\s*(?:who|which)\s+(?:\w+\s+){0,2}?(?:said|says|told|called|"
    r"described|wrote|insisted|argued|warned)\b",
    re.IGNORECASE,
)


class CandidateView(BaseModel):
    """A candidate as the metrics see it: every form it is named under."""

    name: str
    forms: list[str] = Field(default_factory=list)
    label: str = ""

    @property
    def names(self) -> list[str]:
        return [self.name, *self.forms]


class StatementView(BaseModel):
    """A span the reading credits to a speaker; ``options`` the speakers code offered the
    model when it was unsure (the first is code's own guess)."""

    start: int
    end: int
    speaker: str | None
    options: list[str] = Field(default_factory=list)


class ReadingView(BaseModel):
    """What one reading of an article offers, in the terms the metrics need."""

    candidates: list[CandidateView]
    statements: list[StatementView]
    date_spans: list[tuple[int, int, str]]
    dispute_pairs: list[tuple[str, str]] | None = None


class ReadingError(BaseModel):
    """One miss, worded for a person reading the list."""

    part: Literal["candidates", "precision", "attribution", "dates", "disputes"]
    detail: str


class ReadingScore(BaseModel):
    """The part-by-part counts of one article (or, summed, of a suite)."""

    article: str
    parties_required: int = 0
    parties_found: int = 0
    candidates: int = 0
    candidates_named: int = 0
    attribution: dict[str, dict[str, int]] = Field(default_factory=dict)
    offered: int = 0
    dates_required: int = 0
    dates_found: int = 0
    disputes_required: int = 0
    disputes_candidates: int = 0
    disputes_proposed: int = 0
    errors: list[ReadingError] = Field(default_factory=list)

    @property
    def attribution_right(self) -> int:
        return sum(v.get("right", 0) for v in self.attribution.values())

    @property
    def attribution_total(self) -> int:
        return sum(sum(v.values()) for v in self.attribution.values())

    def add(self, other: ReadingScore) -> ReadingScore:
        """The sum of two scores (errors of both, each prefixed with its article)."""
        merged = self.model_copy(deep=True)
        for name in (
            "parties_required",
            "parties_found",
            "candidates",
            "candidates_named",
            "offered",
            "dates_required",
            "dates_found",
            "disputes_required",
            "disputes_candidates",
            "disputes_proposed",
        ):
            setattr(merged, name, getattr(self, name) + getattr(other, name))
        for form, counts in other.attribution.items():
            mine = merged.attribution.setdefault(form, {})
            for verdict, n in counts.items():
                mine[verdict] = mine.get(verdict, 0) + n
        merged.errors += [
            ReadingError(part=e.part, detail=f"{other.article}: {e.detail}") for e in other.errors
        ]
        return merged

    def rates(self) -> dict[str, float | None]:
        """The headline figures: recall, precision, attribution, date words, dispute pairs."""

        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "candidate_recall": ratio(self.parties_found, self.parties_required),
            "candidate_precision": ratio(self.candidates_named, self.candidates),
            "attribution": ratio(self.attribution_right, self.attribution_total),
            "attribution_offered": ratio(
                self.attribution_right + self.offered, self.attribution_total
            ),
            "date_words": ratio(self.dates_found, self.dates_required),
            "dispute_pairs_candidates": ratio(self.disputes_candidates, self.disputes_required),
            "dispute_pairs_proposed": ratio(self.disputes_proposed, self.disputes_required),
        }


def statement_form(sentence: str) -> Form:
    """Which form of attribution a gold evidence sentence takes (for counting apart)."""
    if _RELAY.search(sentence):
        return "relay"
    if _RELATIVE.search(sentence):
        return "relative"
    return "plain"


def score_reading(
    article: str,
    text: str,
    view: ReadingView,
    gold: GoldSummary,
    sentences: Sequence[tuple[int, int]],
) -> ReadingScore:
    """Score one reading against one article's gold (a ``GoldSummary``)."""
    score = ReadingScore(article=article)
    parties = list(gold.parties)
    names_of = {p.name: [p.name, *p.aliases] for p in parties}

    def names_party(names: Iterable[str], party: str) -> bool:
        return any(same_name(n, x) for n in names for x in names_of.get(party, [party]))

    def candidate_for(party: str) -> CandidateView | None:
        return next((c for c in view.candidates if names_party(c.names, party)), None)

    for party in parties:
        if not party.required:
            continue
        score.parties_required += 1
        if candidate_for(party.name) is not None:
            score.parties_found += 1
        else:
            score.errors.append(
                ReadingError(part="candidates", detail=f"no candidate for {party.name!r}")
            )
    for c in view.candidates:
        score.candidates += 1
        if any(names_party(c.names, p.name) for p in parties):
            score.candidates_named += 1
        else:
            score.errors.append(
                ReadingError(
                    part="precision", detail=f"candidate {c.name!r} ({c.label}) is no gold party"
                )
            )

    for position in gold.positions:
        if not position.required or not position.evidence:
            continue
        ev = position.evidence[0]
        sentence = _sentence_of(text, sentences, ev.start, ev.end)
        form = statement_form(text[sentence[0] : sentence[1]])
        over = [s for s in view.statements if s.start < ev.end and ev.start < s.end]
        if not over:
            verdict: Verdict = "none"
        elif any(s.speaker and names_party([s.speaker], position.party) for s in over):
            verdict = "right"
        else:
            verdict = "wrong"
            if any(names_party(s.options, position.party) for s in over):
                score.offered += 1
        counts = score.attribution.setdefault(form, {})
        counts[verdict] = counts.get(verdict, 0) + 1
        if verdict != "right":
            said = ", ".join(sorted({s.speaker or "-" for s in over})) or "nobody"
            score.errors.append(
                ReadingError(
                    part="attribution",
                    detail=(
                        f"[{form}] {position.party!r} said {ev.quote[:70]!r}: parse gives {said}"
                    ),
                )
            )

    for date in gold.dates:
        if not date.required:
            continue
        score.dates_required += 1
        spans = _spans_of_words(text, date.text, date.evidence)
        if any(a < e and s < b for s, e in spans for a, b, _ in view.date_spans):
            score.dates_found += 1
        else:
            score.errors.append(
                ReadingError(part="dates", detail=f"date words {date.text!r} not found")
            )

    for dispute in gold.disputes:
        if not dispute.required:
            continue
        score.disputes_required += 1
        sides = [[p for p in side if candidate_for(p) is not None] for side in dispute.sides]
        label = " vs ".join("/".join(side) for side in dispute.sides)
        if sum(1 for side in sides if side) >= 2:
            score.disputes_candidates += 1
        else:
            score.errors.append(
                ReadingError(part="disputes", detail=f"sides of {label} not all candidates")
            )
        if view.dispute_pairs is not None:
            hit = any(
                any(names_party([a], x) for x in s1) and any(names_party([b], y) for y in s2)
                for a, b in view.dispute_pairs
                for i, s1 in enumerate(dispute.sides)
                for j, s2 in enumerate(dispute.sides)
                if i != j
            )
            if hit:
                score.disputes_proposed += 1
            else:
                score.errors.append(
                    ReadingError(part="disputes", detail=f"pair {label} not proposed")
                )
    return score


def _sentence_of(
    text: str, sentences: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int]:
    for a, b in sentences:
        if a <= start < b:
            return a, max(b, end)
    return start, end


def _spans_of_words(text: str, words: str, evidence: Sequence[object]) -> list[tuple[int, int]]:
    """Where a gold date's words stand: inside its evidence quotes, else anywhere."""
    spans = []
    for ev in evidence:
        at = text.find(words, ev.start, ev.end)  # type: ignore[attr-defined]
        if at < 0:
            at = text.lower().find(words.lower(), ev.start, ev.end)  # type: ignore[attr-defined]
        if at >= 0:
            spans.append((at, at + len(words)))
    if not spans:
        at = text.find(words)
        if at >= 0:
            spans.append((at, at + len(words)))
    return spans


__all__ = [
    "CandidateView",
    "ReadingError",
    "ReadingScore",
    "ReadingView",
    "StatementView",
    "score_reading",
    "statement_form",
]
