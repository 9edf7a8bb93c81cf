"""Parties: the same party under the project's one name-identity rule."""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.matching import FieldScore, field_score
from summarize.core.names import fold_name, same_name
from summarize.core.schema import ArticleSummary, Party


def _any_name_matches(pred: Party, gold: Party) -> bool:
    return any(same_name(a, b) for a in pred.names() for b in gold.names())


def resolve_party(parties: Sequence[Party], name: str) -> int | None:
    """Index of the party that ``name`` denotes: an exact folded canonical name first, then an
    exact folded alias, then :func:`same_name` on any name; None if nothing fits.

    The exact passes come first so that "Orban" resolves to the party named "Orban" rather
    than to an earlier "Anna Orban" that the surname rule would also accept.
    """
    folded = fold_name(name)
    for i, party in enumerate(parties):
        if fold_name(party.name) == folded:
            return i
    for i, party in enumerate(parties):
        if any(fold_name(alias) == folded for alias in party.aliases):
            return i
    for i, party in enumerate(parties):
        if any(same_name(name, n) for n in party.names()):
            return i
    return None


class PartyMap:
    """Decides whether a name in the prediction and a name in the gold denote the same party.

    Both names are resolved to their summary's parties. If the predicted party was matched
    to a gold party, that pairing decides (so one-to-one party matching carries over to
    positions and disputes). Otherwise (the predicted party is a duplicate or is missing
    from the prediction's party list) the two parties' full name sets are compared with
    :func:`same_name`.
    """

    def __init__(self, pred: ArticleSummary, gold: ArticleSummary, parties: FieldScore) -> None:
        self.pred = pred
        self.gold = gold
        self.pred_to_gold = dict(parties.matches)

    def same_party(self, pred_name: str, gold_name: str) -> bool:
        pi = resolve_party(self.pred.parties, pred_name)
        gi = resolve_party(self.gold.parties, gold_name)
        if pi is not None and gi is not None and pi in self.pred_to_gold:
            return self.pred_to_gold[pi] == gi
        pred_names = self.pred.parties[pi].names() if pi is not None else [pred_name]
        gold_names = self.gold.parties[gi].names() if gi is not None else [gold_name]
        return any(same_name(a, b) for a in pred_names for b in gold_names)


def party_similarity(pred: Party, gold: Party) -> float | None:
    """Parties match when any name or alias of one equals any name or alias of the other
    under :func:`summarize.core.names.same_name`, the project's one name-identity rule
    (case, diacritics and titles in front of a proper name ignored; a surname matches the
    full name; "Orbn" = "Orbán" = "Orban"; descriptors such as "the Hungarian government"
    and "the Chinese government" stay distinct).

    An acronym equals its expansion only through an alias ("EU" matches "European Union"
    only if one of them lists the other as alias); different entities never match by
    resemblance ("Xi Jinping" vs "Xi Mingze", "Russia" vs "Belarus", "EU" vs "European
    Commission"). Kind is not required to agree. The score used to choose among candidates
    prefers equal folded canonical names (1.0) over canonical names that match by rule
    (0.8, e.g. surname) over a match through an alias (0.5), plus 0.2 when kinds agree.
    """
    if not _any_name_matches(pred, gold):
        return None
    if fold_name(pred.name) == fold_name(gold.name):
        score = 1.0
    elif same_name(pred.name, gold.name):
        score = 0.8
    else:
        score = 0.5
    return score + (0.2 if pred.kind == gold.kind else 0.0)


def score_parties(pred: ArticleSummary, gold: ArticleSummary) -> FieldScore:
    """Parties field score; see :func:`party_similarity` for the rule."""
    return field_score(pred.parties, gold.parties, party_similarity)
