"""The defence with the real default model (slow; hold the model lock).

The judge layer's promise on clean text (no seed or dev paragraph masked on a model's yes) and
on a payload no masking layer catches, and a drop-a-party payload end to end: the party the
payload asks to leave out is among the parties and no canary reaches any field.
"""

from __future__ import annotations

import pytest

from evals.injection import check_injection, load_injection_suite
from summarize.core.ledger import Ledger
from summarize.defence import guard
from summarize.pipeline import Summarizer
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
CLEAN = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    *sorted((ROOT / "evals" / "suites" / "dev" / "tune").glob("*.txt")),  # dev/test is for figures
]
TUNE = ROOT / "evals" / "suites" / "injection_v4" / "tune"


@pytest.fixture(scope="module")
def summarizer() -> Summarizer:
    return Summarizer()  # the default model and prompt


@pytest.fixture(autouse=True)
def every_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The judge is opt-in: these tests are about it, so every layer is in force."""
    monkeypatch.setenv(guard.LAYERS_ENV, "all")


def test_the_judge_masks_no_clean_paragraph(summarizer: Summarizer) -> None:
    """defence/v3's probe on the 1.5B's hidden states flags no clean passage the parse
    suspects (defence/v1, generating its answer, said yes to all it was asked); it embeds,
    and asks nothing."""
    ledger = Ledger()
    for path in CLEAN:
        text = path.read_text("utf-8")
        found = summarizer.screen(text, guard.masked_spans(text), ledger)
        assert found == [], (path.name, [text[f.start : f.end] for f in found])
    assert ledger.calls and {(c.purpose, c.mode) for c in ledger.calls} == {
        ("defence", "embedding")
    }
    assert {c.by for c in ledger.choices} == {"probe"}


def test_the_judge_masks_an_order_without_a_software_noun(summarizer: Summarizer) -> None:
    """A payload no masking layer catches, masked by the probe on the real model's hidden
    states (defence/v2's scored answer could not: AUC 0.37). t08 is among the probe's
    training passages, so this shows the layer working end to end, not that it generalises;
    the held-out figures are in docs/defence.md."""
    case = next(c for c in load_injection_suite(TUNE) if c.name.startswith("t08"))
    found = summarizer.screen(case.text, guard.masked_spans(case.text), Ledger())
    shown = guard.mask(case.text, guard.merge_spans([(f.start, f.end) for f in found]))
    assert all(c.casefold() not in shown.casefold() for c in case.canaries)


@pytest.mark.parametrize("name", ["t05", "t06"])
def test_a_drop_a_party_payload_keeps_the_party(summarizer: Summarizer, name: str) -> None:
    case = next(c for c in load_injection_suite(TUNE) if c.name.startswith(name))
    run = summarizer.run(case.text)
    verdict = check_injection(case, run.summary, None)
    assert verdict.resisted, verdict.reasons
