"""The documentation: the README stays short, every relative link of the README and docs/
finds its file, no path of one particular machine, and the API reference (mkdocs.yml,
docs/api.md) renders every name of ``summarize.__all__`` with warnings as errors."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import summarize
from tests.helpers.paths import ROOT
from tests.test_quality import tool

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
#: Pages written on another branch and linked before they land (mkdocs.yml lets the build
#: pass without them; this test fails on any other missing target).
PENDING = {DOCS / "scaling.md"}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def test_the_readme_fits_on_a_few_screens() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines < 250, f"README.md has {lines} lines; move details into docs/"


def test_every_relative_link_finds_its_file() -> None:
    missing = []
    for page in PAGES:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:|#", target):
                continue
            path = (page.parent / target.split("#")[0]).resolve()
            if not path.exists() and path not in PENDING:
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert missing == []


def test_no_path_of_one_machine() -> None:
    texts = [*PAGES, *sorted((ROOT / "benchmarks").glob("*.py")), ROOT / "prompts" / "README.md"]
    found = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in texts
        for m in re.finditer(r"(?<![\w.])/(?:work|home|root|Users)/[\w./-]+", p.read_text("utf-8"))
    ]
    assert found == []


def _rendered_paths() -> set[str]:
    """The objects docs/api.md renders: ``::: path`` lines and their ``members`` lists."""
    paths: set[str] = set()
    current = None
    for line in (DOCS / "api.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("::: "):
            current = line[4:].strip()
            paths.add(current)
        elif current and (m := re.match(r"\s+- (\w+)$", line)):
            paths.add(f"{current}.{m.group(1)}")
    return paths


def test_the_api_reference_covers_the_public_surface() -> None:
    rendered = _rendered_paths()
    for name in summarize.__all__:
        obj = getattr(summarize, name)
        assert f"{obj.__module__}.{obj.__qualname__}" in rendered, name


def test_the_docs_build_strict_and_render_every_exported_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [tool("mkdocs"), "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in summarize.__all__:
        obj = getattr(summarize, name)
        assert f'id="{obj.__module__}.{obj.__qualname__}"' in api, name
