"""The one bootstrap: intervals of a run's figure, and paired intervals of a difference.

Why paired: every run scores the same articles, and articles differ far more from each
other than two prompts differ on one article. Drawing the *same* articles for both runs
cancels that spread, so a real change of a few points shows with tens of articles. Why two
levels: each run's repeats of a drawn article are drawn again, so the variation of a
sampling temperature is part of the uncertainty. numpy, seeded: the same inputs and seed
give the same interval on every machine.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

Statistic = Literal["mean", "median"]
CONFIDENCE = 0.95
_EPS = 1e-12
_CHUNK = 250  # replicates per block: bounds memory for large suites


def _reduce(statistic: Statistic) -> Any:
    return np.mean if statistic == "mean" else np.median


def _check_paired(
    reference: Sequence[Sequence[float]], candidate: Sequence[Sequence[float]], n_boot: int
) -> None:
    if len(reference) != len(candidate):
        raise ValueError("paired samples need the same number of articles")
    if not reference:
        raise ValueError("no article to compare")
    if any(not r for r in reference) or any(not c for c in candidate):
        raise ValueError("every article needs at least one value on both sides")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")


def paired_bootstrap(
    reference: Sequence[Sequence[float]],
    candidate: Sequence[Sequence[float]],
    *,
    statistic: Statistic = "mean",
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float, float]:
    """``(delta, low, high)`` of ``stat(candidate) - stat(reference)`` over articles.

    ``reference[i]`` and ``candidate[i]`` are the per-repeat values of article ``i``. The
    point estimate uses each article's mean over its repeats; the interval is the
    percentile interval of the two-level paired bootstrap, widened if needed to contain the
    point estimate (a percentile interval of a median can miss it on tiny samples).
    """
    _check_paired(reference, candidate, n_boot)
    stat = statistics.fmean if statistic == "mean" else statistics.median
    delta = stat([statistics.fmean(c) for c in candidate]) - stat(
        [statistics.fmean(r) for r in reference]
    )
    diffs = _paired_replicates(reference, candidate, statistic, n_boot, seed)
    alpha = (1.0 - confidence) / 2
    lo, hi = (float(q) for q in np.quantile(diffs, [alpha, 1 - alpha]))
    # float noise: identical runs must give an interval that contains exactly 0
    lo, hi = (0.0 if abs(lo) < _EPS else lo), (0.0 if abs(hi) < _EPS else hi)
    return delta, min(lo, delta), max(hi, delta)


def value_interval(
    values: Sequence[Sequence[float]],
    *,
    statistic: Statistic = "mean",
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of one run's statistic over its articles (each
    article's mean over repeats): how well the figure itself is known."""
    rng = np.random.default_rng(seed)
    data = np.array([statistics.fmean(v) for v in values])
    idx = rng.integers(0, len(data), size=(n_boot, len(data)))
    draws = _reduce(statistic)(data[idx], axis=1)
    alpha = (1.0 - confidence) / 2
    lo, hi = np.quantile(draws, [alpha, 1 - alpha])
    return float(lo), float(hi)


def derive_seed(seed: int, metric_index: int, run_index: int) -> int:
    """A distinct, reproducible stream per (metric, run): a result does not depend on which
    other metrics or runs were compared alongside it."""
    return (seed * 1_000_003 + metric_index * 7919 + run_index * 104_729) % (2**32)


def _paired_replicates(
    reference: Sequence[Sequence[float]],
    candidate: Sequence[Sequence[float]],
    statistic: Statistic,
    n_boot: int,
    seed: int,
) -> Any:
    rng = np.random.default_rng(seed)
    n = len(reference)

    def padded(rows: Sequence[Sequence[float]]) -> tuple[Any, Any]:
        width = max(len(r) for r in rows)
        mat = np.zeros((n, width))
        for i, r in enumerate(rows):
            mat[i, : len(r)] = r
        return mat, np.array([len(r) for r in rows])

    ref_m, ref_n = padded(reference)
    can_m, can_n = padded(candidate)
    reduce = _reduce(statistic)

    def article_means(mat: Any, counts: Any, idx: Any) -> Any:
        if mat.shape[1] == 1:
            return mat[idx, 0]
        width = mat.shape[1]
        c = counts[idx][..., None]  # (b, n, 1)
        j = np.floor(rng.random((*idx.shape, width)) * c).astype(np.int64)
        vals = mat[idx[..., None], j]
        mask = np.arange(width) < c
        return (vals * mask).sum(axis=-1) / counts[idx]

    blocks: list[Any] = []
    done = 0
    while done < n_boot:
        size = min(_CHUNK, n_boot - done)
        idx = rng.integers(0, n, size=(size, n))
        a = article_means(ref_m, ref_n, idx)
        b = article_means(can_m, can_n, idx)
        blocks.append(reduce(b, axis=1) - reduce(a, axis=1))
        done += size
    return np.concatenate(blocks)


__all__ = [
    "CONFIDENCE",
    "Statistic",
    "derive_seed",
    "paired_bootstrap",
    "value_interval",
]
