"""The LangExtract -> ArticleSummary conversion of ``benchmarks/bench_peers.py``, no model.

The peer benchmark is only fair if LangExtract's answer is scored by the same metrics as the
project's: these tests pin how its extractions become parties, positions, dates and
disputes, and that an extraction LangExtract could not align counts as ungrounded.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from evals.metrics import grounding_rate
from summarize.core.schema import iter_evidence
from tests.helpers.paths import ROOT

BENCH = ROOT / "benchmarks" / "bench_peers.py"
TEXT = (
    "Union leader Marta Quill said on 3 May 2021 that the pay offer of Kestrel Shipping "
    "was an insult. Quill and Kestrel Shipping have argued about pay for a year."
)


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_peers", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_peers"] = module
    spec.loader.exec_module(module)
    return module


def extraction(
    cls: str, words: str, attributes: dict[str, str], aligned: bool = True
) -> dict[str, object]:
    start = TEXT.find(words)
    assert start >= 0 or not aligned
    return {
        "extraction_class": cls,
        "extraction_text": words,
        "attributes": attributes,
        "char_interval": {"start_pos": start, "end_pos": start + len(words)} if aligned else None,
    }


def test_extractions_become_a_grounded_summary(bench: ModuleType) -> None:
    summary, dropped = bench.langextract_to_summary(
        [
            extraction("party", "Marta Quill", {"kind": "person", "role": "union leader"}),
            extraction("date", "3 May 2021", {"value": "2021-05-03", "event": "offer rejected"}),
            extraction("party", "Kestrel Shipping", {"kind": "company"}),
            extraction(
                "position",
                "the pay offer of Kestrel Shipping was an insult",
                {
                    "party": "Quill",
                    "topic": "pay offer",
                    "stance": "an insult",
                    "polarity": "oppose",
                },
            ),
            extraction("party", "Quill", {"kind": "person"}),
            extraction(
                "dispute",
                "have argued about pay for a year",
                {"side_a": "Marta Quill", "side_b": "Kestrel Shipping", "issue": "pay"},
            ),
        ],
        TEXT,
    )
    assert dropped == 0
    assert [p.name for p in summary.parties] == ["Marta Quill", "Kestrel Shipping"]
    assert summary.parties[0].kind == "person" and summary.parties[1].kind == "organization"
    assert summary.parties[0].aliases == ["Quill"] and len(summary.parties[0].evidence) == 2
    assert summary.positions[0].party == "Marta Quill"
    assert summary.positions[0].polarity == "oppose"
    assert summary.dates[0].value == "2021-05-03" and summary.dates[0].text == "3 May 2021"
    assert summary.disputes[0].sides == [["Marta Quill"], ["Kestrel Shipping"]]
    for _field, _i, ev in iter_evidence(summary):
        # short spans are widened to the project's 3-word minimum, still verbatim
        assert TEXT[ev.start : ev.end] == ev.quote and len(ev.quote.split()) >= 3
    assert grounding_rate(summary, TEXT) == 1.0


def test_unaligned_items_are_kept_but_count_as_ungrounded(bench: ModuleType) -> None:
    summary, _ = bench.langextract_to_summary(
        [
            extraction("party", "Marta Quill", {"kind": "person"}),
            extraction(
                "position",
                "Quill wants a better deal",
                {
                    "party": "Marta Quill",
                    "topic": "pay",
                    "stance": "wants more",
                    "polarity": "maybe",
                },
                aligned=False,
            ),
        ],
        TEXT,
    )
    assert len(summary.positions) == 1 and summary.positions[0].polarity == "neutral"
    assert grounding_rate(summary, TEXT) == 0.5


def test_items_naming_no_party_are_dropped_and_counted(bench: ModuleType) -> None:
    summary, dropped = bench.langextract_to_summary(
        [
            extraction("party", "Kestrel Shipping", {"kind": "organization"}),
            extraction(
                "position",
                "the pay offer of Kestrel Shipping was an insult",
                {"party": "Someone Else", "topic": "pay", "stance": "x", "polarity": "oppose"},
            ),
            extraction(
                "dispute",
                "have argued about pay for a year",
                {"side_a": "Kestrel Shipping", "side_b": "Kestrel Shipping", "issue": "pay"},
            ),
            extraction("date", "3 May 2021", {"value": "May the third"}),
        ],
        TEXT,
    )
    assert dropped == 2 and not summary.positions and not summary.disputes
    assert summary.dates[0].value is None  # not ISO: no value rather than a wrong one


def test_few_shot_examples_quote_their_fictional_text(bench: ModuleType) -> None:
    for example in bench.LX_EXAMPLES:
        at = 0  # LangExtract aligns extractions in order, without overlap
        for cls, words, attributes in example["extractions"]:
            found = example["text"].find(words, at)
            assert found >= 0, words
            at = found + len(words)
            assert cls in {"party", "position", "date", "dispute"}
            assert all(isinstance(v, str) for v in attributes.values())
