"""Kill a real ``newsbrief eval run`` process (SIGINT, SIGKILL), resume it, compare.

The resumed run must hold exactly what an uninterrupted run holds: the same (article,
repeat) set, the same predictions and scores, no duplicates, every line valid JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evals.store import RunStore
from tests.helpers.paths import ROOT
from tests.helpers.suites import comparable, make_suite

REPO = ROOT
N_ARTICLES = 8
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _env(delay: float) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NEWSBRIEF_FAKE_DELAY"] = str(delay)
    env["NO_COLOR"] = "1"
    env.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
    return env


def _cmd(articles: Path, gold: Path, runs: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsbrief",
        "eval",
        "run",
        "--model",
        "fake/heuristic",
        "--suite",
        str(articles),
        "--gold",
        str(gold),
        "--runs-root",
        str(runs),
        "--no-cache",
        "--no-progress",
        *extra,
    ]


def _run_dir(runs: Path) -> Path | None:
    dirs = [p for p in runs.iterdir() if p.is_dir()] if runs.is_dir() else []
    assert len(dirs) <= 1
    return dirs[0] if dirs else None


def _complete_lines(run_dir: Path | None) -> int:
    if run_dir is None or not (run_dir / "records.jsonl").exists():
        return 0
    return (run_dir / "records.jsonl").read_bytes().count(b"\n")


Finished = subprocess.CompletedProcess[str]


def _start_and_kill(
    tmp_path: Path, articles: Path, gold: Path, runs: Path, sig: signal.Signals, after: int = 3
) -> tuple[Path, Finished]:
    """Start a slow run, send ``sig`` once ``after`` records are on disk, wait for the exit."""
    proc = subprocess.Popen(
        _cmd(articles, gold, runs),
        cwd=tmp_path,
        env=_env(0.3),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    try:
        while _complete_lines(_run_dir(runs)) < after:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never wrote its records"
            time.sleep(0.02)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    run_dir = _run_dir(runs)
    assert run_dir is not None
    return run_dir, subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _resume(tmp_path: Path, run_dir: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbrief",
            "eval",
            "run",
            "--resume",
            str(run_dir),
            "--no-cache",
            "--no-progress",
        ],
        cwd=tmp_path,
        env=_env(0),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def _check_lines(run_dir: Path) -> None:
    raw = (run_dir / "records.jsonl").read_text(encoding="utf-8")
    assert raw.endswith("\n")
    rows = [json.loads(line) for line in raw.splitlines()]  # every line valid JSON
    keys = [(r["article_id"], r["repeat"]) for r in rows]
    assert len(keys) == len(set(keys)) == N_ARTICLES  # no duplicates, nothing missing


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The suite and the uninterrupted reference run."""
    root = tmp_path_factory.mktemp("suite")
    articles, gold = make_suite(root, N_ARTICLES)
    runs = root / "runs"
    done = subprocess.run(
        _cmd(articles, gold, runs),
        cwd=root,
        env=_env(0),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reference = Path(done.stdout.strip().splitlines()[-1])
    _check_lines(reference)
    return articles, gold, reference


def _same_as_reference(run_dir: Path, reference: Path) -> None:
    _check_lines(run_dir)
    got, want = RunStore.open(run_dir), RunStore.open(reference)
    assert comparable(got.records()) == comparable(want.records())
    agg, ref = got.aggregate, want.aggregate
    assert agg is not None and ref is not None
    ignore = {"run_id", "median_wall_s"}
    assert agg.model_dump(exclude=ignore) == ref.model_dump(exclude=ignore)


def test_sigint_stops_gracefully_and_resumes(
    tmp_path: Path, suite: tuple[Path, Path, Path]
) -> None:
    articles, gold, reference = suite
    run_dir, killed = _start_and_kill(tmp_path, articles, gold, tmp_path / "runs", signal.SIGINT)
    assert killed.returncode == 130, killed.stderr
    assert f"--resume {run_dir}" in killed.stderr.replace("\n", "")
    assert "Traceback" not in killed.stderr
    written = (run_dir / "records.jsonl").read_text(encoding="utf-8")
    assert written.endswith("\n")  # the article in flight was finished, not cut
    assert 3 <= written.count("\n") < N_ARTICLES
    assert not (run_dir / "aggregate.json").exists()

    _resume(tmp_path, run_dir)
    _same_as_reference(run_dir, reference)


def test_sigkill_loses_at_most_the_article_in_flight(
    tmp_path: Path, suite: tuple[Path, Path, Path]
) -> None:
    articles, gold, reference = suite
    run_dir, killed = _start_and_kill(tmp_path, articles, gold, tmp_path / "runs", signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    kept = (run_dir / "records.jsonl").read_bytes()
    kept = kept[: kept.rfind(b"\n") + 1]
    assert 3 <= kept.count(b"\n") < N_ARTICLES

    _resume(tmp_path, run_dir)
    assert (run_dir / "records.jsonl").read_bytes().startswith(kept)  # nothing redone
    _same_as_reference(run_dir, reference)
