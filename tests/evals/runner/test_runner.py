"""The eval runner with the fake backend: caching, failures, rescoring, resume, Ctrl-C, CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.runner import RunInterrupted, compute_aggregate, rescore, run_suite
from evals.store import ArticleRecord, RunMismatchError, RunStore
from summarize.passes import behaviour_hash
from summarize.prompting import DEFAULT_PROMPT, load_prompt
from summarize.providers import registry
from summarize.providers.fake import FakeBackend, heuristic_answer
from tests.helpers.suites import article_text, comparable, make_suite


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def fake() -> FakeBackend:
    backend = registry.resolve_backend("fake/heuristic")
    assert isinstance(backend, FakeBackend)
    return backend


def calls_of(backend: FakeBackend) -> int:
    return len(backend.requests)


def records_of(run_dir: Path) -> list[ArticleRecord]:
    return RunStore.open(run_dir).records()


@pytest.fixture
def broken_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """``broken/x``: the heuristic fake, except it answers garbage for POISON articles."""

    def answer(kwargs: dict[str, Any]) -> Any:
        if "POISON" in json.dumps(kwargs.get("messages", [])):
            return "Sorry, I can only answer in prose."
        return heuristic_answer(kwargs)

    monkeypatch.setitem(
        registry._PROVIDERS,
        "broken",
        lambda name, **o: FakeBackend(f"broken-{name}", script=[answer] * 500),
    )
    return "broken/x"


# --- runs ---------------------------------------------------------------------------------------
def test_run_records_every_article_with_scores_and_provenance(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 4, gold_for={0, 1, 2})
    before = calls_of(fake())
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    assert calls_of(fake()) > before
    store = RunStore.open(run_dir)
    records = store.records()
    assert [(r.article_id, r.status) for r in records] == [(f"a{i:02d}", "ok") for i in range(4)]
    assert all(r.scores is not None for r in records[:3]) and records[3].scores is None
    assert all(r.calls and not r.cached and len(r.cache_key) == 64 for r in records)

    cfg = store.config
    assert cfg.model == "fake/heuristic" and cfg.model_info["provider"] == "fake"
    assert cfg.prompt == DEFAULT_PROMPT and len(cfg.prompt_hash) == 64
    assert cfg.behaviour_hash == behaviour_hash(load_prompt(DEFAULT_PROMPT))
    assert cfg.articles == ["a00", "a01", "a02", "a03"] and len(cfg.suite_hash) == 64
    assert cfg.gold == str(gold.resolve()) and cfg.suite == str(articles.resolve())
    assert {"pydantic", "instructor"} <= set(cfg.versions)
    assert cfg.params["max_retries"] == 2
    assert cfg.git_commit is None or len(cfg.git_commit) == 40

    agg = store.aggregate
    assert agg is not None
    assert (agg.n_records, agg.n_ok, agg.n_error, agg.validity_rate) == (4, 4, 0, 1.0)
    assert agg.macro_f1 is not None and 0.0 < agg.macro_f1 <= 1.0
    assert set(agg.fields) == {"parties", "positions", "dates", "disputes"}
    assert agg.fields["parties"].tp > 0
    assert agg.total_calls == sum(len(r.calls) for r in records)
    assert agg.median_wall_s is not None and agg.median_prompt_tokens is not None


def test_one_run_per_model_and_prompt_pair(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 2)
    dirs = run_suite(
        ["fake/heuristic", "fake/other"],
        ["summary/v1", "summary/v7"],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    assert len(dirs) == 4 and len(set(dirs)) == 4
    pairs = [(RunStore.open(d).config.model, RunStore.open(d).config.prompt) for d in dirs]
    assert pairs == [
        ("fake/heuristic", "summary/v1"),
        ("fake/heuristic", "summary/v7"),
        ("fake/other", "summary/v1"),
        ("fake/other", "summary/v7"),
    ]


def test_identical_rerun_is_served_from_the_cache(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 4)
    runs = tmp_path / "runs"
    [first] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    before = calls_of(fake())
    [second] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    assert calls_of(fake()) == before  # zero model calls
    assert second != first
    cached = records_of(second)
    assert all(r.cached for r in cached)
    assert comparable(cached) == comparable(records_of(first))
    assert RunStore.open(second).aggregate == RunStore.open(first).aggregate.model_copy(
        update={"run_id": RunStore.open(second).config.run_id}
    )

    # a changed article is a cache miss for that article only; --no-cache calls everything
    (articles / "a01.txt").write_text(article_text(1) + "One more sentence here.\n")
    before = calls_of(fake())
    [third] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    assert [r.cached for r in records_of(third)] == [True, False, True, True]
    assert calls_of(fake()) > before
    before = calls_of(fake())
    [fourth] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
        use_cache=False,
    )
    assert not any(r.cached for r in records_of(fourth))
    assert calls_of(fake()) - before >= 4


def test_cache_is_per_repeat_and_per_prompt(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 2)
    runs = tmp_path / "runs"
    [one] = run_suite(
        ["fake/heuristic"],
        ["summary/v1"],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    [two] = run_suite(
        ["fake/heuristic"],
        ["summary/v1"],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        repeats=2,
        progress=False,
    )
    records = records_of(two)
    assert sorted((r.article_id, r.repeat, r.cached) for r in records) == [
        ("a00", 0, True),
        ("a00", 1, False),
        ("a01", 0, True),
        ("a01", 1, False),
    ]
    [three] = run_suite(
        ["fake/heuristic"],
        ["summary/v7"],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
    )
    assert not any(r.cached for r in records_of(three))
    assert one != two != three


def test_failure_is_recorded_and_the_suite_goes_on(tmp_path: Path, broken_model: str) -> None:
    articles, gold = make_suite(tmp_path, 4, poison={2})
    runs = tmp_path / "runs"
    [run_dir] = run_suite(
        [broken_model],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
        params={"max_retries": 1},
    )
    records = records_of(run_dir)
    assert [r.status for r in records] == ["ok", "ok", "error", "ok"]
    failed = records[2]
    assert failed.error is not None and failed.error.type == "OutputValidationError"
    assert failed.error.attempts == 2 and failed.error.raw_output
    assert "prose" in failed.error.raw_output
    assert failed.prediction is None and failed.scores is None
    # the cost is kept: every failed try of every pass that ran before the error
    assert len(failed.calls) >= 2 and not any(c.ok for c in failed.calls)
    agg = RunStore.open(run_dir).aggregate
    assert agg is not None and (agg.n_ok, agg.n_error, agg.validity_rate) == (3, 1, 0.75)
    ok_f1 = [r.scores["macro_f1"] for r in records if r.scores]
    assert agg.macro_f1 == pytest.approx(sum(ok_f1) / 4)  # the failure counts as a zero

    # failures are never served from the cache: a re-run asks the model again for a02 only
    backend = registry.resolve_backend(broken_model)
    assert isinstance(backend, FakeBackend)
    before = len(backend.requests)
    [again] = run_suite(
        [broken_model],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=runs,
        progress=False,
        params={"max_retries": 1},
    )
    assert len(backend.requests) - before == len(failed.calls)  # a02's tries, once more
    assert [r.cached for r in records_of(again)] == [True, True, False, True]


def test_unexpected_exception_is_recorded_with_its_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarize.pipeline import Summarizer

    articles, gold = make_suite(tmp_path, 2)
    real_run = Summarizer.run

    def flaky(self: Summarizer, text: str, **kw: Any) -> Any:
        if "Anna Schmidt" in text:
            raise ZeroDivisionError("division by zero")
        return real_run(self, text, **kw)

    monkeypatch.setattr(Summarizer, "run", flaky)
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    failed = records_of(run_dir)[1]
    assert failed.status == "error" and failed.error is not None
    assert failed.error.type == "ZeroDivisionError"
    assert "unexpected, at test_runner.py:" in failed.error.message


def test_rescore_changes_scores_without_model_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarize.pipeline import Summarizer

    articles, gold = make_suite(tmp_path, 3)
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    store = RunStore.open(run_dir)
    old_records, old_agg = store.records(), store.aggregate
    assert old_agg is not None

    def no_model(*a: Any, **k: Any) -> Any:
        raise AssertionError("rescore must not call a model")

    monkeypatch.setattr(Summarizer, "run", no_model)
    monkeypatch.setattr(Summarizer, "__init__", no_model)
    before = calls_of(fake())

    # same gold: same scores
    same = rescore(run_dir)
    assert same.macro_f1 == old_agg.macro_f1
    assert [r.scores for r in store.records()] == [r.scores for r in old_records]

    # other gold (only one party each): recall goes up, precision down
    _, narrow = make_suite(tmp_path / "narrow", 3, with_second=False)
    new = rescore(run_dir, gold_dir=narrow)
    assert calls_of(fake()) == before
    new_records = store.records()
    assert [r.prediction for r in new_records] == [r.prediction for r in old_records]
    assert [r.scores for r in new_records] != [r.scores for r in old_records]
    assert new.fields["parties"].fn <= old_agg.fields["parties"].fn
    assert RunStore.open(run_dir).aggregate == new
    assert RunStore.open(run_dir).config.gold == str(narrow.resolve())
    assert RunStore.open(run_dir).config.suite_hash != store.config.suite_hash


def test_rescore_refuses_when_an_article_changed(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 2)
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    (articles / "a00.txt").write_text(article_text(0) + "Edited.\n")
    with pytest.raises(RunMismatchError, match="a00"):
        rescore(run_dir)


# --- resume --------------------------------------------------------------------------------------
def _simulate_kill(run_dir: Path, keep: int, *, partial: bool = False) -> None:
    """Cut a finished run back to its first ``keep`` records, as a kill would leave it."""
    path = run_dir / "records.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    tail = lines[keep][: len(lines[keep]) // 2] if partial else ""
    path.write_text("".join(lines[:keep]) + tail, encoding="utf-8")
    (run_dir / "aggregate.json").unlink()


def test_resume_skips_finished_articles(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 5)
    [full] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
        use_cache=False,
    )
    killed = tmp_path / "runs" / "killed"
    shutil.copytree(full, killed)
    _simulate_kill(killed, 2, partial=True)
    kept = (killed / "records.jsonl").read_bytes().rsplit(b"\n", 1)[0] + b"\n"

    # the calls the three unfinished articles cost in the uninterrupted run
    unfinished = sum(len(r.calls) for r in records_of(full)[2:])
    before = calls_of(fake())
    with pytest.warns(UserWarning, match="partial last line"):
        [resumed] = run_suite([], [], resume=killed, progress=False, use_cache=False)
    assert resumed == killed
    assert calls_of(fake()) - before == unfinished  # only the three unfinished ones
    assert (killed / "records.jsonl").read_bytes().startswith(kept)  # finished ones untouched
    records = records_of(killed)
    assert len(records) == 5 and len({(r.article_id, r.repeat) for r in records}) == 5
    assert comparable(records) == comparable(records_of(full))
    assert RunStore.open(killed).aggregate is not None

    # resuming a finished run computes nothing
    before = calls_of(fake())
    run_suite([], [], resume=killed, progress=False)
    assert calls_of(fake()) == before and len(records_of(killed)) == 5


def test_resume_refuses_another_configuration(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 2)
    [run_dir] = run_suite(
        ["fake/heuristic"],
        ["summary/v1"],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    with pytest.raises(RunMismatchError, match="model"):
        run_suite(["fake/other"], [], resume=run_dir, progress=False)
    with pytest.raises(RunMismatchError, match="prompt"):
        run_suite([], ["summary/v7"], resume=run_dir, progress=False)
    with pytest.raises(RunMismatchError, match="parameters"):
        run_suite([], [], resume=run_dir, params={"max_retries": 0}, progress=False)
    with pytest.raises(RunMismatchError, match="judge"):
        run_suite([], [], resume=run_dir, judge="fake/judge", progress=False)
    with pytest.raises(RunMismatchError, match="repeats"):
        run_suite([], [], resume=run_dir, repeats=3, progress=False)
    (articles / "a01.txt").write_text(article_text(1) + "An added sentence changes it.\n")
    with pytest.raises(RunMismatchError, match="suite"):
        run_suite([], [], resume=run_dir, progress=False)


def test_first_ctrl_c_finishes_the_article_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarize.pipeline import Summarizer

    articles, gold = make_suite(tmp_path, 5)
    real_run = Summarizer.run
    seen: list[str] = []

    def interrupting(self: Summarizer, text: str, **kw: Any) -> Any:
        seen.append(text)
        if len(seen) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the 2nd article is in flight
        return real_run(self, text, **kw)

    monkeypatch.setattr(Summarizer, "run", interrupting)
    with pytest.raises(RunInterrupted) as info:
        run_suite(
            ["fake/heuristic"],
            [None],
            suite_dir=articles,
            gold_dir=gold,
            runs_root=tmp_path / "runs",
            progress=False,
        )
    run_dir = info.value.run_dir
    assert (info.value.done, info.value.total) == (2, 5)
    assert "--resume" in info.value.resume_command
    assert [r.article_id for r in records_of(run_dir)] == ["a00", "a01"]  # 2nd one finished
    assert RunStore.open(run_dir).aggregate is None
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_compute_aggregate_counts_failures_only_for_articles_with_gold() -> None:
    ok = ArticleRecord(
        cache_key="k", article_id="a", status="ok", prediction={}, wall_s=2.0, scores=None
    )
    err = ArticleRecord(cache_key="k", article_id="b", status="error", wall_s=9.0)
    agg = compute_aggregate("r", [ok, err], gold_ids=set())
    assert (agg.n_records, agg.n_ok, agg.validity_rate, agg.median_wall_s) == (2, 1, 0.5, 2.0)
    assert agg.macro_f1 is None and agg.fields == {}
    assert agg.median_prompt_tokens is None  # no call reported tokens: unknown, not zero


# --- the CLI -------------------------------------------------------------------------------------
def test_cli_run_rescore_compare_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsbrief.cli import main

    articles, gold = make_suite(tmp_path, 3)
    runs = tmp_path / "runs"
    argv = [
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
        "--no-progress",
    ]
    assert main(argv) == 0
    out = capsys.readouterr()
    [run_a] = [Path(line) for line in out.out.splitlines() if line.strip()]
    assert run_a.is_dir() and "macro F1" in out.err
    assert main([*argv, "--prompt", "summary/v7"]) == 0
    [run_b] = [Path(line) for line in capsys.readouterr().out.splitlines() if line.strip()]

    assert main(["eval", "rescore", str(run_a)]) == 0
    assert "macro F1" in capsys.readouterr().out

    # no gate asked for: the comparison is printed and the exit code is 0 whatever it shows
    assert main(["eval", "compare", str(run_a), str(run_b)]) == 0
    assert "macro F1" in capsys.readouterr().out
    # an impossible gate fails with exit 1
    assert main(["eval", "compare", str(run_a), str(run_b), "--fail-under", "1.01"]) == 1
    capsys.readouterr()

    report = tmp_path / "report.html"
    assert main(["eval", "report", str(run_a), str(run_b), "-o", str(report)]) == 0
    assert report.is_file()
    capsys.readouterr()

    # user errors: one line on stderr, exit 2, no traceback
    for bad in (
        ["eval", "run", "--resume", str(tmp_path / "nope")],
        [
            "eval",
            "run",
            "--model",
            "nosuch/model",
            "--suite",
            str(articles),
            "--runs-root",
            str(runs),
        ],
        ["eval", "rescore", str(tmp_path)],
        ["eval", "run", "--resume", str(run_a), "--prompt", "summary/v7"],
    ):
        assert main(bad) == 2, bad
        err = capsys.readouterr().err
        assert err.splitlines()[-1].startswith("error:") and "Traceback" not in err, err

    (run_a / "records.jsonl").write_text('{"broken\n' + (run_a / "records.jsonl").read_text())
    assert main(["eval", "rescore", str(run_a)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_judge_scores_are_labelled_and_aggregated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, gold = make_suite(tmp_path, 2)
    verdict = {"reason": "Every claim is in the article.", "score": 8}
    monkeypatch.setitem(
        registry._PROVIDERS,
        "judge",
        lambda name, **o: FakeBackend(f"judge-{name}", script=[verdict] * 50),
    )
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        judge="judge/x",
        progress=False,
    )
    store = RunStore.open(run_dir)
    assert store.config.judge == "judge/x"
    for record in store.records():
        assert record.judge_scores is not None
        assert record.judge_scores["judge"] == "judge/x"
        assert record.judge_scores["faithfulness"] == pytest.approx(0.8)
        assert record.judge_scores["calls"]  # the judge's cost is kept, apart from the model's
        assert all(c.purpose != "judge" for c in record.calls)
    agg = store.aggregate
    assert agg is not None and agg.judge == {"faithfulness": pytest.approx(0.8), "n_judged": 2.0}


def test_a_run_copied_from_elsewhere_finds_the_builtin_suite(tmp_path: Path) -> None:
    from evals.gold import default_suite
    from evals.store import resolve_recorded_dir

    seeds, gold = default_suite()
    assert resolve_recorded_dir(f"/elsewhere/ci/{seeds.name}", tmp_path) == seeds
    assert resolve_recorded_dir(f"/elsewhere/ci/evals/{gold.name}", tmp_path) == gold
    assert resolve_recorded_dir("/nowhere/custom", tmp_path) is None
    (tmp_path / "suite").mkdir()
    found = resolve_recorded_dir("suite", tmp_path / "runs" / "r1")
    assert found is not None and found.resolve() == (tmp_path / "suite")


def test_rescore_of_an_unfinished_run_writes_no_aggregate(tmp_path: Path) -> None:
    articles, gold = make_suite(tmp_path, 3)
    [run_dir] = run_suite(
        ["fake/heuristic"],
        [None],
        suite_dir=articles,
        gold_dir=gold,
        runs_root=tmp_path / "runs",
        progress=False,
    )
    _simulate_kill(run_dir, 2)
    with pytest.warns(UserWarning, match="unfinished"):
        agg = rescore(run_dir)
    assert agg.n_records == 2
    assert RunStore.open(run_dir).aggregate is None
    assert RunStore.open(run_dir).missing_keys() == {("a02", 0)}


def test_a_suite_with_gold_beside_its_articles_is_scored_without_gold_flag(tmp_path: Path) -> None:
    """The documented layout (evals/suites/dev/tune): <id>.txt next to <id>.json."""
    from newsbrief.cli import main as cli_main

    articles, gold = make_suite(tmp_path, 2)
    for g in gold.glob("*.json"):
        shutil.copy(g, articles / g.name)
    code = cli_main(
        [
            "eval",
            "run",
            "--model",
            "fake/heuristic",
            "--suite",
            str(articles),
            "--runs-root",
            str(tmp_path / "runs"),
            "--no-progress",
        ]
    )
    assert code == 0
    [run_dir] = [d for d in (tmp_path / "runs").iterdir() if (d / "config.json").is_file()]
    assert all(r.scores is not None for r in records_of(run_dir))
