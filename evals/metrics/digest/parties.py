"""Parties across sources: unification scored on mentions (pairwise P/R/F1), and party F1."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from evals.metrics.digest.common import PairScore, pair_score, required
from evals.metrics.matching import FieldScore, field_score, optimal_pairs
from evals.metrics.parties import party_similarity, resolve_party
from summarize.core.digest import (
    DigestParty,
    StoryDigest,
)
from summarize.core.names import fold_name, same_name


class MentionAlignment(BaseModel):
    """One predicted mention (the party's name in one article) and the gold party it was
    aligned to (None: gold has no party of that name in that article)."""

    article: str
    name: str
    pred_party: int
    gold_party: int | None = None


class GoldMention(BaseModel):
    """A gold mention of a required party that no predicted mention was aligned to."""

    article: str
    gold_party: int
    name: str


def gold_names_in(party: DigestParty, article: str) -> tuple[list[str], list[str]]:
    """(the party's mention names in ``article``, its name and aliases)."""
    return [m.name for m in party.mentions if m.article == article], party.names()


def mention_similarity(name: str, article: str, gold: DigestParty) -> float | None:
    """How well a predicted mention's name fits a gold party in that article: equal (folded)
    to gold's name there 3, to its name or an alias 2, the same under
    :func:`same_name` 1; None when no name fits."""
    local, names = gold_names_in(gold, article)
    folded = fold_name(name)
    if any(fold_name(n) == folded for n in local):
        return 3.0
    if any(fold_name(n) == folded for n in names):
        return 2.0
    if any(same_name(name, n) for n in [*local, *names]):
        return 1.0
    return None


def align_mentions(pred: StoryDigest, gold: StoryDigest) -> list[MentionAlignment]:
    """Each predicted mention aligned to at most one gold party mentioned in its article,
    one-to-one within each article (:func:`optimal_pairs` on :func:`mention_similarity`)."""
    out: list[MentionAlignment] = []
    articles = list(dict.fromkeys(m.article for p in pred.parties for m in p.mentions))
    for article in articles:
        rows = [
            (i, m.name)
            for i, p in enumerate(pred.parties)
            for m in p.mentions
            if m.article == article
        ]
        cols = [
            j for j, g in enumerate(gold.parties) if any(m.article == article for m in g.mentions)
        ]
        weights = [
            [mention_similarity(name, article, gold.parties[j]) for j in cols] for _, name in rows
        ]
        aligned = {r: cols[c] for r, c in optimal_pairs(weights)} if cols else {}
        out += [
            MentionAlignment(article=article, name=name, pred_party=i, gold_party=aligned.get(r))
            for r, (i, name) in enumerate(rows)
        ]
    return out


def unification_score(alignment: Sequence[MentionAlignment], gold: StoryDigest) -> PairScore:
    """Pairwise P/R/F1 over pairs of mentions from two articles.

    Predicted pairs: two aligned mentions in one predicted party; true when gold has both in
    one party too. Gold pairs: every pair of a required gold party's mention articles (a
    mention never predicted misses its pairs); for an optional party only the pairs whose
    both mentions were predicted (missing it costs nothing, splitting it does).
    """
    aligned = [m for m in alignment if m.gold_party is not None]
    tp = n_pred = 0
    for a, b in itertools.combinations(aligned, 2):
        if a.article != b.article and a.pred_party == b.pred_party:
            n_pred += 1
            tp += a.gold_party == b.gold_party
    found: dict[int, set[str]] = {}
    for m in aligned:
        found.setdefault(m.gold_party, set()).add(m.article)  # type: ignore[arg-type]
    n_gold = 0
    for j, party in enumerate(gold.parties):
        articles = {m.article for m in party.mentions} if required(party) else found.get(j, set())
        n_gold += math.comb(len(articles), 2)
    return pair_score(tp, n_pred, n_gold)


def missed_mentions(alignment: Sequence[MentionAlignment], gold: StoryDigest) -> list[GoldMention]:
    """Gold mentions of required parties that no predicted mention was aligned to."""
    hit = {(m.article, m.gold_party) for m in alignment if m.gold_party is not None}
    return [
        GoldMention(article=m.article, gold_party=j, name=m.name)
        for j, party in enumerate(gold.parties)
        if required(party)
        for m in party.mentions
        if (m.article, j) not in hit
    ]


def digest_party_similarity(
    pred: DigestParty, gold: DigestParty, shared_mentions: int
) -> float | None:
    """A digest party matches a gold party when a name of one is a name of the other
    (:func:`party_similarity`, the per-article rule) or they share aligned mentions; the
    score counts the shared mentions first (the larger piece of a split party wins)."""
    by_name = party_similarity(pred, gold)  # type: ignore[arg-type]
    if by_name is None and shared_mentions == 0:
        return None
    return shared_mentions + 0.5 * (by_name or 0.0)


def score_digest_parties(
    pred: StoryDigest, gold: StoryDigest, alignment: Sequence[MentionAlignment]
) -> FieldScore:
    """Party F1: digest parties matched one-to-one to gold parties."""
    shared = Counter((m.pred_party, m.gold_party) for m in alignment if m.gold_party is not None)
    index = {id(p): i for i, p in enumerate(pred.parties)}
    gindex = {id(g): j for j, g in enumerate(gold.parties)}
    return field_score(
        pred.parties,
        gold.parties,
        lambda p, g: digest_party_similarity(p, g, shared[(index[id(p)], gindex[id(g)])]),
    )


class DigestPartyMap:
    """Whether a party name of the prediction and one of the gold are one unified party.

    A predicted party matched to a gold party (party F1) is that party; an unmatched one (the
    other piece of a split party) is the gold party most of its mentions were aligned to.
    Otherwise the names decide (:func:`same_name`), as in the per-article
    :class:`evals.metrics.parties.PartyMap`. Has that class's ``same_party``, so the
    per-article dispute rule applies unchanged.
    """

    def __init__(
        self,
        pred: StoryDigest,
        gold: StoryDigest,
        parties: FieldScore,
        alignment: Sequence[MentionAlignment],
    ) -> None:
        self.pred, self.gold = pred, gold
        self.pred_to_gold: dict[int, int] = dict(parties.matches)
        votes: dict[int, Counter[int]] = {}
        for m in alignment:
            if m.gold_party is not None:
                votes.setdefault(m.pred_party, Counter())[m.gold_party] += 1
        for i, counter in votes.items():
            self.pred_to_gold.setdefault(i, counter.most_common(1)[0][0])

    def same_party(self, pred_name: str, gold_name: str) -> bool:
        pi = resolve_party(self.pred.parties, pred_name)  # type: ignore[arg-type]
        gi = resolve_party(self.gold.parties, gold_name)  # type: ignore[arg-type]
        if pi is not None and gi is not None and pi in self.pred_to_gold:
            return self.pred_to_gold[pi] == gi
        pred_names = self.pred.parties[pi].names() if pi is not None else [pred_name]
        gold_names = self.gold.parties[gi].names() if gi is not None else [gold_name]
        return any(same_name(a, b) for a in pred_names for b in gold_names)
