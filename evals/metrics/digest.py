"""A story digest scored against its gold: parties unified, timeline, positions, disputes,
discrepancies.

Every figure is deterministic and reuses the per-article rules: names are one party under
:func:`summarize.core.names.same_name`, texts are alike under
:func:`evals.metrics.similarity.text_similarity`, items are matched one-to-one
(:func:`evals.metrics.matching.field_score`, where missing a ``required: false`` gold item
costs nothing), and two quotes are the same evidence when their spans meet
(:mod:`evals.metrics.evidence`). What counts as one party, event, position and discrepancy
is written down in ``evals/suites/stories/README.md``.

- **Party unification** is scored on mentions, one element per (article, party): each
  predicted mention is aligned to a gold mention of the same article by name, then every pair
  of aligned mentions from two articles is a decision (one party or two). Pairwise precision:
  of the pairs the prediction put in one party, the share gold has in one party; recall: of
  gold's pairs, the share the prediction joined (a gold mention never predicted misses all its
  pairs). **Party F1** matches digest parties to gold parties one-to-one.
- **Timeline**: event F1 (compatible dates, and similar text or overlapping evidence); the
  order of the matched events (Kendall tau against gold's order, with how many events it
  rests on); and the occasions merged: gold events that would be one but for their dates
  (:func:`occasion_pairs`) that one predicted event covers.
- **Positions**: position F1 (same unified party, similar stance or overlapping evidence), and
  merge F1: for matched positions, the predicted articles against gold's, micro over (position,
  article) pairs.
- **Disputes** F1 (the per-article side rule on unified parties; a similar issue or
  overlapping evidence) and
  **discrepancy** P/R/F1 (kinds compatible, evidence overlapping gold's in two articles).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from statistics import fmean
from typing import Any

from pydantic import BaseModel, Field

from evals.metrics.disputes import (
    DISPUTE_ISSUE_THRESHOLD,
    DISPUTE_ISSUE_WEIGHT,
    sides_agreement,
)
from evals.metrics.evidence import overlapping_articles
from evals.metrics.matching import FieldScore, field_score, optimal_pairs
from evals.metrics.parties import party_similarity, resolve_party
from evals.metrics.positions import POSITION_THRESHOLD, stance_similarity
from evals.metrics.similarity import text_similarity
from summarize.core.digest import (
    DigestDispute,
    DigestParty,
    DigestPosition,
    Discrepancy,
    SourceEvidence,
    StoryDigest,
    TimelineEvent,
)
from summarize.core.names import fold_name, same_name

#: A predicted event matches a gold one (dates compatible) when their descriptions are this
#: similar, or when their evidence overlaps: the bar of a position (half the content words).
EVENT_THRESHOLD = 0.5

#: Discrepancy kinds that name one disagreement from two sides: words credited to different
#: speakers (attribution) are also a disagreement on the quoted words (characterisation).
COMPATIBLE_KINDS: frozenset[frozenset[str]] = frozenset({
    frozenset({"attribution", "characterisation"}),
})

#: A predicted discrepancy must rest on the gold's evidence in at least this many articles.
DISCREPANCY_MIN_ARTICLES = 2

#: The figures of one story, in the order of the table; "P/R/F1 figures" count 0.0 for a story
#: that failed, the others (tau, merge F1) are left out of a mean where undefined.
FIGURES: tuple[str, ...] = (
    "unification_precision", "unification_recall", "unification_f1", "party_f1",
    "event_f1", "kendall_tau", "position_f1", "merge_f1", "dispute_f1",
    "discrepancy_precision", "discrepancy_recall", "discrepancy_f1",
)
_UNDEFINED_WHEN_EMPTY = frozenset({"kendall_tau", "merge_f1"})


# --- result shapes -------------------------------------------------------------------------
class PairScore(BaseModel):
    """Precision, recall and F1 of a set of decisions: ``tp`` of ``n_pred`` predicted and
    ``n_gold`` gold decisions (pairs of mentions, or (position, article) pairs)."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0


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


class OccasionPair(BaseModel):
    """Two gold events of the same parties on different dates; ``merged_by`` is the predicted
    event that covers both (None: the prediction kept them apart)."""

    gold_a: int
    gold_b: int
    parties: list[str]
    merged_by: int | None = None


