"""Hand-written gold: the yardstick every quality number is measured against.

This package holds the seed gold files (``<seed stem>.json``) beside its code: the shapes
(:mod:`.shapes`), the loader that checks a file against its article (:mod:`.loader`) and
the suite loader and hash (:mod:`.suite`).
"""

from evals.errors import GoldError
from evals.gold.loader import ROOT_ITEM, load_gold, load_gold_bytes
from evals.gold.shapes import (
    ITEM_FIELDS,
    GoldCase,
    GoldDateRef,
    GoldDispute,
    GoldParty,
    GoldPosition,
    GoldSummary,
)
from evals.gold.suite import default_suite, load_suite, suite_hash

__all__ = [
    "ITEM_FIELDS",
    "ROOT_ITEM",
    "GoldCase",
    "GoldDateRef",
    "GoldDispute",
    "GoldError",
    "GoldParty",
    "GoldPosition",
    "GoldSummary",
    "default_suite",
    "load_gold",
    "load_gold_bytes",
    "load_suite",
    "suite_hash",
]
