"""Blessed baselines: bless a run, pass against it, fail a degraded copy with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.compare import (
    BaselineError,
    assert_no_regression,
    bless,
    check_against_baseline,
    compare_runs,
    load_baseline,
)
from evals.compare.baseline import DEFAULT_MARGIN, MIN_CI_ARTICLES
from evals.metrics import ArticleScores
from tests.helpers.paths import ROOT
from tests.helpers.runs import ids, make_record, make_scores, write_run

GOOD = {"parties": 0.9, "positions": 0.7, "dates": 0.8, "disputes": 0.6}


def _varied(n: int, shift: dict[str, float] | None = None) -> list:
    """Articles of different difficulty (so the bootstrap has spread), optionally shifted."""
    shift = shift or {}
    out = []
    for i, a in enumerate(ids(n)):
        wobble = (i % 4) * 0.05
        out.append(
            make_record(a, {f: max(0.0, v - wobble - shift.get(f, 0.0)) for f, v in GOOD.items()})
        )
    return out


@pytest.fixture
def blessed(tmp_path: Path) -> tuple[Path, Path]:
    run = write_run(tmp_path / "runs", "blessed-run", _varied(12))
    out = bless(run, tmp_path / "baselines" / "seed.json")
    return run, out


def test_bless_writes_per_article_values_and_identity(blessed: tuple[Path, Path]) -> None:
    _, path = blessed
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "newsbrief-baseline" and data["name"] == "seed"
    assert data["model"] == "fake/model-a" and data["prompt"] == "summary/v1"
    assert data["weights_hash"] == "ab" * 32 and data["run_id"] == "blessed-run"
    assert sorted(data["articles"]) == ids(12)
    first = data["articles"][ids(12)[0]]
    assert first["parties"] == [0.9] and first["validity_rate"] == [1.0]
    assert data["summary"]["parties"] == pytest.approx(0.9 - 0.075)
    assert load_baseline(path).name == "seed"


def test_blessed_run_passes_its_own_baseline(blessed: tuple[Path, Path]) -> None:
    run, path = blessed
    assert check_against_baseline(run, path) == []
    assert_no_regression(run, path)


def test_degraded_copy_fails_with_a_readable_message(
    blessed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, path = blessed
    worse = write_run(tmp_path / "runs", "worse", _varied(12, {"positions": 0.2}))
    failures = check_against_baseline(worse, path)
    assert len(failures) == 2  # positions and, through it, the macro F1
    assert failures[0].startswith("positions F1: 0.425 vs baseline 0.625 (Δ -0.200")
    assert "worse beyond the bootstrap CI" in failures[0]
    assert failures[1].startswith("macro F1: ")
    with pytest.raises(AssertionError) as exc:
        assert_no_regression(worse, path)
    message = str(exc.value)
    assert "regression against baseline 'seed'" in message
    assert "model fake/model-a, prompt summary/v1" in message
    assert "positions F1" in message


def test_failed_articles_cost_against_the_baseline(
    blessed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, path = blessed
    recs = _varied(12)
    for i in (0, 3, 5, 8):
        recs[i] = make_record(ids(12)[i], status="error")
    broken = write_run(tmp_path / "runs", "broken", recs)
    failures = check_against_baseline(broken, path)
    assert {f.split(":")[0] for f in failures} >= {"parties F1", "macro F1"}


def test_few_articles_use_a_fixed_margin(tmp_path: Path) -> None:
    run = write_run(tmp_path, "small", [make_record(a, 0.8) for a in ids(3)])
    path = bless(run, tmp_path / "small.json")
    assert MIN_CI_ARTICLES > 3
    slightly = write_run(
        tmp_path, "slightly", [make_record(a, 0.8 - DEFAULT_MARGIN / 2) for a in ids(3)]
    )
    assert check_against_baseline(slightly, path) == []
    much = write_run(tmp_path, "much", [make_record(a, 0.6) for a in ids(3)])
    failures = check_against_baseline(much, path)
    assert failures and all("fewer than 8 articles, fixed margin" in f for f in failures)
    # an explicit margin overrides the default one
    assert check_against_baseline(much, path, tolerance=0.25) == []
    assert check_against_baseline(slightly, path, tolerance=0.01) != []


def test_scores_mapping_in_a_users_test(blessed: tuple[Path, Path]) -> None:
    _, path = blessed
    scores: dict[str, object] = {
        a: make_scores({f: max(0.0, v - (i % 4) * 0.05) for f, v in GOOD.items()})
        for i, a in enumerate(ids(12))
    }
    assert check_against_baseline(scores, path) == []
    # ArticleScores objects and lists of repeats are accepted too
    as_models = {a: [ArticleScores.model_validate(s)] * 2 for a, s in scores.items()}
    assert check_against_baseline(as_models, path) == []
    # None is a failed article: F1 0
    failed = {a: None for a in ids(12)}
    assert len(check_against_baseline(failed, path)) == 5


def test_no_shared_article_is_a_failure(blessed: tuple[Path, Path]) -> None:
    _, path = blessed
    failures = check_against_baseline({"unknown": make_scores(1.0)}, path)
    assert failures and "no article in common" in failures[0]


def test_baseline_file_as_compare_reference(blessed: tuple[Path, Path], tmp_path: Path) -> None:
    run, path = blessed
    worse = write_run(tmp_path / "runs", "worse", _varied(12, {"dates": 0.3}))
    comp = compare_runs([run, worse], baseline=path, max_drop=0.1, n_boot=300)
    assert comp.runs[0].run_id == "baseline:seed" and comp.runs[0].source == "baseline"
    assert [r.run_id for r in comp.runs[1:]] == ["blessed-run", "worse"]
    assert comp.row("dates").cells[1].delta == pytest.approx(0.0)
    assert comp.row("dates").cells[2].regression
    assert comp.exit_code == 1 and "worse" in comp.failures[0]


def test_bless_refuses_an_unscored_run(tmp_path: Path) -> None:
    rec = make_record("x")
    rec.scores = None
    run = write_run(tmp_path, "nogold", [rec])
    with pytest.raises(BaselineError, match="nothing to bless"):
        bless(run, tmp_path / "b.json")


def test_malformed_baseline_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(BaselineError, match="not a newsbrief baseline"):
        load_baseline(bad)
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "missing.json")


def test_the_blessed_baseline_is_of_the_current_default_model_and_prompt() -> None:
    """A changed default (or a changed default prompt) must be re-blessed from a fresh run;
    otherwise the CI gate compares the new pipeline with an old one's scores."""
    from summarize.prompting import DEFAULT_PROMPT, load_prompt
    from summarize.providers.registry import DEFAULT_MODEL

    baseline = load_baseline(ROOT / "evals" / "baselines" / "default.json")
    assert baseline.model == DEFAULT_MODEL
    assert baseline.prompt == DEFAULT_PROMPT
    assert baseline.prompt_hash == load_prompt(DEFAULT_PROMPT).content_hash


