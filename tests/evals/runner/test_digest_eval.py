"""``newsbrief eval run --task digest`` end to end on the fake backend: a tiny synthetic story
suite in tmp_path is digested, scored, recorded in a run directory, printed, and resumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.metrics.digest import DigestScores
from evals.store.digest import (
    DIGEST_AGGREGATE_FILE,
    STORIES_FILE,
    DigestRunStore,
    is_digest_run,
)
from newsbrief.cli import main
from summarize.digest import Digester
from tests.helpers.digest_story import write_story

STORIES = ("orban_beijing", "orban_again")


@pytest.fixture
def suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two story folders (the same articles, so the second is served from the cache)."""
    monkeypatch.setenv("NEWSBRIEF_CACHE_DIR", str(tmp_path / "cache"))
    for name in STORIES:
        write_story(tmp_path / "stories" / name, name=name)
    return tmp_path / "stories"


def _args(suite: Path, runs: Path, *extra: str) -> list[str]:
    return [
        "eval",
        "run",
        "--task",
        "digest",
        "--model",
        "fake/heuristic",
        "--suite",
        str(suite),
        "--runs-root",
        str(runs),
        "--no-progress",
        *extra,
    ]


def _only_run(runs: Path) -> Path:
    dirs = [p for p in runs.iterdir() if p.is_dir()]
    assert len(dirs) == 1
    return dirs[0]


