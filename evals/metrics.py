"""Deterministic metrics: how well a predicted summary matches the hand-written gold.

Every score here is reproducible without a model, so it can gate a change in CI. For each
field (parties, positions, dates, disputes) a prediction item is paired with at most one gold
item and a gold item with at most one prediction (one-to-one), then precision, recall and F1
are computed from the pairs. The matching rule of each field is stated in the docstring of the
function that builds its candidate pairs; the thresholds are module constants so that a
report can quote them.

Gold may come from ``evals.gold`` (subclasses of the schema items with ``required: bool``) or
be any plain :class:`ArticleSummary`; this module only reads ``getattr(item, "required",
True)`` and never imports the gold module, so plain summaries can serve as gold in tests.

Why one-to-one: without it, a model that lists "Orban", "Viktor Orban" and "Mr. Orbán" as
three parties would earn three true positives for one gold party. With it, the
duplicates are false positives, which is what they cost a reader.

``import deepeval`` stays out of this module on purpose: it takes seconds, and the harness
and its tests score thousands of pairs without it (see ``evals.deepeval_metrics``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from statistics import fmean
from typing import Any

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from summarize.core.names import fold_name, fold_text, same_name
from summarize.core.schema import (
    ArticleSummary,
    DateRef,
    Dispute,
    Party,
    Position,
    check_iso_partial,
    iter_evidence,
)

FIELDS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")

#: A predicted position matches a gold one (same party) when its topic/stance similarity
#: (:func:`position_similarity`) reaches this: half the content words shared, e.g.
#: "ceasefire in Ukraine" ~ "peace in Ukraine", or "sanctions against Russia" ~ "EU help for
#: Ukraine and sanctions on Russia".
POSITION_THRESHOLD = 0.5
#: A gold date without an ISO value matches a prediction whose ``text`` is this similar:
#: "on Monday" ~ "Monday", "earlier this week" ~ "this week", not "last week" ~ "last month".
DATE_TEXT_THRESHOLD = 0.6
#: A dispute whose sides match still needs its issue this similar: a lower bar than for
#: positions because the opposing parties carry most of the identity of a dispute; the issue
#: only has to share a word ("Orban's peace mission" ~ "Orban's approach to the war").
DISPUTE_ISSUE_THRESHOLD = 0.25
#: Weight of the issue (versus the sides) in the dispute similarity used to choose between
#: several candidate pairs.
DISPUTE_ISSUE_WEIGHT = 0.3

# Function words removed before comparison: unrelated phrases share them ("calls for the
# ...") and would look similar.
_STOPWORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from",
    "as", "about", "over", "into", "against", "between", "its", "their", "his", "her", "it", "is",
    "are", "was", "were", "be", "been", "that", "this", "these", "those", "than",
})
_SAME_WORD_RATIO = 85.0
_MIN_STEM = 4
_STEM_SHARE = 0.75


# --- result shapes --------------------------------------------------------------------------
class FieldScore(BaseModel):
    """Precision, recall and F1 of one field of one article, with the pairs behind them.

    ``matches`` are (prediction index, gold index) pairs; ``missed`` lists required gold items
    no prediction matched (unmatched optional gold is neither missed nor counted);
    ``false_positives`` lists predictions that matched nothing.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    matches: list[tuple[int, int]] = Field(default_factory=list)
    missed: list[int] = Field(default_factory=list)
    false_positives: list[int] = Field(default_factory=list)


class ArticleScores(BaseModel):
    """All deterministic scores of one prediction against its gold.

    ``polarity_accuracy`` is the share of matched position pairs whose polarity agrees (None
    when no position matched: there is nothing to be right or wrong about);
    ``polarity_correct`` / ``polarity_pairs`` are its counts, kept so a suite can pool them.
    ``macro_f1`` is the unweighted mean of the four field F1 scores.
    """

    parties: FieldScore
    positions: FieldScore
    dates: FieldScore
    disputes: FieldScore
    polarity_accuracy: float | None = None
    polarity_correct: int = 0
    polarity_pairs: int = 0
    macro_f1: float
    grounding_rate: float


