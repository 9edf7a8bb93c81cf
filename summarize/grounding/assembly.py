"""Grounding and assembly: the model's draft becomes a summary whose every item is evidenced.

Quotes are aligned to verbatim spans of the text (:mod:`summarize.grounding.align`); parties and
dates without a usable quote are grounded where the text names them; whatever cannot be
grounded is dropped and reported, never passed off as grounded. Parties are merged with
the same keyed merge that joins the chunks of a long article (:mod:`summarize.grounding.merging`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ValidationError

from summarize.core.draft import (
    QUOTE_CHARS,
    DateDraft,
    DisputeDraft,
    PartyDraft,
    PositionDraft,
    SummaryDraft,
)
from summarize.core.errors import OutputValidationError
from summarize.core.result import DroppedItem
from summarize.core.schema import MAX_HEADLINE_WORDS, ArticleSummary, Evidence
from summarize.grounding.align import align_quote, find_mention, fit_quote_length
from summarize.grounding.merging import canonical_party_name, merge_parties
from summarize.reading import speaks_of_future
from summarize.text import dates as date_rules

Draft = PartyDraft | PositionDraft | DateDraft | DisputeDraft
FIELDS = ("parties", "positions", "dates", "disputes")


def all_items(draft: SummaryDraft) -> list[tuple[str, int]]:
    return [(field, i) for field in FIELDS for i in range(len(getattr(draft, field)))]


def describe(field: str, item: Draft) -> str:
    if isinstance(item, PartyDraft):
        return f"party {item.name} ({item.role or item.kind})"
    if isinstance(item, PositionDraft):
        return f"position of {item.party} on {item.topic}: {item.stance}"
    if isinstance(item, DateDraft):
        return f"date {item.text!r}: {item.event}"
    return f"dispute over {item.issue}: {item.description}"


class Grounder:
    """Turns the model's quotes into verbatim evidence spans of the article."""

    def __init__(self, article: str) -> None:
        self.article = article

    def align(self, quote: str) -> Evidence | None:
        if len(quote) >= QUOTE_CHARS:  # cut by the length limit, perhaps mid-word
            quote = quote.rsplit(" ", 1)[0]
        span = align_quote(quote, self.article) if quote.strip() else None
        return self._evidence(span)

    def mention(self, words: str) -> Evidence | None:
        return self._evidence(find_mention(words, self.article) if words.strip() else None)

    def _evidence(self, span: Any) -> Evidence | None:
        if span is None:
            return None
        span = fit_quote_length(span, self.article)
        try:
            return Evidence(
                quote=self.article[span.start : span.end], start=span.start, end=span.end
            )
        except ValidationError:
            return None

    def ground_all(self, draft: SummaryDraft) -> dict[tuple[str, int], Evidence]:
        found: dict[tuple[str, int], Evidence] = {}
        for field, i in all_items(draft):
            item = getattr(draft, field)[i]
            evidence = self.align(item.quote)
            if evidence is None and isinstance(item, PartyDraft):
                # A party is grounded by where the article names it, even if the quote
                # the model gave was paraphrased.
                evidence = next(filter(None, map(self.mention, [item.name, *item.aliases])), None)
            if evidence is None and isinstance(item, DateDraft):
                evidence = self.mention(item.text)
            if evidence is not None:
                found[(field, i)] = evidence
        return found


