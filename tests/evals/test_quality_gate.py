"""CI gate: the default model and prompt must not regress against the blessed baseline.

This is the check a user of newsbrief would put in their own CI: run the suite for real,
then compare it, article by article, with the baseline blessed in the repo
(``evals/baselines/default.json``, made with ``newsbrief eval bless RUN OUT``).
Five articles are too few for a bootstrap interval, so the check uses a fixed margin; decoding
is greedy and the baseline is re-blessed whenever the default changes, so the margin is small.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.compare import assert_no_regression, load_baseline
from evals.runner import run_suite
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
BASELINE = ROOT / "evals" / "baselines" / "default.json"


def test_default_pipeline_does_not_regress_against_the_blessed_baseline(tmp_path: Path) -> None:
    baseline = load_baseline(BASELINE)
    [run_dir] = run_suite(
        [baseline.model], [baseline.prompt], runs_root=tmp_path, use_cache=False, progress=False
    )
    assert_no_regression(run_dir, BASELINE, tolerance=0.05)