def test_bless_and_check_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsbrief.cli import main

    run = write_run(tmp_path / "runs", "good", _varied(12))
    baseline = tmp_path / "baselines" / "cli.json"
    assert main(["eval", "bless", str(run), str(baseline), "--name", "cli"]) == 0
    assert load_baseline(baseline).name == "cli"
    assert main(["eval", "check", str(run), str(baseline)]) == 0
    assert "no regression" in capsys.readouterr().out
    worse = write_run(tmp_path / "runs", "worse", _varied(12, {"positions": 0.2}))
    assert main(["eval", "check", str(worse), str(baseline)]) == 1
    assert "FAIL: positions F1" in capsys.readouterr().out
    assert main(["eval", "check", str(worse), str(tmp_path / "missing.json")]) == 2


def test_runs_over_two_suites_pool_into_one_baseline_with_enough_articles(tmp_path: Path) -> None:
    """Five seeds are too few for a bootstrap; the seeds and dev/tune together are not."""
    seeds = write_run(tmp_path / "runs", "seeds", _varied(5)[:5])
    tune_records = [
        make_record(f"tune-{i}", {f: v - (i % 4) * 0.05 for f, v in GOOD.items()}) for i in range(6)
    ]
    tune = write_run(tmp_path / "runs", "tune", tune_records)
    path = bless([seeds, tune], tmp_path / "pooled.json")
    baseline = load_baseline(path)
    assert len(baseline.articles) == 11 >= MIN_CI_ARTICLES and len(baseline.suites) == 2
    assert check_against_baseline([seeds, tune], path) == []
    worse = write_run(
        tmp_path / "runs",
        "tune-worse",
        [
            make_record(
                f"tune-{i}",
                {f: v - (i % 4) * 0.05 - (0.4 if f == "dates" else 0.0) for f, v in GOOD.items()},
            )
            for i in range(6)
        ],
    )
    failures = check_against_baseline([seeds, worse], path)
    assert any("dates F1" in f and "bootstrap CI" in f for f in failures)  # not a fixed margin
    with pytest.raises(BaselineError, match="share articles"):
        bless([seeds, seeds], tmp_path / "twice.json")


def test_blessing_over_a_drop_needs_what_was_traded(tmp_path: Path) -> None:
    good = write_run(tmp_path / "runs", "good", _varied(12))
    path = bless(good, tmp_path / "base.json")
    worse = write_run(tmp_path / "runs", "worse", _varied(12, {"disputes": 0.3}))
    with pytest.raises(BaselineError, match="--traded"):
        bless(worse, path)
    assert load_baseline(path).run_id == "good"  # left as it was
    bless(worse, path, traded="disputes for half the seconds per article")
    baseline = load_baseline(path)
    assert baseline.run_id == "worse"
    assert baseline.traded == ["summary/v1: disputes for half the seconds per article"]
    better = write_run(tmp_path / "runs", "better", _varied(12))
    bless(better, path)  # no drop: no note needed, the old notes stay
    assert load_baseline(path).traded == baseline.traded


def test_every_trade_in_a_blessed_baseline_is_in_the_version_history() -> None:
    root = ROOT
    history = "\n".join(
        p.read_text("utf-8") for p in [root / "README.md", *sorted(root.glob("docs/*.md"))]
    )
    for path in sorted((root / "evals" / "baselines").glob("*.json")):
        for note in load_baseline(path).traded:
            assert note.split(": ", 1)[1] in history, f"{path.name}: {note!r} not in the history"