def assemble(
    draft: SummaryDraft,
    evidence: dict[tuple[str, int], Evidence],
    article: str,
    published: dt.date | None,
) -> tuple[ArticleSummary, list[DroppedItem]]:
    """Build the validated summary from grounded items; collect what had to be dropped."""
    dropped: list[DroppedItem] = []

    def drop(field: str, item: BaseModel, reason: str) -> None:
        dropped.append(DroppedItem(field=field, item=item.model_dump(), reason=reason))

    # Parties: grounded ones only, merged when they name the same actor.
    grounded: list[dict[str, Any]] = []
    for i, party in enumerate(draft.parties):
        ev = evidence.get(("parties", i))
        # Aliases are ways *this article* names the party: one it never uses (a small model
        # copies the prompt's examples) is dropped, not passed off as grounded.
        party = party.model_copy(
            update={"aliases": [a for a in party.aliases if find_mention(a, article)]}
        )
        if ev is None:
            drop("parties", party, "no quote or mention of the party found in the article")
        elif not any(
            find_mention(name, article) for name in [party.name, *party.aliases] if name.strip()
        ):
            # A real quote does not make a party real: its name must be in the text too.
            drop("parties", party, "the article never names this party")
        else:
            grounded.append(
                {
                    "name": party.name.strip(),
                    "kind": party.kind,
                    "role": party.role.strip() or None,
                    "aliases": party.aliases,
                    "evidence": [ev.model_dump()],
                }
            )
    parties = merge_parties(grounded)

    def canonical(name: str) -> str | None:
        return canonical_party_name(name, parties)

    positions: list[dict[str, Any]] = []
    seen_topics: set[tuple[str, str]] = set()
    for i, position in enumerate(draft.positions):
        ev = evidence.get(("positions", i))
        party = canonical(position.party)
        if ev is None:
            drop("positions", position, "quote not found in the article")
        elif party is None:
            drop("positions", position, f"{position.party!r} is not among the grounded parties")
        elif (party, position.topic.casefold()) in seen_topics:
            drop("positions", position, "duplicate of an earlier position (same party, topic)")
        else:
            seen_topics.add((party, position.topic.casefold()))
            positions.append(
                {
                    "party": party,
                    "topic": position.topic,
                    "stance": position.stance,
                    "polarity": position.polarity,
                    "evidence": [ev],
                }
            )

    date_refs: list[dict[str, Any]] = []
    datelines = date_rules.publication_spans(article)
    for i, date in enumerate(draft.dates):
        ev = evidence.get(("dates", i))
        if ev is None:
            drop("dates", date, "neither the quote nor the date words were found")
            continue
        at = ev.quote.casefold().find(date.text.casefold().strip())
        words_at = ev.start + max(at, 0)
        if at >= 0 and any(
            words_at < b and a < words_at + len(date.text.strip()) for a, b in datelines
        ):
            # the date line gives `published`, not a date of the story (the guide)
            drop("dates", date, "the publication date line is not a date of the story")
            continue
        # A relative date nothing can place ("on Monday" in an undated article) is kept
        # with its words and value None, as the annotation guide says. Tense decides
        # between the last and the next such day ("the strike begins on Monday").
        value, _ = date_rules.resolve_in_text(
            date.text,
            article,
            ev.start,
            published,
            date.value,
            future=speaks_of_future(article, words_at),
        )
        date_refs.append({"value": value, "text": date.text, "event": date.event, "evidence": [ev]})

    disputes: list[dict[str, Any]] = []
    for i, dispute in enumerate(draft.disputes):
        ev = evidence.get(("disputes", i))
        side_a = _unique(filter(None, map(canonical, dispute.side_a)))
        side_b = [
            n for n in _unique(filter(None, map(canonical, dispute.side_b))) if n not in side_a
        ]
        if ev is None:
            drop("disputes", dispute, "quote not found in the article")
        elif not side_a or not side_b:
            drop("disputes", dispute, "a side names no grounded party")
        else:
            disputes.append(
                {
                    "sides": [side_a, side_b],
                    "issue": dispute.issue,
                    "description": dispute.description,
                    "evidence": [ev],
                }
            )

    data = {
        "headline": _clip_words(draft.headline, MAX_HEADLINE_WORDS),
        "summary": _complete_sentences(draft.summary),
        "published": published,
        "event_location": (draft.event_location or "").strip() or None,
        "parties": parties,
        "positions": positions,
        "dates": date_refs,
        "disputes": disputes,
    }
    try:
        summary = ArticleSummary.model_validate(data, context={"text": article})
    except ValidationError as exc:
        raise OutputValidationError(
            f"the grounded summary does not validate: {exc}", raw_output=draft.model_dump_json()
        ) from None
    return summary, dropped


def _unique(names: Any) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out


def _complete_sentences(text: str) -> str:
    """Drop a trailing unfinished sentence (a length cap, or a quote mark that closed the
    JSON string early), keeping the text whole when it has no complete sentence."""
    text = text.strip()
    end = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
    if text.endswith((".", "!", "?", ".'", '."')) or end < 0:
        return text
    return text[: end + 1]


def _clip_words(text: str, limit: int) -> str:
    words = text.split()
    return text.strip() if len(words) <= limit else " ".join(words[:limit])
