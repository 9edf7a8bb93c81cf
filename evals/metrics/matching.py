"""One-to-one matching of predicted to gold items, and the P/R/F1 that follow from it.

Why one-to-one: a model listing "Orban", "Viktor Orban" and "Mr. Orbán" would otherwise earn
three true positives for one gold party; matched one-to-one, the duplicates are false
positives, which is what they cost a reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field
from scipy.optimize import linear_sum_assignment


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


#: Added to the similarity of a pair with *required* gold: between matchings of equal size and
#: equal similarity, the one that finds required items wins (finding an optional item instead
#: raises the recall base). Small enough never to outweigh a real difference in similarity.
_REQUIRED_TIE_BREAK = 1e-6


def optimal_pairs(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """One-to-one pairs of rows (predictions) and columns (gold) from a similarity matrix.

    ``None`` marks a pair that may not match. Among all one-to-one matchings of allowed
    pairs this returns one with the most pairs and, among those, the highest total
    similarity: ``scipy.optimize.linear_sum_assignment`` on ``-(big + weight)``, ``big``
    larger than any total weight so that the count always wins. Optimal rather than greedy
    because F1 depends on the count: greedy could give "Orban" to the gold party it
    resembles most and leave a second gold party only it could have matched. Pairs come
    sorted by prediction index.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return []
    allowed = np.array([[w is not None for w in row] for row in weights], dtype=bool)
    if not allowed.any():
        return []
    values = np.array([[0.0 if w is None else float(w) for w in row] for row in weights])
    big = (2 * float(np.abs(values[allowed]).max()) + 1.0) * (max(n, m) + 1)
    cost = np.where(allowed, -(big + values), 0.0)
    rows, cols = linear_sum_assignment(cost)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if allowed[i, j])


def field_score(
    pred_items: Sequence[Any],
    gold_items: Sequence[Any],
    similarity: Callable[[Any, Any], float | None],
) -> FieldScore:
    """Match one field one-to-one and compute its precision, recall and F1.

    ``similarity(pred, gold)`` returns None when the pair may not match, else a score used
    to choose among candidates (see :func:`optimal_pairs`).

    - Ties between matchings of equal size and similarity go to required gold.
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
    required = [bool(getattr(g, "required", True)) for g in gold_items]
    weights = [
        [
            None if (w := similarity(p, g)) is None else w + (_REQUIRED_TIE_BREAK if req else 0.0)
            for g, req in zip(gold_items, required, strict=True)
        ]
        for p in pred_items
    ]
    matches = optimal_pairs(weights)
    matched_pred = {i for i, _ in matches}
    matched_gold = {j for _, j in matches}
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
        tp=tp,
        fp=len(false_positives),
        fn=len(missed),
        precision=precision,
        recall=recall,
        f1=f1,
        matches=matches,
        missed=missed,
        false_positives=false_positives,
    )
