"""An on-disk cache of per-article summary runs, so a story digest never summarizes twice.

A digest of five articles costs five summaries; a second digest of the same articles (another
digest prompt, one more article, the ``--html`` view after ``--json``) should cost only what
changed. The key is everything that determines a summary: the backend's identity
(``describe()``: weights hash, endpoint), the prompt's content hash, the pipeline's parameters,
the prompt's behaviour hash (its files and its passes' code), the article text, the
publication date given, and a digest of the summarizer's own code (a changed pipeline is
never served an old pipeline's output). Entries are plain JSON files,
written atomically; a damaged entry is a miss, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from summarize.core.result import SummaryRun

#: The environment variable naming the cache folder (default: the per-user cache folder).
CACHE_DIR_ENV = "NEWSBRIEF_CACHE_DIR"
_KEY_VERSION = "summary-cache-v1"
# Code that does not change what a model's summary is: the digest built on it (this cache
# among it), views, batch jobs, and the fake backend of the tests (whose runs each use their
# own cache folder). Paths are relative to the ``summarize`` package.
_NOT_SUMMARY_CODE = ("digest/", "render/", "batch.py", "providers/fake.py")


def default_cache_dir() -> Path:
    """``$NEWSBRIEF_CACHE_DIR``, else ``<user cache>/newsbrief``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("newsbrief")


@functools.lru_cache(maxsize=1)
def summarizer_code_digest() -> str:
    """sha256 over the summarizer's source files (the digest, views and commands left out)."""
    root = Path(__file__).resolve().parent.parent  # the summarize package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name.startswith(_NOT_SUMMARY_CODE):
            continue
        h.update(name.encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def summary_key(
    model_info: dict[str, Any],
    prompt_hash: str,
    params: dict[str, Any],
    text: str,
    published: str | None,
    *,
    behaviour_hash: str = "",
) -> str:
    """sha256 of everything that determines one summary run."""
    payload = json.dumps(
        {
            "v": _KEY_VERSION,
            "code": summarizer_code_digest(),
            "model": model_info,
            "prompt": prompt_hash,
            "behaviour": behaviour_hash,
            "params": params,
            "published": published,
            "text": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SummaryCache:
    """Summary runs by key under ``folder/summaries/`` (one JSON file each)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = (Path(folder) if folder is not None else default_cache_dir()) / "summaries"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> SummaryRun | None:
        path = self._path(key)
        try:
            return SummaryRun.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def put(self, key: str, run: SummaryRun) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(run.model_dump_json().encode("utf-8"))
        os.replace(tmp, path)
