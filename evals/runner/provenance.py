"""Provenance of a run: package versions, the git commit, a readable run id."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from importlib import metadata
from pathlib import Path

from evals.store import (
    newsbrief_version,
)

#: Distributions whose versions go into every run config (those not installed are left out).
VERSIONED_PACKAGES = (
    "newsbrief",
    "instructor",
    "openai",
    "pydantic",
    "llama-cpp-python",
    "deepeval",
)

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape a run's output."""

    out: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    out["newsbrief"] = newsbrief_version()  # the release and the library code's digest
    return out


def git_commit(cwd: Path = _PACKAGE_ROOT) -> str | None:
    """``git rev-parse HEAD`` of the checkout holding this code; None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:60] or "x"


def new_run_id(root: Path, model: str, prompt: str) -> str:
    """``<UTC time>-<model>-<prompt>``, with a counter if that directory exists already."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{stamp}-{_slug(model)}-{_slug(prompt)}"
    run_id, n = base, 1
    while (Path(root) / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


__all__ = ["VERSIONED_PACKAGES", "git_commit", "new_run_id", "package_versions"]