class ItemAlignment(BaseModel):
    """One row of the report: a predicted item, a gold item, or a matched pair of them."""

    field: str
    pred: int | None = None
    gold: int | None = None
    pred_label: str | None = None
    gold_label: str | None = None
    required: bool | None = None
    outcome: str = Field(description="matched | missed | extra | optional (not found)")


class DigestScores(BaseModel):
    """Every figure of one story's digest against its gold, with the alignment behind them.

    ``parties``, ``events``, ``positions``, ``disputes`` and ``discrepancies`` are
    :class:`FieldScore` (indices into the digests' lists). ``kendall_tau`` is None when fewer
    than two events matched; ``order_pairs`` is how many matched events it rests on.
    ``merge`` is None when no position matched.
    """

    party_unification: PairScore
    mentions: list[MentionAlignment] = Field(default_factory=list)
    missed_mentions: list[GoldMention] = Field(default_factory=list)
    parties: FieldScore
    events: FieldScore
    kendall_tau: float | None = None
    order_pairs: int = 0
    occasions: list[OccasionPair] = Field(default_factory=list)
    positions: FieldScore
    merge: PairScore | None = None
    disputes: FieldScore
    discrepancies: FieldScore
    items: list[ItemAlignment] = Field(default_factory=list)

    @property
    def occasions_merged(self) -> int:
        return sum(1 for o in self.occasions if o.merged_by is not None)

    def figures(self) -> dict[str, float | None]:
        """The headline figures by name (:data:`FIGURES`)."""
        u = self.party_unification
        return {
            "unification_precision": u.precision, "unification_recall": u.recall,
            "unification_f1": u.f1, "party_f1": self.parties.f1, "event_f1": self.events.f1,
            "kendall_tau": self.kendall_tau, "position_f1": self.positions.f1,
            "merge_f1": self.merge.f1 if self.merge is not None else None,
            "dispute_f1": self.disputes.f1,
            "discrepancy_precision": self.discrepancies.precision,
            "discrepancy_recall": self.discrepancies.recall,
            "discrepancy_f1": self.discrepancies.f1,
        }


# --- shared rules --------------------------------------------------------------------------
def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """(precision, recall, F1) with :func:`field_score`'s rule for empty sides: both empty
    is 1.0 (nothing to find, nothing invented), exactly one empty is 0.0."""
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    if n_pred == 0 or n_gold == 0:
        return 0.0, 0.0, 0.0
    p, r = tp / n_pred, tp / n_gold
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pair_score(tp: int, n_pred: int, n_gold: int) -> PairScore:
    p, r, f = prf(tp, n_pred, n_gold)
    return PairScore(tp=tp, n_pred=n_pred, n_gold=n_gold, precision=p, recall=r, f1=f)


def _required(item: Any) -> bool:
    return bool(getattr(item, "required", True))


def _evidence_share(pred: Sequence[SourceEvidence], gold: Sequence[SourceEvidence]) -> float:
    """Share of the gold item's articles in which the predicted evidence overlaps gold's."""
    articles = {e.article for e in gold}
    return len(overlapping_articles(pred, gold)) / len(articles) if articles else 0.0


# --- parties: unification on mentions --------------------------------------------------------
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
        rows = [(i, m.name) for i, p in enumerate(pred.parties) for m in p.mentions
                if m.article == article]
        cols = [j for j, g in enumerate(gold.parties)
                if any(m.article == article for m in g.mentions)]
        weights = [[mention_similarity(name, article, gold.parties[j]) for j in cols]
                   for _, name in rows]
        aligned = {r: cols[c] for r, c in optimal_pairs(weights)} if cols else {}
        out += [MentionAlignment(article=article, name=name, pred_party=i,
                                 gold_party=aligned.get(r)) for r, (i, name) in enumerate(rows)]
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
        articles = ({m.article for m in party.mentions} if _required(party)
                    else found.get(j, set()))
        n_gold += math.comb(len(articles), 2)
    return pair_score(tp, n_pred, n_gold)


