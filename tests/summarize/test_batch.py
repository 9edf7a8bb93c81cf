"""Batch summaries without gold: one line per article, resumable, failures retried."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarize.batch import BatchStats, expand_inputs, summarize_folder
from summarize.core.jsonl import PartialLineWarning
from summarize.errors import CorruptLineError, OutputMismatchError
from summarize.prompting import DEFAULT_PROMPT
from summarize.providers import registry
from summarize.providers.fake import FakeBackend, heuristic_answer
from tests.helpers.suites import article_text


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def fake_calls() -> int:
    backend = registry.resolve_backend("fake/heuristic")
    assert isinstance(backend, FakeBackend)
    return len(backend.requests)


def folder(tmp_path: Path, n: int = 3) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(n):
        (src / f"a{i}.txt").write_text(article_text(i), encoding="utf-8")
    (src / "notes.json").write_text("{}")  # not an article: ignored
    return src


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_expand_inputs(tmp_path: Path) -> None:
    src = folder(tmp_path, 2)
    (src / "b.md").write_text(article_text(3))
    (src / "c.html").write_text("<html><body><p>" + article_text(4) + "</p></body></html>")
    found = expand_inputs([src, src / "a0.txt"])
    assert [p.name for p in found] == ["a0.txt", "a1.txt", "b.md", "c.html"]
    with pytest.raises(FileNotFoundError):
        expand_inputs([tmp_path / "missing"])


def test_one_line_per_article_then_rerun_skips(tmp_path: Path) -> None:
    src = folder(tmp_path)
    out = tmp_path / "out.jsonl"
    stats = summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    assert isinstance(stats, BatchStats)
    assert (stats.total, stats.ok, stats.failed, stats.skipped) == (3, 3, 0, 0)
    rows = lines(out)
    assert [Path(r["article"]).name for r in rows] == ["a0.txt", "a1.txt", "a2.txt"]
    for row in rows:
        assert row["status"] == "ok" and row["error"] is None
        assert row["summary"]["headline"] and row["calls"] and row["wall_s"] >= 0
        assert row["model"] == "fake/heuristic" and row["prompt"] == DEFAULT_PROMPT
        assert len(row["prompt_hash"]) == 64 and len(row["behaviour_hash"]) == 64
    assert "3 ok" in str(stats)

    before = fake_calls()
    again = summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    assert fake_calls() == before and (again.skipped, again.ok) == (3, 0)
    assert lines(out) == rows

    (src / "a3.txt").write_text(article_text(3))
    more = summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    assert (more.skipped, more.ok) == (3, 1) and len(lines(out)) == 4

    fresh = summarize_folder(
        [src], out, model="fake/heuristic", prompt=None, resume=False, progress=False
    )
    assert (fresh.skipped, fresh.ok) == (0, 4) and len(lines(out)) == 4


def test_failures_are_lines_and_are_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = folder(tmp_path)
    (src / "a1.txt").write_text(article_text(1) + "POISON\n")
    state = {"poison": True}

    def answer(kwargs: dict[str, Any]) -> Any:
        if state["poison"] and "POISON" in json.dumps(kwargs.get("messages", [])):
            return "not json at all"
        return heuristic_answer(kwargs)

    monkeypatch.setitem(
        registry._PROVIDERS, "flaky", lambda name, **o: FakeBackend(name, script=[answer] * 200)
    )
    out = tmp_path / "out.jsonl"
    stats = summarize_folder([src], out, model="flaky/x", prompt=None, progress=False)
    assert (stats.ok, stats.failed) == (2, 1)
    failed = [r for r in lines(out) if r["status"] == "error"]
    assert len(failed) == 1 and failed[0]["summary"] is None
    assert failed[0]["error"]["type"] == "OutputValidationError"
    assert failed[0]["error"]["raw_output"] == "not json at all" and failed[0]["calls"]

    state["poison"] = False  # the endpoint recovered
    retry = summarize_folder([src], out, model="flaky/x", prompt=None, progress=False)
    assert (retry.skipped, retry.ok, retry.failed) == (2, 1, 0)
    rows = lines(out)
    assert len(rows) == 3 and all(r["status"] == "ok" for r in rows)
    assert sorted(Path(r["article"]).name for r in rows) == ["a0.txt", "a1.txt", "a2.txt"]


def test_another_model_in_the_same_output_is_refused(tmp_path: Path) -> None:
    src = folder(tmp_path, 1)
    out = tmp_path / "out.jsonl"
    summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    with pytest.raises(OutputMismatchError, match="another file"):
        summarize_folder([src], out, model="fake/other", prompt=None, progress=False)


def test_damaged_output_is_reported_and_a_kill_artefact_repaired(tmp_path: Path) -> None:
    src = folder(tmp_path, 3)
    out = tmp_path / "out.jsonl"
    summarize_folder([src / "a0.txt"], out, model="fake/heuristic", prompt=None, progress=False)
    with open(out, "a") as f:
        f.write('{"article": "half')  # killed mid-write
    with pytest.warns(PartialLineWarning):
        stats = summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    assert (stats.skipped, stats.ok) == (1, 2)
    assert len(lines(out)) == 3  # every line valid JSON

    out.write_text('{"article": "x", "status": "ok"}\nnot json\n' + out.read_text())
    with pytest.raises(CorruptLineError, match="line 2"):
        summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)


def test_concurrency_uses_threads_for_endpoints(tmp_path: Path) -> None:
    src = folder(tmp_path, 6)
    out = tmp_path / "out.jsonl"
    stats = summarize_folder(
        [src], out, model="fake/heuristic", prompt=None, concurrency=3, progress=False
    )
    assert stats.concurrency == 3 and stats.ok == 6
    assert sorted(Path(r["article"]).name for r in lines(out)) == [f"a{i}.txt" for i in range(6)]


def test_local_models_run_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a stand-in for local/*: no model is loaded in tests
    monkeypatch.setitem(registry._PROVIDERS, "local", lambda name, **o: FakeBackend(name))
    src = folder(tmp_path, 2)
    stats = summarize_folder(
        [src],
        tmp_path / "out.jsonl",
        model="local/tiny",
        prompt=None,
        concurrency=4,
        progress=False,
    )
    assert stats.concurrency == 1 and stats.ok == 2
    assert stats.notes and "one article at a time" in stats.notes[0]


def test_html_input_is_read_as_article_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_text(
        "<html><head><title>t</title></head><body><article><p>"
        + article_text(0)
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    stats = summarize_folder([src], out, model="fake/heuristic", prompt=None, progress=False)
    assert stats.ok == 1
    [row] = lines(out)
    assert "<" not in row["summary"]["summary"]
