"""The distribution is installable as a wheel: every package and data folder ships, and the
library imports without the eval harness's heavy extras (deepeval, pytest).

Building and installing the wheel itself is CI's job (``.ci/run``, into a fresh venv outside
the source tree); these tests catch the drift that would break it, in milliseconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from evals.gold import default_suite
from summarize.prompting import DEFAULT_PROMPT, bundled_prompts_dir, list_prompts, load_prompt
from tests.helpers.paths import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _package_dir(name: str) -> Path:
    """Where ``name``'s files are in the source tree, by the package-dir mapping."""
    mapping: dict[str, str] = CONFIG.get("package-dir", {})
    for prefix in sorted(mapping, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return ROOT / mapping[prefix] / Path(*name[len(prefix) :].split(".")[1:])
    return ROOT / Path(*name.split("."))


def test_every_python_package_of_the_tree_is_listed_for_the_wheel() -> None:
    listed = set(CONFIG["packages"])
    found = {
        init.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for top in ("summarize", "evals", "newsbrief")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    for name in listed:
        assert (_package_dir(name) / "__init__.py").is_file(), name


def test_prompts_and_seeds_are_mapped_packages_with_their_data() -> None:
    mapping = CONFIG["package-dir"]
    assert mapping["summarize.prompts"] == "prompts" and mapping["evals.seeds"] == "seeds"
    assert DEFAULT_PROMPT in list_prompts(bundled_prompts_dir())
    assert "system.j2" in load_prompt(DEFAULT_PROMPT, root=bundled_prompts_dir()).files
    seeds, gold = default_suite()
    stems = sorted(p.stem for p in seeds.glob("*.txt"))
    assert stems == sorted(p.stem for p in gold.glob("*.json"))
    assert len(list(seeds.glob("*.txt"))) == 5
    data = CONFIG["package-data"]
    assert "*/*/*" in data["summarize.prompts"] and "*.txt" in data["evals.seeds"]
    assert any(pattern.endswith(".j2") for pattern in data["summarize.render"])


def test_library_and_cli_work_without_deepeval_or_pytest(tmp_path: Path) -> None:
    """The library, ``newsbrief prompts`` and a fake-backend summary with deepeval and pytest
    made unimportable: the harness extras are optional for users of the library."""
    code = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("deepeval", "pytest"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from summarize import summarize_article
from newsbrief.cli import main
assert main(["prompts"]) == 0
assert main(["summarize", {str(ROOT / "seeds" / "000_4384644db8aab1e9.txt")!r}, "--model",
             "fake/heuristic", "--html", {str(tmp_path / "out.html")!r}]) == 0
assert summarize_article("Ann Lee said on Monday that taxes must fall.", model="fake/heuristic")
assert not any(m.split(".")[0] in ("deepeval", "pytest") for m in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "summary/v9 (default)" in done.stdout
    assert (tmp_path / "out.html").stat().st_size > 1000


def test_deepeval_is_an_extra_that_the_quick_start_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith(("deepeval", "pytest")) for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("deepeval") for d in extras["eval"])
    assert "newsbrief[eval,docs]" in extras["dev"]  # the quick start installs .[local,dev]
    assert "'.[local,dev]'" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_public_surface_is_complete_and_cheap_to_import() -> None:
    """``summarize.__all__`` names the API (the summary, the digest, the typed errors); the
    pipeline, the digest and the model SDKs load only when their names are first used."""
    code = """
import sys
import summarize
assert not {"summarize.pipeline", "summarize.digest", "instructor", "openai", "spacy"} & set(
    sys.modules), sorted(m for m in sys.modules if m.startswith("summarize"))
import summarize.errors
for name in summarize.__all__:
    assert getattr(summarize, name) is not None, name
for name in summarize.errors.__all__:
    assert getattr(summarize.errors, name) is getattr(summarize, name), name
    assert issubclass(getattr(summarize, name), summarize.SummarizeError), name
from summarize import Digester, Summarizer, digest_articles, summarize_article
assert "Args:" in Summarizer.__doc__ and "Returns:" in Summarizer.run.__doc__
for api in (summarize_article, Digester, Digester.run, digest_articles):
    assert "Args:" in api.__doc__ and "Raises:" in (api.__doc__ or ""), api
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


def _requirements(items: list[str]) -> dict[str, str]:
    """``{name: the rest}`` of requirement strings (names lower-case, ``_`` as ``-``)."""
    out: dict[str, str] = {}
    for item in items:
        name = re.match(r"[A-Za-z0-9_.\-]+(\[[^\]]*\])?", item)
        assert name is not None, item
        out[name.group(0).lower().replace("_", "-")] = item[name.end() :].strip()
    return out


def test_dependencies_are_declared_where_they_belong() -> None:
    """Issue 21: click's cap is the eval extra's (deepeval), its core floor instructor's;
    lxml is declared (imported directly), and so is lxml_html_clean (``import trafilatura``
    fails without it under the pip a new Python 3.11 venv has, see pyproject.toml);
    python-dateutil below 5; llama.cpp's server is dev's, not the library's runtime."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = _requirements(project["dependencies"])
    extras = {k: _requirements(v) for k, v in project["optional-dependencies"].items()}

    assert core["click"] == ">=8.3.3,<9"  # instructor 1.17 requires click>=8.3.3
    assert extras["eval"]["click"] == "<8.4"  # deepeval 4.3.1 requires click<8.4
    assert core["lxml"].startswith(">=") and "lxml-html-clean" in core
    assert core["python-dateutil"].endswith(",<5")

    assert list(extras["llama"]) == ["llama-cpp-python"]  # no [server]
    pin = extras["llama"]["llama-cpp-python"]
    assert extras["dev"]["llama-cpp-python[server]"] == pin  # the tests' llama.cpp server
    assert "newsbrief[eval,docs]" in extras["dev"]
    assert {"mkdocs", "mkdocs-material", "mkdocstrings[python]", "griffe-pydantic"} <= set(
        extras["docs"]
    )


def test_lxml_is_imported_directly_and_trafilatura_imports() -> None:
    sources = (ROOT / "summarize" / "text" / "inputs.py").read_text(encoding="utf-8")
    assert "import lxml.html" in sources
    done = subprocess.run(
        [sys.executable, "-c", "import lxml_html_clean, trafilatura, htmldate"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