def test_a_digest_run_writes_a_run_dir_scores_each_story_and_prints_the_table(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    assert main(_args(suite, runs)) == 0
    run_dir = _only_run(runs)
    out, err = capsys.readouterr()
    assert out.strip() == str(run_dir)
    assert is_digest_run(run_dir) and (run_dir / DIGEST_AGGREGATE_FILE).is_file()
    assert not (run_dir / "config.json").exists()  # article-run tools never mistake it

    store = DigestRunStore.open(run_dir)
    assert store.config.model == "fake/heuristic" and store.config.digest_prompt == "digest/v1"
    assert store.config.stories == sorted(STORIES)
    records = store.records()
    assert [r.story for r in records] == sorted(STORIES)
    assert all(r.status == "ok" for r in records)
    scores = [DigestScores.model_validate(r.scores) for r in records]
    assert all(0.0 <= s.party_unification.f1 <= 1.0 for s in scores)
    assert scores[0].figures() == scores[1].figures()  # one story, twice
    # the second story's articles are the first's: its summaries come from the cache
    assert records[0].cached == [] and records[0].summary_calls > 0
    assert records[1].cached == ["a1", "a2", "a3"] and records[1].summary_calls == 0

    aggregate = store.aggregate
    assert aggregate is not None and (aggregate.n_stories, aggregate.n_ok) == (2, 2)
    assert aggregate.means["event_f1"] == pytest.approx(scores[0].events.f1)
    assert aggregate.digest_calls == sum(len(r.calls) for r in records)

    lines = [line.split("\t") for line in err.splitlines() if "\t" in line]
    assert lines[0][:3] == ["story", "ok", "unif P"] and "digest calls" in lines[0]
    assert [line[0] for line in lines[1:]] == [*sorted(STORIES), "mean (2 stories)"]
    assert all(len(line) == len(lines[0]) for line in lines)


def test_json_output_has_each_story_and_the_means(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(suite, tmp_path / "runs", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    [run] = data["runs"]
    assert run["task"] == "digest" and run["finished"] and run["model"] == "fake/heuristic"
    assert [s["story"] for s in run["stories"]] == sorted(STORIES)
    assert set(run["stories"][0]["figures"]) >= {
        "unification_f1",
        "party_f1",
        "kendall_tau",
        "merge_f1",
        "discrepancy_f1",
    }
    assert run["aggregate"]["means"]["party_f1"] == run["stories"][0]["figures"]["party_f1"]


def test_an_interrupted_run_resumes_without_redoing_finished_stories(
    suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    real_run = Digester.run
    digested: list[list[str]] = []

    def interrupt_the_second(self: Digester, articles: list, **kw: object) -> object:
        if digested:
            raise KeyboardInterrupt
        digested.append([a.source for a in articles])
        return real_run(self, articles, **kw)

    monkeypatch.setattr(Digester, "run", interrupt_the_second)
    assert main(_args(suite, runs)) == 130
    run_dir = _only_run(runs)
    err = capsys.readouterr().err
    assert f"Resume with: newsbrief eval run --resume {run_dir}" in err
    first_line = (run_dir / STORIES_FILE).read_bytes()
    assert first_line.count(b"\n") == 1 and DigestRunStore.open(run_dir).aggregate is None

    resumed: list[str] = []

    def count(self: Digester, articles: list, **kw: object) -> object:
        resumed.append(Path(articles[0].source).parent.name)
        return real_run(self, articles, **kw)

    monkeypatch.setattr(Digester, "run", count)
    assert main(["eval", "run", "--resume", str(run_dir), "--no-progress"]) == 0
    assert resumed == ["orban_beijing"]  # only the story the interrupt stopped
    data = (run_dir / STORIES_FILE).read_bytes()
    assert data.startswith(first_line) and data.count(b"\n") == 2
    store = DigestRunStore.open(run_dir)
    assert sorted(r.story for r in store.records()) == sorted(STORIES)
    assert store.aggregate is not None and store.aggregate.n_ok == 2
    assert capsys.readouterr().out.strip() == str(run_dir)

    # a finished run resumes to nothing new; a changed gold is refused
    assert main(["eval", "run", "--resume", str(run_dir), "--no-progress"]) == 0
    assert resumed == ["orban_beijing"]
    gold = suite / "orban_again" / "gold.json"
    gold.write_text(gold.read_text("utf-8").replace("must end soon", "must end"), "utf-8")
    capsys.readouterr()
    assert main(["eval", "run", "--resume", str(run_dir), "--no-progress"]) == 2
    assert "the suite differs" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--judge", "fake/heuristic"], "error: --judge does not apply to --task digest"),
        (["--ask-model", "--digest-prompt", "digest/v9"], "error: no prompt named 'digest/v9'"),
        (["--digest-prompt", "digest/v1"], "error: --digest-prompt names the questions"),
        (["--ask-model", "--code-only"], "error: --ask-model and --code-only contradict"),
        (["--prompt", "summary/v99"], "error: no prompt named 'summary/v99'"),
    ],
)
def test_bad_flags_are_refused_before_a_model_loads(
    suite: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    import summarize.pipeline

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the inputs were checked")

    monkeypatch.setattr(summarize.pipeline.Summarizer, "__init__", refuse)
    runs = tmp_path / "runs"
    assert main(_args(suite, runs, *extra)) == 2
    assert capsys.readouterr().err.strip().startswith(message)
    assert not runs.exists()


def test_a_suite_without_stories_and_a_digest_prompt_without_the_task_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(_args(empty, tmp_path / "runs")) == 2
    assert "no stories here" in capsys.readouterr().err
    assert (
        main(
            [
                "eval",
                "run",
                "--digest-prompt",
                "digest/v1",
                "--model",
                "fake/heuristic",
                "--runs-root",
                str(tmp_path / "runs"),
            ]
        )
        == 2
    )
    assert "--digest-prompt goes with --task digest" in capsys.readouterr().err


def test_a_broken_gold_is_named_before_a_model_loads(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = suite / "orban_again" / "gold.json"
    gold.write_text(gold.read_text("utf-8").replace("must end soon", "must stop"), "utf-8")
    assert main(_args(suite, tmp_path / "runs")) == 2
    err = capsys.readouterr().err
    assert "orban_again/gold.json" in err and "not found verbatim" in err
    assert not (tmp_path / "runs").exists()


def test_a_digest_run_asks_the_model_nothing_by_default_and_is_labelled(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = tmp_path / "runs"
    assert main(_args(suite, runs)) == 0
    run_dir = _only_run(runs)
    store = DigestRunStore.open(run_dir)
    assert store.config.ask_model is False and "code-only" in store.config.run_id
    assert all(r.calls == [] for r in store.records())

    asked_runs = tmp_path / "asked"
    assert main(_args(suite, asked_runs, "--ask-model")) == 0
    asked = DigestRunStore.open(_only_run(asked_runs))
    assert asked.config.ask_model is True and "digest-v1" in asked.config.run_id
    assert any(r.calls for r in asked.records())

    old = tmp_path / "old"  # the deprecated flag still runs, with a note
    capsys.readouterr()
    assert main(_args(suite, old, "--code-only")) == 0
    assert "--code-only is deprecated" in capsys.readouterr().err
    assert DigestRunStore.open(_only_run(old)).config.ask_model is False

    for flag in ("--code-only", "--ask-model"):
        assert main(["eval", "run", flag, "--model", "fake/heuristic"]) == 2
        assert f"{flag} goes with --task digest" in capsys.readouterr().err
    assert main(["eval", "run", "--resume", str(run_dir), "--ask-model"]) == 2
    assert "drop --ask-model" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["digest", "--help"], ["eval", "run", "--help"]])
def test_help_says_why_the_digest_asks_nothing_by_default(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one figure, one line
    assert main(argv) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--ask-model" in text and "--code-only" in text and "deprecated" in text
    for figure in ("0.733", "0.750", "0.370", "0.357", "26 calls"):
        assert figure in text, figure
    assert "--task digest --model local/qwen2.5-coder-1.5b" in text  # the command behind them
