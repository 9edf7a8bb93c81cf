"""The run directory on disk: round trips, version refusal, crash artefacts, the cache index."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from evals.store import (
    CACHE_INDEX_FILE,
    FORMAT_VERSION,
    RECORDS_FILE,
    ArticleRecord,
    CacheIndex,
    CorruptRecordError,
    ErrorInfo,
    PartialLineWarning,
    RunAggregate,
    RunConfig,
    RunFormatError,
    RunStore,
    RunStoreError,
    cache_key,
    find_cached,
    rebuild_cache_index,
)
from summarize.core.backend import CallRecord
from summarize.core.jsonl import JsonlLog


def make_config(run_id: str = "run-1") -> RunConfig:
    return RunConfig(
        run_id=run_id,
        created="2026-11-01T00:00:00+00:00",
        model="fake/heuristic",
        model_info={"model": "fake/heuristic", "provider": "fake"},
        prompt="summary/v1",
        prompt_hash="p" * 64,
        params={"max_retries": 2},
        suite="/suite",
        articles=["a", "b"],
    )


def make_record(
    article_id: str = "a", repeat: int = 0, *, status: str = "ok", key: str = "k" * 64
) -> ArticleRecord:
    ok = status == "ok"
    return ArticleRecord(
        cache_key=key,
        article_id=article_id,
        repeat=repeat,
        status=status,  # type: ignore[arg-type]
        prediction={"headline": "Ünïcode headline", "summary": "s"} if ok else None,
        error=None
        if ok
        else ErrorInfo(
            type="OutputValidationError", message="bad", attempts=3, raw_output="{not json"
        ),
        calls=[
            CallRecord(
                purpose="extract",
                model="fake/heuristic",
                mode="json_schema",
                attempt=1,
                ok=ok,
                prompt_tokens=10,
                completion_tokens=5,
                latency_s=0.1,
            )
        ],
        wall_s=0.5,
    )


def test_round_trip(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    assert store.path == tmp_path / "run-1"
    records = [make_record("a"), make_record("b", status="error"), make_record("a", 1)]
    assert [store.append(r) for r in records] == [1, 2, 3]
    agg = RunAggregate(run_id="run-1", n_records=3, n_ok=2, n_error=1, validity_rate=2 / 3)
    store.write_aggregate(agg)

    again = RunStore.open(store.path)
    assert again.config == make_config()
    assert again.records() == records
    assert again.aggregate == agg
    assert again.done_keys() == {("a", 0), ("b", 0), ("a", 1)}
    # one JSON object per line, nothing else
    lines = (store.path / RECORDS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(
        json.loads(line)["format_version"] == FORMAT_VERSION for line in lines
    )


def test_aggregate_absent_until_written(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    assert store.aggregate is None
    assert store.records() == []


def test_create_refuses_an_existing_run(tmp_path: Path) -> None:
    RunStore.create(tmp_path, make_config())
    with pytest.raises(RunStoreError, match="already exists"):
        RunStore.create(tmp_path, make_config())


def test_open_refuses_another_format_version(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    cfg = json.loads((store.path / "config.json").read_text())
    cfg["format_version"] = FORMAT_VERSION + 1
    (store.path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(RunFormatError, match="format_version") as info:
        RunStore.open(store.path)
    assert info.value.found == FORMAT_VERSION + 1


def test_open_refuses_a_record_of_another_format_version(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record())
    data = make_record("b").model_dump(mode="json") | {"format_version": 99}
    with open(store.records_path, "a") as f:
        f.write(json.dumps(data) + "\n")
    with pytest.raises(RunFormatError, match="line 2"):
        store.records()


def test_open_refuses_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(RunFormatError, match="not a run directory"):
        RunStore.open(tmp_path)
    with pytest.raises(RunFormatError, match="no such run directory"):
        RunStore.open(tmp_path / "missing")


def test_corrupt_middle_line_is_reported_with_its_number(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record("a"))
    with open(store.records_path, "a") as f:
        f.write('{"cache_key": "x", "article_id": \n')  # damaged, but newline-terminated
    store.append(make_record("b"))
    with pytest.raises(CorruptRecordError) as info:
        store.records()
    assert info.value.line == 2
    assert RECORDS_FILE in str(info.value) and "line 2" in str(info.value)


def test_valid_json_that_is_not_a_record_is_reported(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record("a"))
    with open(store.records_path, "a") as f:
        f.write('{"article_id": "b"}\n')
    with pytest.raises(CorruptRecordError, match="line 2"):
        store.done_keys()


def test_trailing_partial_line_is_ignored_then_truncated(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record("a"))
    full = make_record("b").model_dump_json()
    with open(store.records_path, "a") as f:
        f.write(full[: len(full) // 2])  # a write cut short by a kill: no newline
    with pytest.warns(PartialLineWarning, match="partial last line"):
        assert [r.article_id for r in store.records()] == ["a"]

    reopened = RunStore.open(store.path)  # as a resumed process would
    assert reopened.append(make_record("c")) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no partial line left to warn about
        assert [r.article_id for r in reopened.records()] == ["a", "c"]
    text = store.records_path.read_text()
    assert text.endswith("\n") and text.count("\n") == 2


def test_a_complete_json_line_without_newline_is_still_a_partial_write(tmp_path: Path) -> None:
    """A record counts only once its newline is on disk."""
    store = RunStore.create(tmp_path, make_config())
    with open(store.records_path, "a") as f:
        f.write(make_record("a").model_dump_json())
    with pytest.warns(PartialLineWarning):
        assert store.records() == []


def test_append_is_one_write_of_the_whole_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarize.core.jsonl as store_mod

    writes: list[bytes] = []
    real_write = store_mod.os.write

    def spy(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    synced: list[int] = []
    monkeypatch.setattr(store_mod.os, "write", spy)
    monkeypatch.setattr(store_mod.os, "fsync", lambda fd: synced.append(fd))
    store = RunStore.create(tmp_path, make_config())
    big = make_record("a").model_copy(update={"raw_outputs": ["x" * 100_000]})
    store.append(big)
    assert len(writes) == 1 and writes[0].endswith(b"\n") and writes[0].count(b"\n") == 1
    assert synced


def test_rewrite_records_is_atomic_and_complete(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    for article in "abc":
        store.append(make_record(article))
    new = [r.model_copy(update={"scores": {"macro_f1": 1.0}}) for r in store.records()]
    store.rewrite_records(new)
    assert store.records() == new
    assert not [p for p in store.path.iterdir() if p.name.endswith(".tmp")]
    assert store.append(make_record("d")) == 4


def test_jsonl_log_blank_lines_are_not_records(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\n')
    assert [(line.number, line.value) for line in JsonlLog(path).read()] == [
        (1, {"a": 1}),
        (3, {"a": 2}),
    ]


# --- cache ---------------------------------------------------------------------------------
def test_cache_key_depends_on_every_input() -> None:
    base = ({"model": "m", "weights_sha256": "w"}, "p", "text", {"t": 0})
    key = cache_key(*base)
    assert len(key) == 64 and key == cache_key(*base)
    assert key == cache_key({"weights_sha256": "w", "model": "m"}, "p", "text", {"t": 0})
    assert key != cache_key({"model": "m", "weights_sha256": "v"}, "p", "text", {"t": 0})
    assert key != cache_key(base[0], "q", "text", {"t": 0})
    assert key != cache_key(base[0], "p", "text ", {"t": 0})
    assert key != cache_key(base[0], "p", "text", {"t": 1})
    assert key != cache_key(*base, version="0.0.0-other")
    # the behaviour hash (the passes' code) is part of the key; a run recorded before it
    # existed has none, and its keys stay what they were
    assert key != cache_key(*base, behaviour_hash="b") != cache_key(*base, behaviour_hash="c")
    assert key == cache_key(*base, behaviour_hash="")


def test_find_cached_serves_ok_records_only(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    index = CacheIndex(tmp_path)
    ok = make_record("a", key="1" * 64)
    failed = make_record("b", status="error", key="2" * 64)
    for record in (ok, failed):
        line = store.append(record)
        if record.status == "ok":
            index.add(record.cache_key, record.repeat, store.path, line)
    # even if someone indexed the failure by hand, it is not served
    index.add(failed.cache_key, 0, store.path, 2)

    assert find_cached(tmp_path, "1" * 64) == ok
    assert find_cached(tmp_path, "1" * 64, repeat=1) is None  # repeats are separate samples
    assert find_cached(tmp_path, "2" * 64) is None
    assert find_cached(tmp_path, "3" * 64) is None


def test_cache_index_survives_stale_entries_and_missing_runs(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    record = make_record("a", key="1" * 64)
    line = store.append(record)
    index = CacheIndex(tmp_path)
    index.add("1" * 64, 0, tmp_path / "gone", 1)  # a deleted run
    index.add("1" * 64, 0, store.path, 7)  # a line that does not exist
    index.add("1" * 64, 0, store.path, line)
    assert find_cached(tmp_path, "1" * 64) == record  # stale entries skipped, hit verified


def test_a_damaged_cache_index_is_rebuilt_from_the_runs(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    record = make_record("a", key="1" * 64)
    store.append(record)
    (tmp_path / CACHE_INDEX_FILE).write_bytes(b"not a database, a half-written file")
    with pytest.warns(UserWarning, match="rebuilt"):
        index = CacheIndex(tmp_path)
    assert index.find("1" * 64) == record


def test_a_runs_root_without_an_index_is_indexed_on_first_use(tmp_path: Path) -> None:
    """Runs written before the index existed (or copied in by hand) still serve the cache."""
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record("a", key="1" * 64))
    (tmp_path / CACHE_INDEX_FILE).unlink(missing_ok=True)
    assert find_cached(tmp_path, "1" * 64) is not None


def test_rebuild_cache_index(tmp_path: Path) -> None:
    store = RunStore.create(tmp_path, make_config())
    store.append(make_record("a", key="1" * 64))
    store.append(make_record("b", status="error", key="2" * 64))
    assert rebuild_cache_index(tmp_path) == 1
    assert find_cached(tmp_path, "1" * 64) is not None
