"""The Ray engine on a real Ray head started by these tests (no mocks): batches and eval
runs give the same records as the local engine, an actor killed mid-article is retried and
its article recorded once, an article that kills every attempt becomes an error record,
runs resume across engines, and the command line reaches a head by ``--address host:port``
and through Ray Client (``ray://``, a second head started by ``ray start``).

One head for the module (start-up costs seconds); ``num_cpus=2`` as on the CI machine.
The fake backend's ``NEWSBRIEF_FAKE_CRASH`` kills the worker process that serves a prompt
holding the given words (it reaches the actors in the environment the engine forwards;
never set it around a local-engine run, which would kill pytest). The real-model tests
(0.5B, greedy) are ``slow``: run them alone (``flock /tmp/model.lock pytest -m slow ...``).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evals.runner import run_suite
from evals.store import RunStore
from summarize.batch import summarize_folder
from summarize.engines import EngineOptions
from summarize.providers import registry
from summarize.providers.registry import FAST_MODEL
from tests.helpers.paths import ROOT as REPO
from tests.helpers.paths import SEEDS
from tests.helpers.suites import article_text, comparable, make_suite

THREE_SEEDS = sorted(SEEDS.glob("*.txt"))[:3]
RAY = EngineOptions("ray", actors=1)


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    """A Ray head for this module, in this process; yields its address (for subprocesses)."""
    import ray

    if ray.is_initialized():
        ray.shutdown()
    info = ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        logging_level=logging.WARNING,
        log_to_driver=False,
    )
    yield info.address_info["gcs_address"]
    ray.shutdown()


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def batch_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def same_part(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """What must not depend on the engine: per article, status, summary, model, prompt and
    the calls' purposes and tokens (not their seconds)."""
    out = {}
    for line in lines:
        calls = [
            (c["purpose"], c["prompt_tokens"], c["completion_tokens"], c["ok"])
            for c in line["calls"]
        ]
        out[line["article"]] = (
            line["status"],
            line["summary"],
            line["model"],
            line["prompt"],
            calls,
        )
    return out


def six_articles(root: Path) -> Path:
    folder = root / "articles"
    folder.mkdir()
    for i in range(6):
        (folder / f"a{i}.txt").write_text(article_text(i), encoding="utf-8")
    return folder


