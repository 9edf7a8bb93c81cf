"""Your own prompt versions: ``newsbrief prompts new`` and the user prompt folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbrief.cli import main
from summarize.errors import ConfigurationError, UnknownPromptError
from summarize.pipeline import Summarizer
from summarize.prompting import (
    PROMPTS_DIR_ENV,
    bundled_prompts_dir,
    list_prompts,
    load_prompt,
    new_prompt,
    user_prompts_dir,
)


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mine"
    monkeypatch.setenv(PROMPTS_DIR_ENV, str(folder))
    return folder


def test_new_copies_a_version_that_then_loads_and_runs(user_dir: Path) -> None:
    folder = new_prompt("mine/v1", "summary/v7")
    assert folder == user_dir / "mine" / "v1"
    source = load_prompt("summary/v7")
    copied = load_prompt("mine/v1")
    assert copied.path == folder.resolve() and copied.passes == source.passes
    assert copied.settings["based_on"] == "summary/v7"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in source.path.iterdir())
    # a copy is a new version from the start: runs of the two never share a content hash
    assert copied.content_hash != source.content_hash
    assert "mine/v1" in list_prompts() and "summary/v7" in list_prompts()
    run = Summarizer("fake/heuristic", "mine/v1").run("Ann Lee said on Monday that taxes fell.")
    assert run.prompt == "mine/v1"


def test_a_copy_of_an_extending_version_is_whole_and_extends_nothing(user_dir: Path) -> None:
    folder = new_prompt("mine/v1", "summary/v8")
    source, copied = load_prompt("summary/v8"), load_prompt("mine/v1")
    assert source.extends and not copied.extends and "extends" not in copied.settings
    assert sorted(p.name for p in folder.iterdir()) == sorted(source.files)
    for name, file in source.files.items():
        if name != "prompt.json":
            assert (folder / name).read_bytes() == file.read_bytes(), name
    assert copied.passes == source.passes and copied.settings["based_on"] == "summary/v8"
    run = Summarizer("fake/heuristic", "mine/v1").run("Ann Lee said on Monday that taxes fell.")
    assert run.prompt == "mine/v1" and [c.purpose for c in run.calls][-1] == "overview"


def test_a_pass_named_without_its_version_is_refused_before_a_model_loads(user_dir: Path) -> None:
    from summarize.preflight import check_prompts

    folder = new_prompt("mine/v1", "summary/v8")
    settings = json.loads((folder / "prompt.json").read_text("utf-8"))
    (folder / "prompt.json").write_text(json.dumps({**settings, "passes": ["cast", "overview.v1"]}))
    with pytest.raises(UnknownPromptError, match=r"did you mean 'cast\.v2'"):
        check_prompts(["mine/v1"])
    with pytest.raises(UnknownPromptError, match="prompt 'mine/v1' names unknown pass 'cast'"):
        Summarizer("fake/heuristic", "mine/v1").run("Ann Lee said on Monday that taxes fell.")


def test_an_edit_reaches_the_model(user_dir: Path) -> None:
    folder = new_prompt("mine/v1", "summary/v7")
    template = folder / "overview.j2"
    template.write_text(template.read_text("utf-8") + "\nAnswer like a pirate.\n", "utf-8")
    messages = load_prompt("mine/v1").messages("overview.j2", article="Text.")
    assert "Answer like a pirate." in messages[1]["content"]
    assert (
        "pirate"
        not in load_prompt("summary/v7").messages("overview.j2", article="Text.")[1]["content"]
    )


@pytest.mark.parametrize("name", ["summary/v7", "mine", "mine/v1/x", "../v1", "mine/.v1", "a b/v1"])
def test_taken_or_malformed_names_are_refused(user_dir: Path, name: str) -> None:
    with pytest.raises(ConfigurationError):
        new_prompt(name, "summary/v7")
    assert not user_dir.exists() or not any(user_dir.rglob("system.j2"))


def test_unknown_source_and_a_second_copy_are_refused(user_dir: Path) -> None:
    with pytest.raises(UnknownPromptError):
        new_prompt("mine/v1", "summary/v999")
    new_prompt("mine/v1", "summary/v8")
    with pytest.raises(ConfigurationError, match="exists already"):
        new_prompt("mine/v1", "summary/v7")


def test_user_versions_come_first_and_bundled_ones_stay_found(user_dir: Path) -> None:
    shadow = user_dir / "summary" / "v1"
    shadow.mkdir(parents=True)
    (shadow / "system.j2").write_text("mine", "utf-8")
    assert load_prompt("summary/v1").path == shadow.resolve()
    assert load_prompt("summary/v7").path.is_relative_to(bundled_prompts_dir())


def test_default_user_folder_is_per_user_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROMPTS_DIR_ENV, raising=False)
    assert user_prompts_dir().parts[-2:] == ("newsbrief", "prompts")


def test_cli_prompts_new_and_list_with_prompts_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # main() sets the variable from --prompts-dir; monkeypatch restores it afterwards
    monkeypatch.setenv(PROMPTS_DIR_ENV, str(tmp_path / "elsewhere"))
    folder = tmp_path / "p"
    assert (
        main(["prompts", "new", "mine/v1", "--from", "summary/v8", "--prompts-dir", str(folder)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.strip() == str(folder.resolve() / "mine" / "v1")
    assert main(["prompts", "--prompts-dir", str(folder)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("mine/v1 (yours)\tmine/v1, copied from summary/v8") for line in listing
    )
    assert any(line.startswith("summary/v9 (default)") for line in listing)
    assert (
        main(["prompts", "new", "bad", "--from", "summary/v8", "--prompts-dir", str(folder)]) == 2
    )
    settings = json.loads((folder / "mine" / "v1" / "prompt.json").read_text("utf-8"))
    assert settings["passes"] == load_prompt("summary/v8", root=bundled_prompts_dir()).passes


def test_the_passes_table_names_every_registered_pass() -> None:
    from summarize.passes import PASSES
    from summarize.prompting import DEFAULT_PASSES, PromptTemplate

    readme = (bundled_prompts_dir() / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    for name, spec in PASSES.items():
        row = next((r for r in rows if f"`{name}`" in r.split("|")[1]), None)
        assert row is not None, f"prompts/README.md has no row for the pass {name!r}"
        assert ("needs parties" in row) == spec.needs_parties, name
        assert spec.module == f"summarize.passes.{name.replace('.', '_')}", "one module a pass"
        if spec.template is None:
            assert "no model call" in row, name
            continue
        assert f"`{spec.template}`" in row
        assert f"`{spec.shape.__name__}`" in row or spec.name in ("cast.v1", "cast.v2"), name
        assert spec.template == PromptTemplate.template_for(name)
    assert set(DEFAULT_PASSES) <= set(PASSES)
