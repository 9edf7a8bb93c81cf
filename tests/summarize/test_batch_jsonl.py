"""Batches of JSONL files of articles (``{"id", "text", "published"}`` a line): keyed by
id, checked line by line before any model loads, mixed with files and folders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsbrief.cli import main
from summarize.batch import article_sources, read_articles_jsonl, summarize_folder
from summarize.errors import ArticleLineError, InputError
from summarize.providers import registry
from tests.helpers.suites import article_text


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_a_jsonl_file_of_articles_is_a_batch_keyed_by_id(tmp_path: Path) -> None:
    """Each line is an article: its id names the output line, its published date anchors
    relative dates (on Monday -> a date), and a re-run skips what is done."""
    articles = write_jsonl(
        tmp_path / "articles.jsonl",
        [
            {"id": "budget", "text": article_text(0), "published": "2024-07-10"},
            "",  # blank lines are skipped
            {"id": "rail", "text": article_text(1), "gold": {"ignored": True}},
        ],
    )
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


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("{not json", "line 1: not a JSON line"),
        ('["a list"]', "each line is one JSON object"),
        ({"text": "Ann Lee said so."}, "id: a name of letters, digits"),
        ({"id": "a/b", "text": "Ann Lee said so."}, "id: a name of letters, digits"),
        ({"id": "a"}, "text: the article text is required"),
        ({"id": "a", "text": "   "}, "text: the article text is required"),
        (
            {"id": "a", "text": "Ann Lee said so.", "published": "last week"},
            "published: a date like 2024-07-08, not 'last week'",
        ),
    ],
)
def test_a_bad_line_is_a_typed_error_naming_it(tmp_path: Path, row: Any, reason: str) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [row])
    with pytest.raises(ArticleLineError) as caught:
        read_articles_jsonl(path)
    assert caught.value.line == 1
    assert f"{path}:1" in str(caught.value) and reason.removeprefix("line 1: ") in str(caught.value)


def test_duplicate_ids_and_empty_files_are_refused(tmp_path: Path) -> None:
    twice = write_jsonl(
        tmp_path / "twice.jsonl", [{"id": "a", "text": "One."}, {"id": "a", "text": "Two."}]
    )
    with pytest.raises(ArticleLineError, match=r"twice.jsonl:2: id: 'a' is used by an earlier"):
        read_articles_jsonl(twice)
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "a", "text": "Three."}])
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "a", "text": "One."}])
    with pytest.raises(InputError, match="two articles are named 'a'"):
        article_sources([first, other])
    with pytest.raises(InputError, match="no articles in this file"):
        article_sources([write_jsonl(tmp_path / "empty.jsonl", [""])])


def test_cli_batch_of_a_jsonl_file_and_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = write_jsonl(tmp_path / "a.jsonl", [{"id": "one", "text": article_text(0)}])
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(articles), "-o", str(out), "--model", "fake/heuristic"]) == 0
    assert [line["article"] for line in lines(out)] == ["one"]
    capsys.readouterr()
    assert main(["summarize", str(articles), "--model", "fake/heuristic"]) == 2
    assert one_error_line(capsys) == (
        "error: a JSONL file of articles needs -o OUT.jsonl (one line per article)"
    )
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "one", "text": "x"}, "{"])
    assert main(["summarize", str(bad), "-o", str(out), "--model", "fake/heuristic"]) == 2
    assert one_error_line(capsys).startswith(f"error: {bad}:2: not a JSON line")
