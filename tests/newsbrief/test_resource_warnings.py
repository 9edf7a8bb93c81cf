"""No command leaves a file open: under ``python -X dev`` (which shows ResourceWarning) the
command's stderr has none. ``llama_cpp`` opened ``/dev/null`` twice at import and never
closed it, so every command that imported it ended with ``sys:1: ResourceWarning: unclosed
file <_io.TextIOWrapper name='/dev/null'>``; ``summarize.providers.llamacpp_runtime`` closes
both at exit. A file that is not a GGUF makes the local backend import llama_cpp and fail
(exit 2) without loading a model."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

SEED = ROOT / "seeds" / "000_4384644db8aab1e9.txt"
# found, not imported: importing llama_cpp here would leave this test process its two files
needs_llama_cpp = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python not installed"
)


def dev_mode(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "dev", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )


@needs_llama_cpp
def test_importing_llama_cpp_through_the_library_leaves_no_file_open(tmp_path: Path) -> None:
    code = "from summarize.providers.llamacpp_runtime import llama_cpp_module; llama_cpp_module()"
    done = dev_mode("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr, done.stderr
    bare = dev_mode("-c", "import llama_cpp", cwd=tmp_path)  # the warning this module removes
    assert "ResourceWarning: unclosed file" in bare.stderr and "/dev/null" in bare.stderr


@needs_llama_cpp
def test_a_local_model_command_leaves_no_resource_warning(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-model.gguf"
    bad.write_text("not a GGUF file\n")
    done = dev_mode(
        "-m", "newsbrief", "summarize", str(SEED), "--model", f"local/{bad}", cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert "could not load" in done.stderr
    assert "ResourceWarning" not in done.stderr, done.stderr


def test_a_fake_model_summary_leaves_no_resource_warning(tmp_path: Path) -> None:
    done = dev_mode(
        "-m", "newsbrief", "summarize", str(SEED), "--model", "fake/heuristic", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr, done.stderr
