"""Comparing runs: metric rows, runs reduced to per-article values, the gate, baselines."""

from evals.compare.baseline import (
    Baseline,
    assert_no_regression,
    bless,
    check_against_baseline,
    load_baseline,
    table_from_baseline,
)
from evals.compare.comparison import (
    FEW_ARTICLES,
    Comparison,
    MetricCell,
    MetricRow,
    compare_runs,
    compare_tables,
)
from evals.compare.specs import FIELD_METRICS, METRIC_KEYS, METRICS, MetricSpec, metric_label
from evals.compare.tables import (
    RunInfo,
    RunTable,
    record_tokens,
    record_values,
    table_from_run,
    weights_hash,
)
from evals.errors import BaselineError, CompareError, SuiteMismatchError

__all__ = [
    "FEW_ARTICLES",
    "FIELD_METRICS",
    "METRICS",
    "METRIC_KEYS",
    "Baseline",
    "BaselineError",
    "CompareError",
    "Comparison",
    "MetricCell",
    "MetricRow",
    "MetricSpec",
    "RunInfo",
    "RunTable",
    "SuiteMismatchError",
    "assert_no_regression",
    "bless",
    "check_against_baseline",
    "compare_runs",
    "compare_tables",
    "load_baseline",
    "metric_label",
    "record_tokens",
    "record_values",
    "table_from_baseline",
    "table_from_run",
    "weights_hash",
]