# --- text and name similarity ---------------------------------------------------------------
def text_similarity(a: str, b: str) -> float:
    """Word-overlap similarity of two short phrases in [0, 1] (a soft Dice coefficient).

    Both phrases are folded (case, diacritics, punctuation ignored) and reduced to their set
    of content words (function words and single letters dropped). A word counts as shared
    when the other phrase has the same word, or one sharing a prefix of at least 4 letters
    and 75% of the shorter word (inflections and derived forms: "sanction" / "sanctions",
    "negotiate" / "negotiations", "Hungary" / "Hungarian", "China" / "Chinese"), or one
    with ``rapidfuzz.fuzz.ratio`` >= 85 (spelling variants: "defence" / "defense"); the
    prefix rule also admits the odd false friend ("state" / "statement"). The score is
    (shared words of a + shared words of b) / (words of a + words of b): 1.0 for the same
    words in any order, 0.5 when two two-word phrases share one word, 0.0 when nothing is
    shared.

    Why not ``fuzz.token_set_ratio``: it is character-based and scores a phrase against
    the words both share, so on the seed gold "cessation of hostilities in Ukraine" vs
    "Ukraine's accession to the EU" scored 0.71 and "ceasefire in Ukraine" vs "Ukraine's
    accession to the EU" 0.67 -- above any threshold that still accepts real paraphrases.
    With this rule they score 0.33 and 0.40. Synonyms ("ceasefire" / "truce") are out of
    reach of any lexical rule; the matching is deliberately conservative rather than lucky.
    Two phrases without content words are equal only if their folded texts are.
    """
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return 1.0 if fold_text(a) == fold_text(b) else 0.0
    shared_a = sum(1 for x in wa if any(_same_word(x, y) for y in wb))
    shared_b = sum(1 for y in wb if any(_same_word(x, y) for x in wa))
    return (shared_a + shared_b) / (len(wa) + len(wb))


def _same_word(x: str, y: str) -> bool:
    if x == y:
        return True
    shorter = min(len(x), len(y))
    prefix = next((i for i in range(shorter) if x[i] != y[i]), shorter)
    if prefix >= _MIN_STEM and prefix >= _STEM_SHARE * shorter:
        return True
    return fuzz.ratio(x, y) >= _SAME_WORD_RATIO


def _content_words(text: str) -> set[str]:
    return {
        w for w in fold_text(text).split()
        if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())
    }


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


