"""The code base stays lint-clean and keeps its layering (checked by import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A dev tool the README's install provides; missing, it is a failure, never a skip (a
    skipped lint check is a lint check that silently stopped running)."""
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[local,dev]')")
    return str(path)


def test_ruff_is_clean() -> None:
    done = subprocess.run([tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_layering_contracts_hold() -> None:
    done = subprocess.run(
        [tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
