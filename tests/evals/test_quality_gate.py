"""CI gate: the default model and prompt must not regress against the blessed baseline.

This is the check a user of newsbrief would put in their own CI: run the suites for real,
then compare them, article by article, with the baseline blessed in the repo
(``evals/baselines/default.json``, made with ``newsbrief eval bless SEEDS_RUN TUNE_RUN OUT``).
The baseline pools the seeds and dev/tune (21 articles), so the rule is the paired
bootstrap: a field whose paired 95% interval of the difference lies below zero fails. Five
articles alone were too few for an interval and needed a fixed margin, which let a real drop
through and failed on noise alike. Decoding is greedy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.compare import assert_no_regression, load_baseline
from evals.runner import run_suite
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
BASELINE = ROOT / "evals" / "baselines" / "default.json"
TUNE = ROOT / "evals" / "suites" / "dev" / "tune"


def test_default_pipeline_does_not_regress_against_the_blessed_baseline(tmp_path: Path) -> None:
    baseline = load_baseline(BASELINE)
    assert len(baseline.articles) >= 16, "the baseline pools the seeds and dev/tune"
    [seeds] = run_suite(
        [baseline.model],
        [baseline.prompt],
        runs_root=tmp_path / "seeds",
        use_cache=False,
        progress=False,
    )
    [tune] = run_suite(
        [baseline.model],
        [baseline.prompt],
        suite_dir=TUNE,
        gold_dir=TUNE,
        runs_root=tmp_path / "tune",
        use_cache=False,
        progress=False,
    )
    assert_no_regression([seeds, tune], BASELINE, tolerance="ci")
