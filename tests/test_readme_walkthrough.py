"""The README's walkthroughs run as written, on the fake backend: the bash blocks under "Write
a prompt and evaluate it", "Your own articles and gold", "In CI" and "Digest a story", and
every Python example.

The blocks are taken from the README itself, so the documentation cannot drift from what
works: each bash block is run by bash (``set -euo pipefail``) in an empty folder, with
``HOME`` there and ``newsbrief`` meaning this checkout's CLI; each Python block in a fresh
interpreter beside ``seeds/``, with ``$NEWSBRIEF_MODEL`` set to the fake backend.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import ROOT


def readme_block(heading: str) -> str:
    """The first ```bash block after ``heading`` in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n{heading}\n", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match is not None, f"no bash block under {heading!r}"
    return match.group(1)


def newsbrief_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``newsbrief`` is ``python -m newsbrief`` of this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "newsbrief"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m newsbrief "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "NEWSBRIEF_PROMPTS_DIR"}
    return {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }


def test_write_a_prompt_and_evaluate_it(tmp_path: Path) -> None:
    block = readme_block("### Write a prompt and evaluate it")
    assert "--model fake/heuristic" in block  # the walkthrough never loads a real model
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "home").mkdir()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=work,
        env=newsbrief_on_path(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    mine = tmp_path / "home" / "newsbrief-prompts" / "mine" / "v1"
    assert str(mine) in done.stdout  # `prompts new` prints the folder it wrote
    assert "at most 15 words" in (mine / "overview.j2").read_text(encoding="utf-8")
    assert json.loads((mine / "prompt.json").read_text("utf-8"))["based_on"] == "summary/v7"
    assert "mine/v1 (yours)" in done.stdout
    runs = sorted(p.name for p in (work / "my-runs").iterdir() if p.is_dir())
    assert len(runs) == 2 and runs[0].endswith("summary-v7") ^ runs[1].endswith("summary-v7")
    for run in runs:
        config = json.loads((work / "my-runs" / run / "config.json").read_text("utf-8"))
        assert config["prompt"] in ("summary/v7", "mine/v1")
    assert "macro" in done.stdout.lower()  # the comparison table was printed


def _run_block(heading: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    block = readme_block(heading)
    assert "local/" not in block  # README walkthroughs never load a real model
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "home").mkdir()
    env = {**newsbrief_on_path(tmp_path), "SEEDS": str(ROOT / "seeds")}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, work


def test_your_own_articles_and_gold(tmp_path: Path) -> None:
    done, work = _run_block("### Your own articles and gold", tmp_path)
    assert "not reviewed yet" in done.stdout  # the draft was refused before review
    assert "still marked for review" in done.stdout
    gold = json.loads((work / "my-suite" / "xi-orban.json").read_text("utf-8"))
    assert gold["article"] == "xi-orban.txt" and gold["parties"]
    assert all("review" not in p and p["required"] is True for p in gold["parties"])
    runs = sorted(p for p in (work / "my-runs").iterdir() if (p / "config.json").is_file())
    assert len(runs) == 2
    scored = json.loads((runs[0] / "aggregate.json").read_text("utf-8"))
    assert scored["macro_f1"] is not None  # the reviewed gold scored the first run
    assert "fake/heuristic" in done.stdout and "macro F1" in done.stdout  # eval list


def test_in_ci(tmp_path: Path) -> None:
    _, work = _run_block("### In CI", tmp_path)
    runs = json.loads((work / "runs.json").read_text("utf-8"))["runs"]
    assert [r["prompt"] for r in runs] == ["summary/v7", "summary/v8"]
    assert all(r["aggregate"]["macro_f1"] is not None for r in runs)
    assert "<testsuite" in (work / "compare.xml").read_text("utf-8")
    assert "| metric |" in (work / "compare.md").read_text("utf-8")
    listed = json.loads((work / "runs-list.json").read_text("utf-8"))["runs"]
    assert {r["run_id"] for r in listed} == {r["run_id"] for r in runs}


def test_digest_a_story(tmp_path: Path) -> None:
    _, work = _run_block("### Digest a story", tmp_path)
    assert (work / "story.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    story = json.loads((work / "story.json").read_text("utf-8"))
    assert len(story["summaries"]) == 5 and story["calls"] == []  # code alone by default
    [run] = [p for p in (work / "my-runs").iterdir() if p.is_dir()]
    assert "code-only" in run.name and (run / "digest_aggregate.json").is_file()


def python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", readme, re.S)


def test_the_python_examples_run(tmp_path: Path) -> None:
    """Every Python block of the README, each in a fresh interpreter beside a ``seeds/``
    folder, with the default model set to the fake backend (``$NEWSBRIEF_MODEL``)."""
    blocks = python_blocks()
    assert len(blocks) >= 4
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    env = {
        **newsbrief_on_path(tmp_path),
        "NEWSBRIEF_MODEL": "fake/heuristic",
        "NEWSBRIEF_CACHE_DIR": str(tmp_path / "cache"),
    }
    for block in blocks:
        assert "local/" not in block  # the default model stands in; the test swaps it
        done = subprocess.run(
            [sys.executable, "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, block + done.stdout[-2000:] + done.stderr[-3000:]
        assert done.stdout.strip(), block  # every example prints what it shows