def same_run(got_dir: Path, want_dir: Path) -> None:
    """Two eval runs with the same records (predictions, scores) and aggregate."""
    got, want = RunStore.open(got_dir), RunStore.open(want_dir)
    rows = [json.loads(line) for line in got.records_path.read_text().splitlines()]
    keys = [(r["article_id"], r["repeat"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(want.records())  # nothing twice, nothing lost
    assert comparable(got.records()) == comparable(want.records())
    assert got.aggregate is not None and want.aggregate is not None
    ignore = {"run_id", "median_wall_s"}
    assert got.aggregate.model_dump(exclude=ignore) == want.aggregate.model_dump(exclude=ignore)
    same_config = {"run_id", "created"}
    assert got.config.model_dump(exclude=same_config) == want.config.model_dump(exclude=same_config)


# --- batches --------------------------------------------------------------------------------
@pytest.mark.usefixtures("ray_head")
def test_a_batch_on_ray_writes_the_lines_the_local_engine_writes(tmp_path: Path) -> None:
    """Three seeds and six small articles (a folder and a JSONL file), two actors."""
    folder = six_articles(tmp_path)
    jsonl = tmp_path / "seeds.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) + "\n"
            for p in THREE_SEEDS
        ),
        encoding="utf-8",
    )
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    summarize_folder([folder, jsonl], local, model="fake/heuristic", progress=False)
    stats = summarize_folder(
        [folder, jsonl],
        on_ray,
        model="fake/heuristic",
        progress=False,
        engine=EngineOptions("ray", actors=2),
    )
    assert (stats.total, stats.ok, stats.failed, stats.engine) == (9, 9, 0, "ray, 2 actor(s)")
    assert same_part(batch_lines(on_ray)) == same_part(batch_lines(local))
    assert len(batch_lines(on_ray)) == 9


@pytest.mark.usefixtures("ray_head")
def test_an_actor_killed_mid_article_is_retried_and_its_article_recorded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = six_articles(tmp_path)
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    summarize_folder([folder], local, model="fake/heuristic", progress=False)
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("NEWSBRIEF_FAKE_CRASH", "Elena Petrova")  # article a4, first call
    monkeypatch.setenv("NEWSBRIEF_FAKE_CRASH_MARKER", str(marker))
    stats = summarize_folder([folder], on_ray, model="fake/heuristic", progress=False, engine=RAY)
    assert marker.exists()  # an actor process died on a4, mid-article
    assert (stats.ok, stats.failed) == (6, 0)
    lines = batch_lines(on_ray)
    assert sorted(line["article"] for line in lines) == sorted(str(p) for p in folder.glob("*.txt"))
    assert same_part(lines) == same_part(batch_lines(local))


@pytest.mark.usefixtures("ray_head")
def test_an_article_that_kills_every_attempt_is_an_error_line_then_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = six_articles(tmp_path)
    out = tmp_path / "out.jsonl"
    monkeypatch.setenv("NEWSBRIEF_FAKE_CRASH", "Elena Petrova")  # every time: no marker
    monkeypatch.setenv("NEWSBRIEF_RAY_RETRIES", "1")
    stats = summarize_folder([folder], out, model="fake/heuristic", progress=False, engine=RAY)
    assert (stats.ok, stats.failed) == (5, 1)
    [lost] = [line for line in batch_lines(out) if line["status"] == "error"]
    assert lost["article"] == str(folder / "a4.txt")
    assert lost["error"]["type"] == "WorkerLostError"
    assert "the actor died on each of 2 attempts" in lost["error"]["message"]

    monkeypatch.delenv("NEWSBRIEF_FAKE_CRASH")  # the cause fixed: a re-run retries it only
    again = summarize_folder([folder], out, model="fake/heuristic", progress=False, engine=RAY)
    assert (again.skipped, again.ok, again.failed) == (5, 1, 0)
    assert sorted(line["status"] for line in batch_lines(out)) == ["ok"] * 6


def counts(screen: str) -> list[tuple[int, int]]:
    """Every ``done/total`` a progress bar drew on ``screen``, in order."""
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+)", screen)]


@pytest.mark.usefixtures("ray_head")
def test_the_progress_bar_counts_articles_on_ray(tmp_path: Path) -> None:
    """A batch half done, finished on Ray, and an eval run: the bars count articles (done
    ones included) up to the total, never past it, and say where the work runs."""
    folder = six_articles(tmp_path)
    out = tmp_path / "out.jsonl"
    summarize_folder(sorted(folder.glob("*.txt"))[:2], out, model="fake/heuristic", progress=False)
    screen = io.StringIO()
    console = Console(file=screen, width=200, force_terminal=True, color_system=None)
    stats = summarize_folder([folder], out, model="fake/heuristic", console=console, engine=RAY)
    assert (stats.skipped, stats.ok) == (2, 4)
    drawn = counts(screen.getvalue())
    assert drawn[0] == (2, 6) and drawn[-1] == (6, 6), drawn
    assert all(b == 6 and 2 <= a <= 6 for a, b in drawn)
    assert [a for a, _ in drawn] == sorted(a for a, _ in drawn)
    assert "ray, 1 actor(s)" in screen.getvalue()

    articles, gold = make_suite(tmp_path / "suite", 5)
    screen = io.StringIO()
    console = Console(file=screen, width=200, force_terminal=True, color_system=None)
    run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        use_cache=False,
        console=console,
        engine=RAY,
    )
    drawn = [c for c in counts(screen.getvalue()) if c[1] == 5]
    assert drawn and drawn[-1] == (5, 5), screen.getvalue()[-2000:]
    assert [a for a, _ in drawn] == sorted(a for a, _ in drawn)