def missed_mentions(alignment: Sequence[MentionAlignment],
                    gold: StoryDigest) -> list[GoldMention]:
    """Gold mentions of required parties that no predicted mention was aligned to."""
    hit = {(m.article, m.gold_party) for m in alignment if m.gold_party is not None}
    return [GoldMention(article=m.article, gold_party=j, name=m.name)
            for j, party in enumerate(gold.parties) if _required(party)
            for m in party.mentions if (m.article, j) not in hit]


def digest_party_similarity(pred: DigestParty, gold: DigestParty,
                            shared_mentions: int) -> float | None:
    """A digest party matches a gold party when a name of one is a name of the other
    (:func:`party_similarity`, the per-article rule) or they share aligned mentions; the
    score counts the shared mentions first (the larger piece of a split party wins)."""
    by_name = party_similarity(pred, gold)  # type: ignore[arg-type]
    if by_name is None and shared_mentions == 0:
        return None
    return shared_mentions + 0.5 * (by_name or 0.0)


def score_digest_parties(pred: StoryDigest, gold: StoryDigest,
                         alignment: Sequence[MentionAlignment]) -> FieldScore:
    """Party F1: digest parties matched one-to-one to gold parties."""
    shared = Counter((m.pred_party, m.gold_party) for m in alignment
                     if m.gold_party is not None)
    index = {id(p): i for i, p in enumerate(pred.parties)}
    gindex = {id(g): j for j, g in enumerate(gold.parties)}
    return field_score(pred.parties, gold.parties, lambda p, g: digest_party_similarity(
        p, g, shared[(index[id(p)], gindex[id(g)])]))


class DigestPartyMap:
    """Whether a party name of the prediction and one of the gold are one unified party.

    A predicted party matched to a gold party (party F1) is that party; an unmatched one (the
    other piece of a split party) is the gold party most of its mentions were aligned to.
    Otherwise the names decide (:func:`same_name`), as in the per-article
    :class:`evals.metrics.parties.PartyMap`. Has that class's ``same_party``, so the
    per-article dispute rule applies unchanged.
    """

    def __init__(self, pred: StoryDigest, gold: StoryDigest, parties: FieldScore,
                 alignment: Sequence[MentionAlignment]) -> None:
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


