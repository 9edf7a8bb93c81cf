"""A released prompt version means one behaviour: its resolved files and its passes' code.

``prompts/RELEASED.json`` holds the behaviour hash of every released version; this test
recomputes each one, so a changed template or a changed line of a pass a released version
names fails here instead of silently changing what ``--prompt summary/v8`` does.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from summarize.passes import PASSES, behaviour_hash
from summarize.passes.identity import normalized_code, pass_modules
from summarize.prompting import DEFAULT_PROMPT, bundled_prompts_dir, load_prompt

RELEASED = json.loads((bundled_prompts_dir() / "RELEASED.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(RELEASED["versions"]))
def test_a_released_version_behaves_as_it_was_released(name: str) -> None:
    prompt = load_prompt(name, root=bundled_prompts_dir())
    modules = sorted({m for step in prompt.passes for m in pass_modules(PASSES[step].module)})
    assert behaviour_hash(prompt) == RELEASED["versions"][name], (
        f"{name} no longer behaves as released: its templates ({prompt.path}, extends "
        f"{list(prompt.extends) or 'nothing'}) or the code of its passes "
        f"({', '.join(modules) or 'none'}) changed. A released version never changes: undo "
        f"the change and make a new version instead: a changed pass is a new module under "
        f'a new name (e.g. summarize/passes/cast_v2.py, registered as "cast.v2"), named by '
        f'a new prompt version (e.g. summary/v9 with "extends": "{name}" and its own '
        f"prompt.json); record the new version's hash in prompts/RELEASED.json when you "
        f"release it."
    )


def test_the_default_and_the_baseline_of_the_peer_bench_are_released() -> None:
    assert {DEFAULT_PROMPT, "summary/v1", "digest/v1"} <= set(RELEASED["versions"])


def test_comments_docstrings_and_layout_do_not_count_but_code_does() -> None:
    plain = "def run(ctx):\n    return {'a': 1}\n"
    dressed = textwrap.dedent('''
        """A pass."""


        def run(ctx):  # the answer
            """Its fields."""
            return {
                "a": 1,
            }
    ''')
    assert normalized_code(plain) == normalized_code(dressed)
    assert normalized_code(plain) != normalized_code(plain.replace("1", "2"))
    assert normalized_code(plain) != normalized_code(plain.replace("'a'", "'b'"))


def test_a_pass_module_counts_with_the_package_modules_it_imports(tmp_path: Path) -> None:
    package = tmp_path / "mypasses"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "registry.py").write_text("X = 1\n")
    (package / "_shared.py").write_text("from mypasses import _deeper\n")
    (package / "_deeper.py").write_text("Y = 2\n")
    (package / "cast_v9.py").write_text(
        "import json\nfrom mypasses.registry import X\n"
        "def run(ctx):\n    from ._shared import Y\n    return {}\n"
    )
    modules = pass_modules("mypasses.cast_v9", "mypasses", package)
    assert modules == ("mypasses._deeper", "mypasses._shared", "mypasses.cast_v9")


def test_the_behaviour_hash_follows_templates_and_passes(tmp_path: Path) -> None:
    folder = tmp_path / "t" / "v1"
    folder.mkdir(parents=True)
    (folder / "system.j2").write_text("sys")
    (folder / "user.j2").write_text("{{ article }}")
    one_call = behaviour_hash(load_prompt("t/v1", root=tmp_path))
    (folder / "prompt.json").write_text('{"passes": ["extract.v1"]}')
    assert behaviour_hash(load_prompt("t/v1", root=tmp_path)) != one_call  # a file more
    named = behaviour_hash(load_prompt("t/v1", root=tmp_path))
    (folder / "prompt.json").write_text('{"passes": ["overview.v1"]}')
    (folder / "overview.j2").write_text("{{ article }}")
    assert behaviour_hash(load_prompt("t/v1", root=tmp_path)) != named