@pytest.mark.usefixtures("ray_head")
def test_a_batch_resumes_across_engines(tmp_path: Path) -> None:
    """Half done by the local engine, finished on Ray (and the other way round)."""
    folder = six_articles(tmp_path)
    out = tmp_path / "out.jsonl"
    first_half = sorted(folder.glob("*.txt"))[:3]
    summarize_folder(first_half, out, model="fake/heuristic", progress=False)
    written = out.read_bytes()
    stats = summarize_folder([folder], out, model="fake/heuristic", progress=False, engine=RAY)
    assert (stats.skipped, stats.ok) == (3, 3)
    assert out.read_bytes().startswith(written)  # nothing redone, nothing rewritten
    assert len({line["article"] for line in batch_lines(out)}) == len(batch_lines(out)) == 6


# --- eval runs ------------------------------------------------------------------------------
@pytest.mark.usefixtures("ray_head")
def test_an_eval_run_on_ray_scores_the_same_even_when_an_actor_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, gold = make_suite(tmp_path, 6)
    [local] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "local",
        use_cache=False,
        progress=False,
    )
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("NEWSBRIEF_FAKE_CRASH", "Elena Petrova")  # a04, first call
    monkeypatch.setenv("NEWSBRIEF_FAKE_CRASH_MARKER", str(marker))
    [on_ray] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "ray",
        use_cache=False,
        progress=False,
        engine=RAY,
    )
    assert marker.exists()
    same_run(on_ray, local)


@pytest.mark.usefixtures("ray_head")
def test_an_eval_run_resumes_on_ray_and_takes_cache_hits_in_the_driver(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 6)
    runs = tmp_path / "runs"
    [reference] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    # an interrupted run: two records kept, no aggregate
    copy = runs / "interrupted"
    shutil.copytree(reference, copy)
    kept = b"".join((copy / "records.jsonl").read_bytes().splitlines(keepends=True)[:2])
    (copy / "records.jsonl").write_bytes(kept)
    (copy / "aggregate.json").unlink()
    run_suite(None, None, resume=copy, use_cache=False, progress=False, engine=RAY)
    assert (copy / "records.jsonl").read_bytes().startswith(kept)
    same_run(copy, reference)

    # a new run of the same work on Ray: every article a cache hit, no actor needed
    [cached] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
        engine=RAY,
    )
    assert all(r.cached for r in RunStore.open(cached).records())
    same_run(cached, reference)


# --- the command line, in its own process, joining the head by its address -------------------
def test_the_cli_joins_a_cluster_by_address(ray_head: str, tmp_path: Path) -> None:
    """``eval run --engine ray --address HOST:PORT`` in its own process, and a wrong address."""
    folder = six_articles(tmp_path)
    articles, gold = make_suite(tmp_path / "suite", 4)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("RAY_ADDRESS", None)
    common = ["--model", "fake/heuristic", "--engine", "ray", "--address", ray_head]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbrief",
            "eval",
            "run",
            "--suite",
            str(articles),
            "--gold",
            str(gold),
            "--runs-root",
            str(tmp_path / "runs"),
            "--json",
            "--no-progress",
            *common,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [run] = json.loads(done.stdout)["runs"]
    [local] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "local",
        use_cache=False,
        progress=False,
    )
    same_run(Path(run["path"]), local)

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbrief",
            "summarize",
            str(folder),
            "-o",
            str(tmp_path / "x.jsonl"),
            "--model",
            "fake/heuristic",
            "--engine",
            "ray",
            "--address",
            "127.0.0.1:1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    assert "error: cannot connect to the Ray cluster at 127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr


