"""Engines without Ray: JSONL files of articles, the engine flags and their errors, the
recipe a worker rebuilds its summarizer from, and Ray never imported unless asked for.

(The Ray engine itself, on a real local head: ``tests/test_ray_engine.py``.)
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsbrief.cli import main
from summarize.batch import article_sources, read_articles_jsonl, summarize_folder
from summarize.engines import EngineOptions, SummarizerRecipe, check_engine, make_engine
from summarize.errors import (
    ArticleLineError,
    EngineError,
    EngineUnavailableError,
    InputError,
)
from summarize.pipeline import Summarizer
from summarize.providers import registry
from tests.test_runner import article_text

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


# --- a JSONL file of articles ---------------------------------------------------------------
def test_a_jsonl_file_of_articles_is_a_batch_keyed_by_id(tmp_path: Path) -> None:
    """Each line is an article: its id names the output line, its published date anchors
    relative dates (on Monday -> a date), and a re-run skips what is done."""
    articles = write_jsonl(tmp_path / "articles.jsonl", [
        {"id": "budget", "text": article_text(0), "published": "2024-07-10"},
        "",  # blank lines are skipped
        {"id": "rail", "text": article_text(1), "gold": {"ignored": True}},
    ])
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "tariff.txt").write_text(article_text(2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = summarize_folder([articles, folder], out, model="fake/heuristic", progress=False)
    assert (stats.total, stats.ok, stats.failed) == (3, 3, 0)
    got = {line["article"]: line for line in lines(out)}
    assert set(got) == {"budget", "rail", str(folder / "tariff.txt")}
    budget = got["budget"]["summary"]
    assert budget["published"] == "2024-07-10"
    assert "2024-07-08" in [d["value"] for d in budget["dates"]]  # "on Monday" before it
    assert got["rail"]["summary"]["published"] is None

    again = summarize_folder([articles, folder], out, model="fake/heuristic", progress=False)
    assert (again.skipped, again.ok) == (3, 0)
    assert len(lines(out)) == 3


@pytest.mark.parametrize(("row", "reason"), [
    ("{not json", "line 1: not a JSON line"),
    ('["a list"]', "each line is one JSON object"),
    ({"text": "Ann Lee said so."}, "id: a name of letters, digits"),
    ({"id": "a/b", "text": "Ann Lee said so."}, "id: a name of letters, digits"),
    ({"id": "a"}, "text: the article text is required"),
    ({"id": "a", "text": "   "}, "text: the article text is required"),
    ({"id": "a", "text": "Ann Lee said so.", "published": "last week"},
     "published: a date like 2024-07-08, not 'last week'"),
])
def test_a_bad_line_is_a_typed_error_naming_it(tmp_path: Path, row: Any, reason: str) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [row])
    with pytest.raises(ArticleLineError) as caught:
        read_articles_jsonl(path)
    assert caught.value.line == 1
    assert f"{path}:1" in str(caught.value) and reason.removeprefix("line 1: ") in str(
        caught.value)


def test_duplicate_ids_and_empty_files_are_refused(tmp_path: Path) -> None:
    twice = write_jsonl(tmp_path / "twice.jsonl", [{"id": "a", "text": "One."},
                                                   {"id": "a", "text": "Two."}])
    with pytest.raises(ArticleLineError, match=r"twice.jsonl:2: id: 'a' is used by an earlier"):
        read_articles_jsonl(twice)
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "a", "text": "Three."}])
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "a", "text": "One."}])
    with pytest.raises(InputError, match="two articles are named 'a'"):
        article_sources([first, other])
    with pytest.raises(InputError, match="no articles in this file"):
        article_sources([write_jsonl(tmp_path / "empty.jsonl", [""])])


def test_cli_batch_of_a_jsonl_file_and_its_errors(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    articles = write_jsonl(tmp_path / "a.jsonl", [{"id": "one", "text": article_text(0)}])
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(articles), "-o", str(out), "--model", "fake/heuristic"]) == 0
    assert [line["article"] for line in lines(out)] == ["one"]
    capsys.readouterr()
    assert main(["summarize", str(articles), "--model", "fake/heuristic"]) == 2
    assert one_error_line(capsys) == ("error: a JSONL file of articles needs -o OUT.jsonl (one "
                                      "line per article)")
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "one", "text": "x"}, "{"])
    assert main(["summarize", str(bad), "-o", str(out), "--model", "fake/heuristic"]) == 2
    assert one_error_line(capsys).startswith(f"error: {bad}:2: not a JSON line")


# --- the engine flags -----------------------------------------------------------------------
@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any Summarizer is built (the checks must come first)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the flags were checked")

    monkeypatch.setattr(Summarizer, "__init__", refuse)


@pytest.mark.usefixtures("no_model_loads")
def test_engine_flags_are_checked_before_a_model_loads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(REPO / "seeds" / "000_4384644db8aab1e9.txt")
    out = str(tmp_path / "out.jsonl")
    model = ["--model", "fake/heuristic"]
    cases = [
        (["summarize", seed, "-o", out, "--address", "auto"],
         "error: --address goes with --engine ray"),
        (["summarize", seed, "-o", out, "--actors", "2", "--address", "auto"],
         "error: --address and --actors go with --engine ray"),
        (["summarize", seed, "--engine", "ray"],
         "error: --engine ray runs batches: add -o OUT.jsonl"),
        (["summarize", seed, "-o", out, "--engine", "spark"],
         "error: Invalid value for '--engine': 'spark' is not one of 'local', 'ray'. (see "
         "newsbrief summarize --help)"),
        (["summarize", seed, "-o", out, "--engine", "ray", "--actors", "0"],
         "error: Invalid value for '--actors': 0 is not in the range x>=1. (see newsbrief "
         "summarize --help)"),
        (["eval", "run", "--task", "digest", "--engine", "ray"],
         "error: --engine ray does not apply to --task digest"),
        (["eval", "run", "--actors", "2"], "error: --actors goes with --engine ray"),
    ]
    for argv, message in cases:
        assert main([*argv, *model]) == 2, argv
        assert one_error_line(capsys) == message
    assert not Path(out).exists()


def test_without_ray_the_error_names_the_install(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(EngineUnavailableError, match=r"pip install 'newsbrief\[ray\]'"):
        check_engine(EngineOptions("ray"))
    seed = REPO / "seeds" / "000_4384644db8aab1e9.txt"
    argv = ["summarize", str(seed), "-o", str(tmp_path / "o.jsonl"), "--engine", "ray",
            "--model", "fake/heuristic"]
    assert main(argv) == 2
    assert one_error_line(capsys) == ("error: --engine ray needs Ray with Ray Data (ray is "
                                      "missing): pip install 'newsbrief[ray]'")
    assert not (tmp_path / "o.jsonl").exists()
    assert make_engine(None).name == "local"  # the default needs no Ray


def test_importing_the_library_and_the_cli_does_not_import_ray() -> None:
    code = ("import sys, summarize, summarize.batch, summarize.engines, summarize.cli, "
            "evals.runner, evals.cli, newsbrief.cli; from summarize.pipeline import Summarizer; "
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert done.stdout.strip() == "False"


# --- what a worker rebuilds ----------------------------------------------------------------
def test_a_worker_rebuilds_the_same_summarizer_or_refuses() -> None:
    summarizer = Summarizer("fake/heuristic", None, max_tokens=900)
    recipe = pickle.loads(pickle.dumps(SummarizerRecipe.of(summarizer, "fake/heuristic")))
    registry.clear_cache()
    rebuilt = recipe.build()
    assert rebuilt is not summarizer
    assert (rebuilt.max_tokens, rebuilt.prompt_hash) == (900, summarizer.prompt_hash)
    other = SummarizerRecipe(recipe.model, recipe.prompt, recipe.kwargs, recipe.backend_options,
                             {**recipe.expected, "prompt_hash": "0" * 64})
    with pytest.raises(EngineError, match=r"a worker's summarizer differs from the driver's "
                                          r"\(prompt_hash"):
        other.build()


def test_ray_is_an_extra_that_the_quick_start_and_ci_install() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("ray") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("ray[data]") for d in extras["ray"])
    assert "newsbrief[ray]" in extras["dev"]  # the quick start (and .ci/run) install .[local,dev]
    assert "pip install 'newsbrief[ray]'" in (REPO / "summarize" / "engines" / "__init__.py"
                                              ).read_text(encoding="utf-8")
