"""Running suites: one run directory per (model, prompt), resumable, cached, re-scorable."""

from evals.runner.interrupt import RunInterrupted
from evals.runner.provenance import git_commit, new_run_id, package_versions
from evals.runner.rescore import rescore
from evals.runner.scoring import compute_aggregate, score_prediction
from evals.runner.suite import run_suite

__all__ = [
    "RunInterrupted",
    "compute_aggregate",
    "git_commit",
    "new_run_id",
    "package_versions",
    "rescore",
    "run_suite",
    "score_prediction",
]
