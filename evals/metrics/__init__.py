"""Deterministic metrics: how well a predicted summary matches the hand-written gold.

One small module per field (``parties``, ``positions``, ``dates``, ``disputes``), one for
grounding, the one-to-one matching they share, and the per-article and suite figures
(``article``); a story digest's figures (``digest``) reuse them, with evidence overlap
(``evidence``). Gold is read only through ``getattr(item, "required", True)``, so any plain
``ArticleSummary`` can serve as gold. ``import deepeval`` stays out of this package's
import (it takes seconds); the deepeval adapters and the LLM judge are imported by name.
"""

from evals.metrics.article import (
    FIELDS,
    ArticleScores,
    aggregate_scores,
    describe_item,
    score_article,
)
from evals.metrics.dates import DATE_TEXT_THRESHOLD, date_similarity, score_dates
from evals.metrics.digest import (
    DigestScores,
    aggregate_digest_scores,
    score_digest,
)
from evals.metrics.disputes import (
    DISPUTE_ISSUE_THRESHOLD,
    DISPUTE_ISSUE_WEIGHT,
    dispute_similarity,
    score_disputes,
)
from evals.metrics.grounding import grounding_rate
from evals.metrics.matching import FieldScore, field_score, optimal_pairs
from evals.metrics.parties import PartyMap, party_similarity, resolve_party, score_parties
from evals.metrics.positions import (
    POSITION_THRESHOLD,
    polarity_counts,
    position_similarity,
    score_positions,
)
from evals.metrics.similarity import text_similarity

__all__ = [
    "DATE_TEXT_THRESHOLD",
    "DISPUTE_ISSUE_THRESHOLD",
    "DISPUTE_ISSUE_WEIGHT",
    "FIELDS",
    "POSITION_THRESHOLD",
    "ArticleScores",
    "DigestScores",
    "FieldScore",
    "PartyMap",
    "aggregate_digest_scores",
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
    "score_digest",
    "score_disputes",
    "score_parties",
    "score_positions",
    "text_similarity",
]
