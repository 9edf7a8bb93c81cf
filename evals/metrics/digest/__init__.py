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

The figures live one module per figure: ``parties`` (unification, party F1), ``events``
(the timeline), ``positions``, ``disputes``, ``discrepancies``, and ``aggregate`` (one
story's :class:`DigestScores` and the mean over a suite); ``common`` holds what they share.
"""

from evals.metrics.digest.aggregate import (
    FIGURES,
    DigestScores,
    ItemAlignment,
    aggregate_digest_scores,
    item_alignment,
    item_label,
    score_digest,
)
from evals.metrics.digest.common import PairScore, pair_score, prf
from evals.metrics.digest.discrepancies import (
    COMPATIBLE_KINDS,
    DISCREPANCY_MIN_ARTICLES,
    discrepancy_similarity,
    kinds_compatible,
    score_discrepancies,
)
from evals.metrics.digest.disputes import digest_dispute_similarity, score_digest_disputes
from evals.metrics.digest.events import (
    EVENT_THRESHOLD,
    OccasionPair,
    dates_compatible,
    event_parties,
    event_similarity,
    merged_occasions,
    name_runs,
    occasion_pairs,
    order_agreement,
    score_events,
)
from evals.metrics.digest.parties import (
    DigestPartyMap,
    GoldMention,
    MentionAlignment,
    align_mentions,
    digest_party_similarity,
    mention_similarity,
    missed_mentions,
    score_digest_parties,
    unification_score,
)
from evals.metrics.digest.positions import (
    digest_position_similarity,
    merge_score,
    score_digest_positions,
)

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