# --- Ray Client (ray://): the pipeline runs in a coordinator inside the cluster -----------------
@pytest.fixture(scope="module")
def client_address() -> Iterator[str]:
    """A second head, started as a user would (``ray start --head --block``) with a Ray
    Client server; its process group is killed afterwards (the drain on SIGTERM takes 30 s)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = tempfile.mkdtemp(prefix="nb-ray-", dir="/tmp")  # Ray's socket paths must be short
    log = open(os.path.join(temp, "start.log"), "wb")  # noqa: SIM115 (closed below)
    head = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ray"),
            "start",
            "--head",
            "--block",
            "--port",
            "0",
            "--ray-client-server-port",
            str(port),
            "--num-cpus",
            "1",
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
            "--temp-dir",
            temp,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert head.poll() is None, Path(temp, "start.log").read_text()
            with socket.socket() as s, contextlib.suppress(OSError):
                s.settimeout(1)
                s.connect(("127.0.0.1", port))
                break
            assert time.monotonic() < deadline, "the Ray Client server never answered"
            time.sleep(0.5)
        yield f"ray://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait()
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


def test_a_batch_through_ray_client(client_address: str, tmp_path: Path) -> None:
    """``--address ray://``: the CLI in its own process; same lines as the local engine."""
    folder = six_articles(tmp_path)
    local, out = tmp_path / "local.jsonl", tmp_path / "out.jsonl"
    summarize_folder([folder], local, model="fake/heuristic", progress=False)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("RAY_ADDRESS", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbrief",
            "summarize",
            str(folder),
            "-o",
            str(out),
            "--model",
            "fake/heuristic",
            "--engine",
            "ray",
            "--address",
            client_address,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"on ray, 1 actor(s) at {client_address}" in done.stderr
    assert same_part(batch_lines(out)) == same_part(batch_lines(local))


# --- the embedded 0.5B model, greedy (slow; one model process at a time) ----------------------
@pytest.fixture(scope="module")
def local_0_5b(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three seeds with their gold, and the 0.5B's eval run of them on the local engine."""
    root = tmp_path_factory.mktemp("seeds-0.5b")
    suite = root / "suite"
    suite.mkdir()
    for seed in THREE_SEEDS:
        shutil.copy(seed, suite / seed.name)
        shutil.copy(REPO / "evals" / "gold" / f"{seed.stem}.json", suite / f"{seed.stem}.json")
    [run] = run_suite(
        [FAST_MODEL],
        [None],
        suite_dir=suite,
        gold_dir=suite,
        runs_root=root / "local",
        use_cache=False,
        progress=False,
    )
    return suite, run


@pytest.mark.slow
@pytest.mark.usefixtures("ray_head")
def test_three_seeds_give_the_same_summaries_on_ray_with_the_0_5b(
    local_0_5b: tuple[Path, Path], tmp_path: Path
) -> None:
    """A batch on Ray (one actor, the model loaded in it) against the local engine's
    summaries of the same seeds (the predictions of its eval run: the same pipeline)."""
    suite, local = local_0_5b
    out = tmp_path / "ray.jsonl"
    stats = summarize_folder(
        sorted(suite.glob("*.txt")), out, model=FAST_MODEL, progress=False, engine=RAY
    )
    assert stats.ok == 3
    got = {Path(line["article"]).stem: line["summary"] for line in batch_lines(out)}
    want = {r.article_id: r.prediction for r in RunStore.open(local).records()}
    assert got == want


@pytest.mark.slow
@pytest.mark.usefixtures("ray_head")
def test_an_eval_run_on_ray_scores_the_same_with_the_0_5b(
    local_0_5b: tuple[Path, Path], tmp_path: Path
) -> None:
    suite, local = local_0_5b
    [on_ray] = run_suite(
        [FAST_MODEL],
        [None],
        suite_dir=suite,
        gold_dir=suite,
        runs_root=tmp_path / "ray",
        use_cache=False,
        progress=False,
        engine=RAY,
    )
    same_run(on_ray, local)