# --- timeline --------------------------------------------------------------------------------
def dates_compatible(a: str | None, b: str | None) -> bool:
    """ISO values that may be one date: either unknown, or one a prefix of the other
    ("2024-07" and "2024-07-08")."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def event_similarity(pred: TimelineEvent, gold: TimelineEvent) -> float | None:
    """Events match when their dates are compatible and their descriptions are
    :data:`EVENT_THRESHOLD` similar or their evidence overlaps; the score adds the two (plus
    0.1 for the same value)."""
    if not dates_compatible(pred.value, gold.value):
        return None
    text = text_similarity(pred.event, gold.event)
    share = _evidence_share(pred.evidence, gold.evidence)
    if text < EVENT_THRESHOLD and share == 0.0:
        return None
    return text + share + (0.1 if pred.value == gold.value else 0.0)


def score_events(pred: StoryDigest, gold: StoryDigest) -> FieldScore:
    """Event F1: predicted events matched one-to-one to gold events."""
    return field_score(pred.timeline, gold.timeline, event_similarity)


def order_agreement(matches: Sequence[tuple[int, int]]) -> tuple[float | None, int]:
    """Kendall tau between the predicted and gold positions of the matched events, and how
    many matched events it rests on; tau is None below two."""
    if len(matches) < 2:
        return None, len(matches)
    from scipy.stats import kendalltau  # here: scipy.stats takes a second to import

    pred_pos, gold_pos = zip(*matches, strict=True)
    tau = float(kendalltau(pred_pos, gold_pos).statistic)
    return (None if math.isnan(tau) else tau), len(matches)


def event_parties(event: TimelineEvent, gold: StoryDigest) -> frozenset[int]:
    """The gold parties an event's description names: a run of capitalised words
    (:func:`name_runs`) that is the same name (:func:`same_name`) as one of the party's
    names, aliases or mentions."""
    runs = name_runs(event.event)
    return frozenset(j for j, party in enumerate(gold.parties)
                     if any(same_name(r, n) for r in runs
                            for n in [*party.names(), *(m.name for m in party.mentions)]))


def name_runs(text: str) -> list[str]:
    """The runs of capitalised words in ``text`` ("Syrian Observatory for Human Rights",
    "Kerry", "Lavrov" in "Kerry and Lavrov"); a possessive or a punctuation mark ends a run,
    and "of", "for", "the" and name particles join two capitalised words."""
    runs: list[str] = []
    current: list[str] = []
    words = text.split()
    for i, raw in enumerate(words):
        word = raw.strip(_PUNCTUATION)
        possessive = word.endswith(("'s", "’s"))
        word = word[:-2] if possessive else word
        joins = (bool(current) and word in _CONNECTORS and i + 1 < len(words)
                 and words[i + 1][:1].isupper())
        if word[:1].isupper() or joins:
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
        if current and (possessive or raw[-1:] in _PUNCTUATION):
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


_PUNCTUATION = ".,;:!?()[]\"'’“”"
_CONNECTORS = frozenset({"of", "for", "the", "al", "bin", "de", "von", "van", "der"})


def occasion_pairs(gold: StoryDigest) -> list[tuple[int, int, frozenset[int]]]:
    """Gold events that would be one event but for their dates: separate occasions of the
    same thing, which a digest must keep apart.

    Both dated, on values that cannot be one date (neither a prefix of the other); the
    parties one description names are all named by the other (equal sets, or one within the
    other: "Kerry and Lavrov discuss Syria by phone" and "Kerry and Lavrov speak by phone
    again"); and the descriptions are :data:`EVENT_THRESHOLD` similar, so that the same
    parties doing different things ("Obama wins the Nobel Peace Prize", "Obama visits Cuba")
    are not occasions of one event. The pair carries the smaller party set.
    """
    timeline = gold.timeline
    parties = [event_parties(e, gold) for e in timeline]
    out = []
    for a, b in itertools.combinations(range(len(timeline)), 2):
        va, vb = timeline[a].value, timeline[b].value
        if (va is None or vb is None or dates_compatible(va, vb)
                or not parties[a] or not parties[b]
                or not (parties[a] <= parties[b] or parties[b] <= parties[a])
                or text_similarity(timeline[a].event, timeline[b].event) < EVENT_THRESHOLD):
            continue
        out.append((a, b, min(parties[a], parties[b], key=len)))
    return out


def merged_occasions(pred: StoryDigest, gold: StoryDigest) -> list[OccasionPair]:
    """Every occasion pair of the gold, with the predicted event (if any) that merged them:
    its evidence overlaps evidence of each occasion that the other does not share."""
    out = []
    for a, b, parties in occasion_pairs(gold):
        own_a = _own_evidence(gold.timeline[a], gold.timeline[b])
        own_b = _own_evidence(gold.timeline[b], gold.timeline[a])
        merged = next((k for k, e in enumerate(pred.timeline)
                       if overlapping_articles(e.evidence, own_a)
                       and overlapping_articles(e.evidence, own_b)), None)
        out.append(OccasionPair(gold_a=a, gold_b=b, merged_by=merged,
                                parties=[gold.parties[j].name for j in sorted(parties)]))
    return out


def _own_evidence(event: TimelineEvent, other: TimelineEvent) -> list[SourceEvidence]:
    return [e for e in event.evidence if not overlapping_articles([e], other.evidence)]


# --- positions --------------------------------------------------------------------------------
def digest_position_similarity(pred: DigestPosition, gold: DigestPosition,
                               party_map: DigestPartyMap) -> float | None:
    """Positions match when their parties are one unified party and their stance is
    similar (:func:`stance_similarity` at least :data:`POSITION_THRESHOLD`) or their evidence
    overlaps; the score adds the two."""
    if not party_map.same_party(pred.party, gold.party):
        return None
    text = stance_similarity(pred, gold)
    share = _evidence_share(pred.evidence, gold.evidence)
    if text < POSITION_THRESHOLD and share == 0.0:
        return None
    return text + share


def score_digest_positions(pred: StoryDigest, gold: StoryDigest,
                           party_map: DigestPartyMap) -> FieldScore:
    """Position F1: predicted positions matched one-to-one to gold positions."""
    return field_score(pred.positions, gold.positions,
                       lambda p, g: digest_position_similarity(p, g, party_map))


def merge_score(pred: StoryDigest, gold: StoryDigest,
                matches: Sequence[tuple[int, int]]) -> PairScore | None:
    """For matched positions, the predicted source articles against gold's, micro over
    (position, article) pairs; None when no position matched."""
    if not matches:
        return None
    tp = n_pred = n_gold = 0
    for i, j in matches:
        p, g = set(pred.positions[i].articles), set(gold.positions[j].articles)
        tp, n_pred, n_gold = tp + len(p & g), n_pred + len(p), n_gold + len(g)
    return pair_score(tp, n_pred, n_gold)


# --- disputes and discrepancies ----------------------------------------------------------------
def digest_dispute_similarity(pred: DigestDispute, gold: DigestDispute,
                              party_map: DigestPartyMap) -> float | None:
    """Disputes match when they set the same unified parties against each other (the
    per-article side rule, :func:`sides_agreement`) over a similar issue (at least
    :data:`DISPUTE_ISSUE_THRESHOLD`) or on overlapping evidence; the score is the
    per-article one plus the share of gold's articles whose evidence overlaps."""
    agreement = sides_agreement(pred, gold, party_map)
    if agreement is None:
        return None
    issue = text_similarity(pred.issue, gold.issue)
    share = _evidence_share(pred.evidence, gold.evidence)
    if issue < DISPUTE_ISSUE_THRESHOLD and share == 0.0:
        return None
    return (1 - DISPUTE_ISSUE_WEIGHT) * agreement + DISPUTE_ISSUE_WEIGHT * issue + share


def score_digest_disputes(pred: StoryDigest, gold: StoryDigest,
                          party_map: DigestPartyMap) -> FieldScore:
    """Dispute F1: predicted disputes matched one-to-one to gold disputes."""
    return field_score(pred.disputes, gold.disputes,
                       lambda p, g: digest_dispute_similarity(p, g, party_map))


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_KINDS


def discrepancy_similarity(pred: Discrepancy, gold: Discrepancy) -> float | None:
    """Discrepancies match when their kinds are compatible and the predicted versions'
    evidence overlaps the gold versions' evidence in at least
    :data:`DISCREPANCY_MIN_ARTICLES` articles; the score counts those articles (plus 0.5 for
    the same kind and the similarity of ``about``)."""
    if not kinds_compatible(pred.kind, gold.kind):
        return None
    shared = overlapping_articles([e for v in pred.versions for e in v.evidence],
                                  [e for v in gold.versions for e in v.evidence])
    if len(shared) < DISCREPANCY_MIN_ARTICLES:
        return None
    return (len(shared) + (0.5 if pred.kind == gold.kind else 0.0)
            + text_similarity(pred.about, gold.about))


def score_discrepancies(pred: StoryDigest, gold: StoryDigest) -> FieldScore:
    """Discrepancy P/R/F1: predicted discrepancies matched one-to-one to gold ones."""
    return field_score(pred.discrepancies, gold.discrepancies, discrepancy_similarity)


# --- the report's alignment ---------------------------------------------------------------------
def item_label(field: str, item: Any) -> str:
    """A short label of a digest item, for the report."""
    if field == "parties":
        return str(item.name)
    if field == "positions":
        return f"{item.party} on {item.topic}: {item.stance} ({item.polarity})"
    if field == "timeline":
        return f"{item.value or '(undated)'} {item.event}"
    if field == "disputes":
        return " vs ".join("+".join(side) for side in item.sides) + f": {item.issue}"
    if field == "discrepancies":
        return f"{item.kind}: {item.about}"
    raise ValueError(f"unknown digest field {field!r}")


def item_alignment(field: str, score: FieldScore, pred_items: Sequence[Any],
                   gold_items: Sequence[Any]) -> list[ItemAlignment]:
    """One row per matched pair, missed gold item, unfound optional gold item and extra
    prediction of one field."""
    rows = [ItemAlignment(field=field, pred=i, gold=j,
                          pred_label=item_label(field, pred_items[i]),
                          gold_label=item_label(field, gold_items[j]),
                          required=_required(gold_items[j]), outcome="matched")
            for i, j in score.matches]
    matched_gold = {j for _, j in score.matches}
    for j, g in enumerate(gold_items):
        if j not in matched_gold:
            rows.append(ItemAlignment(
                field=field, gold=j, gold_label=item_label(field, g), required=_required(g),
                outcome="missed" if _required(g) else "optional (not found)"))
    rows += [ItemAlignment(field=field, pred=i, pred_label=item_label(field, pred_items[i]),
                           outcome="extra") for i in score.false_positives]
    return rows


# --- one story, and a suite ---------------------------------------------------------------------
def score_digest(pred: StoryDigest, gold: StoryDigest) -> DigestScores:
    """Every figure of ``pred`` against ``gold`` (a :class:`GoldStoryDigest`, or any
    :class:`StoryDigest`: items without ``required`` are required)."""
    alignment = align_mentions(pred, gold)
    parties = score_digest_parties(pred, gold, alignment)
    party_map = DigestPartyMap(pred, gold, parties, alignment)
    events = score_events(pred, gold)
    tau, order_n = order_agreement(events.matches)
    positions = score_digest_positions(pred, gold, party_map)
    disputes = score_digest_disputes(pred, gold, party_map)
    discrepancies = score_discrepancies(pred, gold)
    fields = [("parties", parties, pred.parties, gold.parties),
              ("timeline", events, pred.timeline, gold.timeline),
              ("positions", positions, pred.positions, gold.positions),
              ("disputes", disputes, pred.disputes, gold.disputes),
              ("discrepancies", discrepancies, pred.discrepancies, gold.discrepancies)]
    return DigestScores(
        party_unification=unification_score(alignment, gold), mentions=alignment,
        missed_mentions=missed_mentions(alignment, gold), parties=parties, events=events,
        kendall_tau=tau, order_pairs=order_n, occasions=merged_occasions(pred, gold),
        positions=positions, merge=merge_score(pred, gold, positions.matches),
        disputes=disputes, discrepancies=discrepancies,
        items=[row for f in fields for row in item_alignment(*f)])


def aggregate_digest_scores(scores: Sequence[DigestScores | None]) -> dict[str, float | None]:
    """Mean of every figure over stories (``None`` = the story failed).

    A failed story counts 0.0 for each P/R/F1 figure (a failure must cost something, as in
    :func:`evals.metrics.aggregate_scores`); Kendall tau and merge F1 are means over the
    stories where they are defined (None if none). Also ``order_pairs``, ``occasion_pairs``
    and ``occasions_merged`` summed over the scored stories.
    """
    valid = [s for s in scores if s is not None]
    out: dict[str, float | None] = {}
    for name in FIGURES:
        if name in _UNDEFINED_WHEN_EMPTY:
            values = [v for s in valid if (v := s.figures()[name]) is not None]
        else:
            values = [(s.figures()[name] or 0.0) if s is not None else 0.0 for s in scores]
        out[name] = fmean(values) if values else None
    out["order_pairs"] = float(sum(s.order_pairs for s in valid))
    out["occasion_pairs"] = float(sum(len(s.occasions) for s in valid))
    out["occasions_merged"] = float(sum(s.occasions_merged for s in valid))
    return out


__all__ = [
    "COMPATIBLE_KINDS",
    "DISCREPANCY_MIN_ARTICLES",
    "EVENT_THRESHOLD",
    "FIGURES",
    "DigestPartyMap",
    "DigestScores",
    "GoldMention",
    "ItemAlignment",
    "MentionAlignment",
    "OccasionPair",
    "PairScore",
    "aggregate_digest_scores",
    "align_mentions",
    "dates_compatible",
    "digest_dispute_similarity",
    "digest_party_similarity",
    "digest_position_similarity",
    "discrepancy_similarity",
    "event_parties",
    "event_similarity",
    "item_alignment",
    "item_label",
    "kinds_compatible",
    "mention_similarity",
    "merge_score",
    "merged_occasions",
    "missed_mentions",
    "name_runs",
    "occasion_pairs",
    "order_agreement",
    "pair_score",
    "prf",
    "score_digest",
    "score_digest_disputes",
    "score_digest_parties",
    "score_digest_positions",
    "score_discrepancies",
    "score_events",
    "unification_score",
]