# --- one-to-one matching --------------------------------------------------------------------
def optimal_pairs(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """One-to-one pairs of rows (predictions) and columns (gold) from a similarity matrix.

    ``None`` marks a pair that is not allowed to match. Among all one-to-one matchings of
    allowed pairs this returns one with the most pairs and, among those, the highest total
    similarity (Hungarian algorithm on ``-(big + weight)``, with ``big`` larger than any
    total weight so that the count always wins). Optimal rather than greedy because F1
    depends on the count: greedy could give "Orban" to the gold party it resembles most
    and leave a second gold party that only it could have matched. Pairs come sorted by
    prediction index.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return []
    allowed = [(i, j) for i in range(n) for j in range(m) if weights[i][j] is not None]
    if not allowed:
        return []
    size = max(n, m)
    top = max(abs(float(weights[i][j])) for i, j in allowed)  # type: ignore[arg-type]
    big = (2 * top + 1.0) * (size + 1)
    cost = [[0.0] * size for _ in range(size)]
    for i, j in allowed:
        cost[i][j] = -(big + float(weights[i][j]))  # type: ignore[arg-type]
    assignment = _hungarian(cost)
    return sorted((i, j) for i, j in enumerate(assignment) if i < n and j < m
                  and weights[i][j] is not None)


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment on a square matrix: ``result[row] = column`` (O(n^3))."""
    size = len(cost)
    inf = float("inf")
    u = [0.0] * (size + 1)
    v = [0.0] * (size + 1)
    owner = [0] * (size + 1)  # owner[column] = row (1-based), 0 = free
    way = [0] * (size + 1)
    for row in range(1, size + 1):
        owner[0] = row
        col0 = 0
        minv = [inf] * (size + 1)
        used = [False] * (size + 1)
        while True:
            used[col0] = True
            row0 = owner[col0]
            delta = inf
            col1 = 0
            for col in range(1, size + 1):
                if used[col]:
                    continue
                cur = cost[row0 - 1][col - 1] - u[row0] - v[col]
                if cur < minv[col]:
                    minv[col] = cur
                    way[col] = col0
                if minv[col] < delta:
                    delta = minv[col]
                    col1 = col
            for col in range(size + 1):
                if used[col]:
                    u[owner[col]] += delta
                    v[col] -= delta
                else:
                    minv[col] -= delta
            col0 = col1
            if owner[col0] == 0:
                break
        while col0:
            col1 = way[col0]
            owner[col0] = owner[col1]
            col0 = col1
    result = [0] * size
    for col in range(1, size + 1):
        result[owner[col] - 1] = col - 1
    return result


def field_score(
    pred_items: Sequence[Any],
    gold_items: Sequence[Any],
    similarity: Callable[[Any, Any], float | None],
) -> FieldScore:
    """Match one field one-to-one and compute its precision, recall and F1.

    ``similarity(pred, gold)`` returns None when the pair may not match, else a score used
    to choose among candidates (see :func:`optimal_pairs`).

    - TP = matched pairs, whether the gold item is required or optional (finding an
      optional item earns credit); FP = unmatched predictions; FN = unmatched *required*
      gold (missing an optional item costs nothing).
    - P = TP / #predictions; R = TP / (#required gold + #matched optional gold);
      F1 = 2PR / (P + R).
    - Both sides empty (no prediction, nothing required and nothing optional found): P = R =
      F1 = 1.0 -- nothing to find and nothing invented. Exactly one side empty: all three
      are 0.0 -- either nothing was found or everything was invented; a vacuous 1.0 for the
      empty side would flatter an empty or a spurious output in macro-averaged tables.
    """
    weights = [[similarity(p, g) for g in gold_items] for p in pred_items]
    matches = optimal_pairs(weights)
    matched_pred = {i for i, _ in matches}
    matched_gold = {j for _, j in matches}
    required = [bool(getattr(g, "required", True)) for g in gold_items]
    missed = [j for j in range(len(gold_items)) if required[j] and j not in matched_gold]
    false_positives = [i for i in range(len(pred_items)) if i not in matched_pred]
    tp = len(matches)
    n_pred = len(pred_items)
    recall_base = sum(required) + sum(1 for j in matched_gold if not required[j])
    if n_pred == 0 and recall_base == 0:
        precision = recall = f1 = 1.0
    elif n_pred == 0 or recall_base == 0:
        precision = recall = f1 = 0.0
    else:
        precision = tp / n_pred
        recall = tp / recall_base
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FieldScore(
        tp=tp, fp=len(false_positives), fn=len(missed),
        precision=precision, recall=recall, f1=f1,
        matches=matches, missed=missed, false_positives=false_positives,
    )


# --- the four fields ------------------------------------------------------------------------
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


def position_similarity(
    pred: Position, gold: Position, party_map: PartyMap
) -> float | None:
    """Positions match when their parties are the same party (:class:`PartyMap`) and their
    text similarity reaches :data:`POSITION_THRESHOLD`; that similarity is also the score
    among candidates.

    Text similarity is the maximum of :func:`text_similarity` over topic vs topic, stance
    vs stance, and "topic stance" vs "topic stance": a model may name the topic differently
    but state the same stance, or put the gold topic's words in its stance. Polarity is not
    part of the match; it is scored separately on matched pairs (:func:`polarity_counts`).
    """
    if not party_map.same_party(pred.party, gold.party):
        return None
    sim = max(
        text_similarity(pred.topic, gold.topic),
        text_similarity(pred.stance, gold.stance),
        text_similarity(f"{pred.topic} {pred.stance}", f"{gold.topic} {gold.stance}"),
    )
    return sim if sim >= POSITION_THRESHOLD else None


def score_positions(
    pred: ArticleSummary, gold: ArticleSummary, parties: FieldScore | None = None
) -> FieldScore:
    """Positions field score; ``parties`` is the parties score (computed if not given)."""
    party_map = PartyMap(pred, gold, parties or score_parties(pred, gold))
    return field_score(
        pred.positions, gold.positions, lambda p, g: position_similarity(p, g, party_map)
    )


def polarity_counts(
    pred: ArticleSummary, gold: ArticleSummary, positions: FieldScore
) -> tuple[int, int]:
    """(matched position pairs with the same polarity, matched position pairs)."""
    correct = sum(
        1 for i, j in positions.matches
        if pred.positions[i].polarity == gold.positions[j].polarity
    )
    return correct, len(positions.matches)


def _iso_parts(value: str) -> tuple[int, int | None, int | None] | None:
    try:
        return check_iso_partial(value)
    except ValueError:
        return None


def date_similarity(pred: DateRef, gold: DateRef) -> float | None:
    """Dates match by ISO value at the gold's precision.

    - Gold has a value: the prediction must have one that agrees with it on every part the
      gold gives and is not less precise (gold "2024-07" matches "2024-07" and "2024-07-08";
      gold "2024-07-08" does not match "2024-07"). More precise than the gold is accepted:
      the gold keeps what is certain, and a day inside the right month is no contradiction.
    - Gold has a value, prediction has none: no match if the gold item is required (the
      article gave what was needed to resolve it). If it is optional -- per the annotation
      guide, a value that only outside knowledge gives, as for "Monday" in an undated
      article -- a null value is what the guide asks a reader to write, so it matches by
      ``text`` as below.
    - Gold value is null (unresolvable reference): match when the ``text`` is at least
      :data:`DATE_TEXT_THRESHOLD` similar (:func:`text_similarity`), whatever the
      predicted value.

    The event is not a condition; its similarity (plus 0.1 for the identical value) breaks
    ties when several dates share a value.
    """
    bonus = 0.0
    gold_optional = not getattr(gold, "required", True)
    if gold.value is None or (pred.value is None and gold_optional):
        if text_similarity(pred.text, gold.text) < DATE_TEXT_THRESHOLD:
            return None
    else:
        g = _iso_parts(gold.value)
        p = _iso_parts(pred.value) if pred.value is not None else None
        if g is None or p is None:
            return None
        for gp, pp in zip(g, p, strict=True):
            if gp is not None and gp != pp:
                return None
        bonus = 0.1 if pred.value == gold.value else 0.0
    return text_similarity(pred.event, gold.event) + bonus


def score_dates(pred: ArticleSummary, gold: ArticleSummary) -> FieldScore:
    """Dates field score; see :func:`date_similarity` for the rule."""
    return field_score(pred.dates, gold.dates, date_similarity)


def _sides_overlap(pred_side: list[str], gold_side: list[str], party_map: PartyMap) -> bool:
    return any(party_map.same_party(a, b) for a in pred_side for b in gold_side)


def dispute_similarity(
    pred: Dispute, gold: Dispute, party_map: PartyMap
) -> float | None:
    """Disputes match when they set the same parties against each other, on a similar issue.

    Sides: there are two different predicted sides A, B and two different gold sides C, D
    such that A shares a party with C and B shares a party with D (:class:`PartyMap`);
    which side is listed first does not matter. Issue: ``text_similarity(issue, issue)``
    at least :data:`DISPUTE_ISSUE_THRESHOLD`. The score among candidates is
    ``(1 - w) * side agreement + w * issue similarity`` with ``w =``
    :data:`DISPUTE_ISSUE_WEIGHT`, where side agreement is the share of all named parties
    (both disputes) that have a same-party counterpart on the matched side.
    """
    issue = text_similarity(pred.issue, gold.issue)
    if issue < DISPUTE_ISSUE_THRESHOLD:
        return None
    best: float | None = None
    for a, b in itertools.permutations(range(len(pred.sides)), 2):
        for c, d in itertools.permutations(range(len(gold.sides)), 2):
            if not (
                _sides_overlap(pred.sides[a], gold.sides[c], party_map)
                and _sides_overlap(pred.sides[b], gold.sides[d], party_map)
            ):
                continue
            agreement = _side_agreement(pred.sides[a], gold.sides[c], party_map)
            agreement = (agreement + _side_agreement(pred.sides[b], gold.sides[d], party_map)) / 2
            score = (1 - DISPUTE_ISSUE_WEIGHT) * agreement + DISPUTE_ISSUE_WEIGHT * issue
            best = score if best is None else max(best, score)
    return best


def _side_agreement(pred_side: list[str], gold_side: list[str], party_map: PartyMap) -> float:
    hits = sum(1 for a in pred_side if any(party_map.same_party(a, b) for b in gold_side))
    hits += sum(1 for b in gold_side if any(party_map.same_party(a, b) for a in pred_side))
    return hits / (len(pred_side) + len(gold_side))


def score_disputes(
    pred: ArticleSummary, gold: ArticleSummary, parties: FieldScore | None = None
) -> FieldScore:
    """Disputes field score; ``parties`` is the parties score (computed if not given)."""
    party_map = PartyMap(pred, gold, parties or score_parties(pred, gold))
    return field_score(
        pred.disputes, gold.disputes, lambda p, g: dispute_similarity(p, g, party_map)
    )


# --- grounding and the whole article --------------------------------------------------------
def grounding_rate(pred: ArticleSummary, text: str) -> float:
    """Share of the prediction's evidence quotes with ``text[start:end] == quote`` exactly.

    ``text`` must be the exact string the offsets refer to (no normalisation here: a user
    highlights spans in that string). A prediction with no evidence at all scores 1.0:
    every item must carry evidence, so no evidence means no items, nothing was misquoted,
    and the empty output is already paid for by recall.
    """
    quotes = iter_evidence(pred)
    if not quotes:
        return 1.0
    ok = sum(1 for _, _, ev in quotes if text[ev.start : ev.end] == ev.quote)
    return ok / len(quotes)


def score_article(pred: ArticleSummary, gold: ArticleSummary, text: str) -> ArticleScores:
    """All deterministic scores of ``pred`` against ``gold`` for the article ``text``.

    Parties are matched first; positions and disputes reuse that matching to decide whether
    two party names denote the same party.
    """
    parties = score_parties(pred, gold)
    positions = score_positions(pred, gold, parties)
    dates = score_dates(pred, gold)
    disputes = score_disputes(pred, gold, parties)
    correct, pairs = polarity_counts(pred, gold, positions)
    return ArticleScores(
        parties=parties,
        positions=positions,
        dates=dates,
        disputes=disputes,
        polarity_accuracy=correct / pairs if pairs else None,
        polarity_correct=correct,
        polarity_pairs=pairs,
        macro_f1=fmean([parties.f1, positions.f1, dates.f1, disputes.f1]),
        grounding_rate=grounding_rate(pred, text),
    )


def describe_item(field: str, item: Any) -> str:
    """A short human label of an item, for reasons and reports ("Viktor Orban",
    "Viktor Orban on ceasefire in Ukraine", "2024-07-08 (meeting in Beijing)")."""
    if field == "parties":
        return str(item.name)
    if field == "positions":
        return f"{item.party} on {item.topic} ({item.polarity})"
    if field == "dates":
        return f"{item.value or item.text!r} ({item.event})"
    if field == "disputes":
        sides = " vs ".join("+".join(side) for side in item.sides)
        return f"{sides}: {item.issue}"
    raise ValueError(f"unknown field {field!r}; expected one of {FIELDS}")


# --- a suite --------------------------------------------------------------------------------
def aggregate_scores(scores: Sequence[ArticleScores | None]) -> dict[str, Any]:
    """Suite-level figures from per-article scores (``None`` = the article failed).

    - ``fields[f]``: ``precision``/``recall``/``f1`` are means over *all* articles (macro),
      a failed article counting 0.0 for each: a failure must cost something, or a model
      that crashes on hard articles would look better than one that tries. ``tp``/``fp``/
      ``fn`` are sums over the articles that produced a prediction (a failure has no items
      to count).
    - ``macro_f1``: mean over all articles of the per-article macro F1 (failures 0.0).
    - ``polarity_accuracy``: pooled over matched position pairs of all valid articles
      (correct / pairs), since a pair is the unit being judged; None if no pair matched.
    - ``grounding_rate``: mean over valid articles (a failure quotes nothing; validity
      already counts it); None if none is valid.
    - ``validity_rate``: share of articles that produced a prediction.

    The keys match :class:`evals.records.RunAggregate` (plus ``n_articles``/``n_valid``).
    An empty list gives no field figures and None for the means.
    """
    n = len(scores)
    valid = [s for s in scores if s is not None]
    if n == 0:
        return {
            "fields": {}, "macro_f1": None, "polarity_accuracy": None,
            "grounding_rate": None, "validity_rate": 0.0, "n_articles": 0, "n_valid": 0,
        }
    fields: dict[str, dict[str, float | int]] = {}
    for field in FIELDS:
        per = [getattr(s, field) if s is not None else None for s in scores]
        fields[field] = {
            "precision": fmean([f.precision if f else 0.0 for f in per]),
            "recall": fmean([f.recall if f else 0.0 for f in per]),
            "f1": fmean([f.f1 if f else 0.0 for f in per]),
            "tp": sum(f.tp for f in per if f),
            "fp": sum(f.fp for f in per if f),
            "fn": sum(f.fn for f in per if f),
        }
    pairs = sum(s.polarity_pairs for s in valid)
    correct = sum(s.polarity_correct for s in valid)
    return {
        "fields": fields,
        "macro_f1": fmean([s.macro_f1 if s is not None else 0.0 for s in scores]),
        "polarity_accuracy": correct / pairs if pairs else None,
        "grounding_rate": fmean([s.grounding_rate for s in valid]) if valid else None,
        "validity_rate": len(valid) / n,
        "n_articles": n,
        "n_valid": len(valid),
    }


__all__ = [
    "DATE_TEXT_THRESHOLD",
    "DISPUTE_ISSUE_THRESHOLD",
    "DISPUTE_ISSUE_WEIGHT",
    "FIELDS",
    "POSITION_THRESHOLD",
    "ArticleScores",
    "FieldScore",
    "PartyMap",
    "aggregate_scores",
    "date_similarity",
    "describe_item",
    "dispute_similarity",
    "field_score",
    "grounding_rate",
    "optimal_pairs",
    "party_similarity",
    "polarity_counts",
    "position_similarity",
    "resolve_party",
    "score_article",
    "score_dates",
    "score_disputes",
    "score_parties",
    "score_positions",
    "text_similarity",
]
