"""The rows of a comparison: what each metric measures, how it is aggregated and judged.

Quality metrics are means over articles and can regress; cost metrics (seconds, tokens) are
medians, so a few very slow articles do not hide the typical cost, and are never gated.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from evals.stats import Statistic

FIELD_METRICS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")


class MetricSpec(BaseModel):
    """One row of the comparison: what it measures and how it is aggregated and judged."""

    key: str
    label: str
    kind: Literal["quality", "cost"]
    higher_is_better: bool
    statistic: Statistic
    unit: Literal["score", "rate", "seconds", "tokens"]


METRICS: tuple[MetricSpec, ...] = (
    *(
        MetricSpec(
            key=f,
            label=f"{f} F1",
            kind="quality",
            higher_is_better=True,
            statistic="mean",
            unit="score",
        )
        for f in FIELD_METRICS
    ),
    MetricSpec(
        key="macro_f1",
        label="macro F1",
        kind="quality",
        higher_is_better=True,
        statistic="mean",
        unit="score",
    ),
    MetricSpec(
        key="grounding_rate",
        label="grounding rate",
        kind="quality",
        higher_is_better=True,
        statistic="mean",
        unit="rate",
    ),
    MetricSpec(
        key="validity_rate",
        label="validity rate",
        kind="quality",
        higher_is_better=True,
        statistic="mean",
        unit="rate",
    ),
    MetricSpec(
        key="latency_s",
        label="median latency (s)",
        kind="cost",
        higher_is_better=False,
        statistic="median",
        unit="seconds",
    ),
    MetricSpec(
        key="tokens",
        label="median tokens",
        kind="cost",
        higher_is_better=False,
        statistic="median",
        unit="tokens",
    ),
)

METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)


def metric_label(key: str) -> str:
    """The label a table prints for metric ``key`` ("positions F1", "macro F1")."""
    return next(m.label for m in METRICS if m.key == key)


__all__ = ["FIELD_METRICS", "METRICS", "METRIC_KEYS", "MetricSpec", "metric_label"]
