"""Engines without Ray: the engine flags and their errors, the recipe a worker rebuilds its
summarizer from, and Ray never imported unless asked for.

(The Ray engine itself, on a real local head: ``test_ray_engine.py`` beside this file.)
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbrief.cli import main
from summarize.engines import EngineOptions, SummarizerRecipe, check_engine, make_engine
from summarize.errors import EngineError, EngineUnavailableError
from summarize.pipeline import Summarizer
from summarize.providers import registry
from tests.helpers.paths import ROOT as REPO


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


# --- the engine flags -----------------------------------------------------------------------
@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any Summarizer is built (the checks must come first)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the flags were checked")

    monkeypatch.setattr(Summarizer, "__init__", refuse)


@pytest.mark.usefixtures("no_model_loads")
def test_engine_flags_are_checked_before_a_model_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = str(REPO / "seeds" / "000_4384644db8aab1e9.txt")
    out = str(tmp_path / "out.jsonl")
    model = ["--model", "fake/heuristic"]
    cases = [
        (
            ["summarize", seed, "-o", out, "--address", "auto"],
            "error: --address goes with --engine ray",
        ),
        (
            ["summarize", seed, "-o", out, "--actors", "2", "--address", "auto"],
            "error: --address and --actors go with --engine ray",
        ),
        (
            ["summarize", seed, "--engine", "ray"],
            "error: --engine ray runs batches: add -o OUT.jsonl",
        ),
        (
            ["summarize", seed, "-o", out, "--engine", "spark"],
            "error: Invalid value for '--engine': 'spark' is not one of 'local', 'ray'. (see "
            "newsbrief summarize --help)",
        ),
        (
            ["summarize", seed, "-o", out, "--engine", "ray", "--actors", "0"],
            "error: Invalid value for '--actors': 0 is not in the range x>=1. (see newsbrief "
            "summarize --help)",
        ),
        (
            ["eval", "run", "--task", "digest", "--engine", "ray"],
            "error: --engine ray does not apply to --task digest",
        ),
        (["eval", "run", "--actors", "2"], "error: --actors goes with --engine ray"),
    ]
    for argv, message in cases:
        assert main([*argv, *model]) == 2, argv
        assert one_error_line(capsys) == message
    assert not Path(out).exists()


def test_without_ray_the_error_names_the_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(EngineUnavailableError, match=r"pip install 'newsbrief\[ray\]'"):
        check_engine(EngineOptions("ray"))
    seed = REPO / "seeds" / "000_4384644db8aab1e9.txt"
    argv = [
        "summarize",
        str(seed),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--engine",
        "ray",
        "--model",
        "fake/heuristic",
    ]
    assert main(argv) == 2
    assert one_error_line(capsys) == (
        "error: --engine ray needs Ray with Ray Data (ray is missing): pip install 'newsbrief[ray]'"
    )
    assert not (tmp_path / "o.jsonl").exists()
    assert make_engine(None).name == "local"  # the default needs no Ray


def test_importing_the_library_and_the_cli_does_not_import_ray() -> None:
    code = (
        "import sys, summarize, summarize.batch, summarize.engines, evals.runner, "
        "newsbrief.cli, newsbrief.cli.summarize, newsbrief.cli.eval.run; "
        "from summarize.pipeline import Summarizer; print('ray' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "False"


# --- what a worker rebuilds ----------------------------------------------------------------
def test_a_worker_rebuilds_the_same_summarizer_or_refuses() -> None:
    summarizer = Summarizer("fake/heuristic", None, max_tokens=900)
    recipe = pickle.loads(pickle.dumps(SummarizerRecipe.of(summarizer, "fake/heuristic")))
    registry.clear_cache()
    rebuilt = recipe.build()
    assert rebuilt is not summarizer
    assert (rebuilt.max_tokens, rebuilt.prompt_hash) == (900, summarizer.prompt_hash)
    other = SummarizerRecipe(
        recipe.model,
        recipe.prompt,
        recipe.kwargs,
        recipe.backend_options,
        {**recipe.expected, "prompt_hash": "0" * 64},
    )
    with pytest.raises(
        EngineError,
        match=r"a worker's summarizer differs from the driver's "
        r"\(prompt_hash",
    ):
        other.build()


def test_ray_is_an_extra_that_the_quick_start_and_ci_install() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("ray") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("ray[data]") for d in extras["ray"])
    # the quick start (and .ci/run) install .[local,dev]
    assert "newsbrief[ray]" in extras["dev"]
    assert "pip install 'newsbrief[ray]'" in (REPO / "summarize" / "engines" / "work.py").read_text(
        encoding="utf-8"
    )
