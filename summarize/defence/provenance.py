"""Provenance rules: nothing that only text addressed to software says becomes a fact.

Masking (:mod:`summarize.defence.guard`) hides what the detectors flag, but a detector can miss a
sentence, and a payload can plant its name in a paragraph that reads like news. These rules
judge what the model returned by *where in the text it comes from*, whatever the payload's
words:

- a party named only inside flagged or instruction-like text (every mention there) is not a
  party, and its positions and disputes go with it;
- a position or dispute whose only evidence lies there is dropped;
- a position, dispute or summary sentence that repeats wording (three words in a row, not
  all of them function words) found in flagged or instruction-like text and nowhere else in
  the article is suspect, and dropped: that is the payload's dictated stance.

"Flagged" is every span the guard layers find; "instruction-like" are the sentences of
:func:`summarize.defence.addressee.instruction_like` (weaker signs, not masked). Every drop is
reported in ``SummaryRun.dropped`` with its reason. The same rule prunes the reading layer's
candidates and attributions before the model is asked about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from summarize.core.names import fold_text
from summarize.core.reading import Reading
from summarize.core.result import DroppedItem
from summarize.core.schema import ArticleSummary, Evidence
from summarize.defence.addressee import instruction_like

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Provenance:
    """Where the untrusted text of one article lies, and the rules that follow from it."""

    article: str
    flagged: list[tuple[int, int]]
    suspect: list[tuple[int, int]]

    @classmethod
    def of(cls, article: str, flagged: list[tuple[int, int]]) -> Provenance:
        """The provenance of ``article`` given the guard's flagged spans."""
        return cls(article, list(flagged), instruction_like(article))

    @cached_property
    def untrusted(self) -> list[tuple[int, int]]:
        return sorted({*self.flagged, *self.suspect})

    def inside(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` lies within one untrusted span."""
        return any(a <= start and end <= b for a, b in self.untrusted)

    def only_untrusted(self, names: list[str]) -> bool:
        """True when the article names the party (under any of ``names``) and every place it
        does lies inside untrusted text."""
        seen = False
        for name in names:
            name = name.strip()
            if len(name) < 2:
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
            for m in pattern.finditer(self.article):
                seen = True
                if not self.inside(m.start(), m.end()):
                    return False
        return seen

    @cached_property
    def _echoes(self) -> set[tuple[str, ...]]:
        """Word triples of the untrusted text that the rest of the article never uses."""
        from spacy.lang.en.stop_words import STOP_WORDS

        inside: set[tuple[str, ...]] = set()
        for a, b in self.untrusted:
            inside |= _triples(self.article[a:b])
        outside_text, at = [], 0
        for a, b in self.untrusted:
            outside_text.append(self.article[at:a])
            at = max(at, b)
        outside_text.append(self.article[at:])
        outside = _triples(" ".join(outside_text))
        return {t for t in inside - outside if any(w not in STOP_WORDS for w in t)}

    def echoes(self, text: str) -> bool:
        """True when ``text`` repeats wording found only in untrusted text."""
        return bool(_triples(text) & self._echoes)

    def _evidence_untrusted(self, evidence: list[Evidence]) -> bool:
        return bool(evidence) and all(self.inside(e.start, e.end) for e in evidence)

    # --- the reading layer --------------------------------------------------------------
    def prune_reading(self, reading: Reading) -> Reading:
        """``reading`` without the candidates named only in untrusted text and without the
        attributions that lie inside it, so the model is never offered them."""
        if not self.untrusted:
            return reading
        candidates = [
            c
            for c in reading.candidates
            if not c.mentions or not all(self.inside(a, b) for a, b in c.mentions)
        ]
        kept = {c.name for c in candidates}
        attributions = [
            a for a in reading.attributions if a.speaker in kept and not self.inside(a.start, a.end)
        ]
        return reading.model_copy(update={"candidates": candidates, "attributions": attributions})

    # --- the summary ----------------------------------------------------------------------
    def prune(self, summary: ArticleSummary) -> tuple[ArticleSummary, list[DroppedItem]]:
        """``summary`` with the rules above applied, and what they dropped."""
        if not self.untrusted:
            return summary, []
        dropped: list[DroppedItem] = []

        def drop(field: str, item: object, reason: str) -> None:
            dump = item.model_dump(mode="json") if hasattr(item, "model_dump") else item
            dropped.append(DroppedItem(field=field, item=dump, reason=reason))

        parties = []
        for party in summary.parties:
            if self.only_untrusted(party.names()):
                drop("parties", party, "named only in text addressed to software")
            else:
                parties.append(party)
        names = {p.name for p in parties}
        positions = []
        for position in summary.positions:
            if position.party not in names:
                drop("positions", position, "its party is named only in text addressed to software")
            elif self._evidence_untrusted(position.evidence):
                drop("positions", position, "its only evidence is text addressed to software")
            elif self.echoes(f"{position.topic} {position.stance}"):
                drop("positions", position, "repeats wording of text addressed to software")
            else:
                positions.append(position)
        disputes = []
        for dispute in summary.disputes:
            if any(n not in names for side in dispute.sides for n in side):
                drop("disputes", dispute, "a side is named only in text addressed to software")
            elif self._evidence_untrusted(dispute.evidence):
                drop("disputes", dispute, "its only evidence is text addressed to software")
            elif self.echoes(f"{dispute.issue} {dispute.description}"):
                drop("disputes", dispute, "repeats wording of text addressed to software")
            else:
                disputes.append(dispute)
        sentences = _SENTENCE_END.split(summary.summary)
        kept_sentences = [s for s in sentences if not self.echoes(s)]
        if len(kept_sentences) < len(sentences) and kept_sentences:
            drop(
                "summary",
                {"summary": summary.summary},
                "a sentence repeats wording of text addressed to software",
            )
        update = {"parties": parties, "positions": positions, "disputes": disputes}
        if kept_sentences and len(kept_sentences) < len(sentences):
            update["summary"] = " ".join(kept_sentences)
        if not dropped:
            return summary, []
        return summary.model_copy(update=update), dropped


def _triples(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(fold_text(text))
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
