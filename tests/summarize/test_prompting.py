"""Prompts are versioned files rendered in a sandbox, with the article as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.errors import UnknownPromptError
from summarize.passes import get_pass
from summarize.prompting import DEFAULT_PROMPT, list_prompts, load_prompt
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"


def test_every_prompt_renders_every_template() -> None:
    names = list_prompts()
    assert DEFAULT_PROMPT in names and "summary/v1" in names
    for name in (n for n in names if n.startswith("summary/")):
        prompt = load_prompt(name)
        for step in prompt.passes:
            template = get_pass(step).template
            if template is None:
                continue  # code alone does this step
            messages = prompt.messages(
                template,
                article="Body text.",
                published="2024-01-02",
                parties=["Ana Lopez"],
                names=["Ana Lopez"],
                date_words=["on Monday"],
                speaker="Ana Lopez",
                sentence="Ana Lopez said so.",
                holder="Ana Lopez",
                options=["Ana Lopez", "Ben Ode"],
                topic="taxes",
                a="Ana Lopez",
                b="Ben Ode",
                issue="taxes",
            )
            assert [m["role"] for m in messages] == ["system", "user"]
            assert "Body text." in messages[1]["content"]
            assert "2024-01-02" in messages[1]["content"]


@pytest.mark.parametrize("name", [n for n in list_prompts() if n.startswith("digest/")])
def test_digest_prompt_renders_each_question_with_both_reports(name: str) -> None:
    prompt = load_prompt(name)
    side = {
        "article": "a1",
        "label": "Talks in Rome",
        "sentence": "They met in Rome.",
        "when": "on Monday",
        "value": "2024-05-06",
    }
    for question in prompt.settings["questions"]:
        messages = prompt.messages(
            f"{question}.j2",
            a=side,
            b={**side, "article": "a2"},
            party="Ana Lopez",
            fact="the date of the talks",
        )
        assert [m["role"] for m in messages] == ["system", "user"]
        assert "a1" in messages[1]["content"] and "a2" in messages[1]["content"]
        assert "They met in Rome." in messages[1]["content"]


def test_article_comes_first_so_passes_share_a_prefix() -> None:
    prompt = load_prompt("summary/v8")
    first = prompt.messages("cast.j2", article="A B C", published=None, names=["A"])
    second = prompt.messages("timeline_words.j2", article="A B C", published=None)
    assert first[0] == second[0]
    assert first[1]["content"].split("\n\n")[0] == second[1]["content"].split("\n\n")[0]


@pytest.mark.parametrize(
    "payload",
    [
        "{{ 7*7 }}",
        "{% for x in range(3) %}loop{% endfor %}",
        "{{ ''.__class__.__mro__ }}",
        "{% raw %}",
        "{# comment #}",
    ],
)
def test_article_text_is_never_executed(payload: str) -> None:
    article = f"The council met. {payload} The vote passed."
    content = load_prompt().messages(article=article, published=None)[1]["content"]
    assert article in content
    assert "49" not in content and "looploop" not in content


def test_unknown_prompt_is_a_typed_error_listing_the_known_ones() -> None:
    with pytest.raises(UnknownPromptError, match="summary/v1"):
        load_prompt("summary/v999")
    with pytest.raises(UnknownPromptError):
        load_prompt("../../etc")


def test_content_hash_changes_with_any_file(tmp_path: Path) -> None:
    folder = tmp_path / "summary" / "x1"
    folder.mkdir(parents=True)
    (folder / "system.j2").write_text("sys")
    (folder / "user.j2").write_text("{{ article }}")
    before = load_prompt("summary/x1", root=tmp_path).content_hash
    (folder / "system.j2").write_text("sys!")
    assert load_prompt("summary/x1", root=tmp_path).content_hash != before


def _version(root: Path, name: str, **files: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file, text in files.items():
        (folder / file.replace("_j2", ".j2").replace("_json", ".json")).write_text(text)
    return folder


def test_a_version_that_extends_another_holds_only_what_it_changes(tmp_path: Path) -> None:
    _version(
        tmp_path,
        "t/v1",
        system_j2="sys",
        article_j2="ART {{ article }}",
        user_j2='{% include "article.j2" %} one',
        prompt_json='{"passes": ["extract.v1"]}',
    )
    child = _version(
        tmp_path,
        "t/v2",
        user_j2='{% include "article.j2" %} two',
        prompt_json='{"extends": "t/v1", "passes": ["extract.v1"]}',
    )
    _version(tmp_path, "t/v3", prompt_json='{"extends": "t/v2", "description": "three"}')
    v2 = load_prompt("t/v2", root=tmp_path)
    assert v2.path == child.resolve() and v2.extends == ("t/v1",)
    assert sorted(v2.files) == ["article.j2", "prompt.json", "system.j2", "user.j2"]
    assert v2.files["prompt.json"] == child.resolve() / "prompt.json"
    assert v2.messages(article="Body.") == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "ART Body. two"},
    ]
    v3 = load_prompt("t/v3", root=tmp_path)  # resolved recursively; settings are its own
    assert v3.extends == ("t/v2", "t/v1") and v3.settings == {
        "extends": "t/v2",
        "description": "three",
    }
    assert v3.passes == ["extract.v1"] and v3.render("user.j2", article="B") == "ART B two"
    assert {"t/v1", "t/v2", "t/v3"} <= set(list_prompts(tmp_path))


def test_the_content_hash_covers_the_resolved_files_not_their_storage(tmp_path: Path) -> None:
    _version(tmp_path, "t/v1", system_j2="sys", user_j2="{{ article }}")
    child = _version(
        tmp_path,
        "t/v2",
        system_j2="sys",
        user_j2="{{ article }}!",
        prompt_json='{"extends": "t/v1"}',
    )
    stored_twice = load_prompt("t/v2", root=tmp_path).content_hash
    (child / "system.j2").unlink()  # the same bytes, now inherited
    assert load_prompt("t/v2", root=tmp_path).content_hash == stored_twice
    (tmp_path / "t" / "v1" / "system.j2").write_text("sys, changed")
    assert load_prompt("t/v2", root=tmp_path).content_hash != stored_twice


def test_extending_an_unknown_version_or_itself_is_a_clear_error(tmp_path: Path) -> None:
    _version(tmp_path, "t/v1", system_j2="sys", prompt_json='{"extends": "t/v9"}')
    with pytest.raises(UnknownPromptError, match="'t/v1' extends 't/v9', which does not exist"):
        load_prompt("t/v1", root=tmp_path)
    _version(tmp_path, "t/a", system_j2="sys", prompt_json='{"extends": "t/b"}')
    _version(tmp_path, "t/b", system_j2="sys", prompt_json='{"extends": "t/a"}')
    with pytest.raises(UnknownPromptError, match=r"extends itself: t/a -> t/b -> t/a"):
        load_prompt("t/a", root=tmp_path)
    _version(tmp_path, "t/c", prompt_json='{"extends": "t/c"}')
    with pytest.raises(UnknownPromptError, match="extends itself"):
        load_prompt("t/c", root=tmp_path)
    _version(tmp_path, "t/d", prompt_json='{"extends": ["t/a"]}')
    with pytest.raises(UnknownPromptError, match="names one version"):
        load_prompt("t/d", root=tmp_path)


def test_a_bundled_version_that_extends_renders_its_parents_templates() -> None:
    v7, v8 = load_prompt("summary/v7"), load_prompt("summary/v8")
    assert v8.extends == ("summary/v7",)
    own = {p.name for p in v8.path.iterdir()}
    assert own == {"prompt.json", "overview.j2", "timeline_words.j2"}, "only what v8 changes"
    for template in ("cast.j2", "attributed.j2", "reground.j2", "system.j2", "article.j2"):
        assert v8.files[template] == v7.files[template]
    assert v8.render("cast.j2", article="A.", names=["A"], published=None) == v7.render(
        "cast.j2", article="A.", names=["A"], published=None
    )


def test_no_prompt_quotes_a_seed_article() -> None:
    """Seeds are the test set: no prompt may contain a sentence of one."""
    prompt_text = " ".join(p.read_text() for p in (SEEDS.parent / "prompts").rglob("*.j2"))
    for seed in SEEDS.glob("*.txt"):
        for sentence in seed.read_text(encoding="utf-8").split(". "):
            words = sentence.split()
            if len(words) >= 8:
                assert " ".join(words[:8]) not in prompt_text, seed.name
