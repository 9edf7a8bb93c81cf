"""Prompt templates: folders ``<task>/<version>/``, found by name, rendered safely.

Prompts live in files, not in code, so that a prompt change is a diff a reviewer can read and
an eval run can pin (by the content hash of the version's files). Rendering uses Jinja2's
*immutable sandbox*: the article is a variable, so a ``{{ ... }}`` or ``{% ... %}`` inside a
scraped page is printed as text, never evaluated, and a template cannot reach Python objects.

A version may say ``"extends": "summary/v7"`` in its ``prompt.json``: its files are then the
parent's (resolved the same way) overlaid by its own, so a version holds only what it
changes. ``prompt.json`` itself is never inherited: every version states its own
description and passes. The content hash covers the resolved files, so it does not depend
on how a version stores them beyond its own ``prompt.json``.

Two folders hold versions, searched in this order: the user's prompt folder
(``$NEWSBRIEF_PROMPTS_DIR``, else a per-user data folder), where ``newsbrief prompts new``
copies a version for editing; and the bundled versions (the source tree's ``prompts/``,
shipped as the package ``summarize.prompts``). Bundled versions are never edited in place:
runs recorded against them must stay comparable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from summarize.core.errors import ConfigurationError, UnknownPromptError
from summarize.resources import resource_dir

DEFAULT_PROMPT = "summary/v9"
#: The passes of a summary version whose ``prompt.json`` lists none.
DEFAULT_PASSES = ("extract.v1",)
_EMPTY_VARIABLES: dict[str, Any] = {
    "published": None,
    "parties": [],
    "names": [],
    "date_words": [],
    "sentence": "",
    "items": [],
    "speaker": "",
}
#: The environment variable naming the user's prompt folder (``--prompts-dir`` sets it).
PROMPTS_DIR_ENV = "NEWSBRIEF_PROMPTS_DIR"
# One path segment of a prompt name: no separators, no "..", nothing a shell would mangle.
_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: The settings file of a version; it is one of the version's files, never inherited.
SETTINGS_FILE = "prompt.json"
# A folder is a version when it holds one of these (an extending version may hold no
# system.j2 of its own).
_MARKERS = ("system.j2", SETTINGS_FILE)


def bundled_prompts_dir() -> Path:
    """The versions that ship with newsbrief (``prompts/`` of the source tree)."""
    return resource_dir("summarize.prompts", "prompts")


def user_prompts_dir() -> Path:
    """The user's prompt folder: ``$NEWSBRIEF_PROMPTS_DIR``, else ``<user data>/prompts``.

    Outside the installed package on purpose: site-packages may be read-only and is replaced
    on upgrade, and edited copies must survive both.
    """
    configured = os.environ.get(PROMPTS_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("newsbrief") / "prompts"


def prompt_roots() -> list[Path]:
    """The folders searched for a prompt name, first match wins: the user's, then bundled."""
    return [user_prompts_dir(), bundled_prompts_dir()]


def list_prompts(root: Path | None = None) -> list[str]:
    """Every prompt name (``task/version``: a folder with a ``system.j2`` or a
    ``prompt.json``) in ``root``, or in all of :func:`prompt_roots` when no root is given."""
    roots = [root] if root is not None else prompt_roots()
    return sorted(
        {
            str(p.parent.relative_to(base).as_posix())
            for base in roots
            for marker in _MARKERS
            for p in base.glob(f"*/*/{marker}")
        }
    )


@dataclass
class PromptTemplate:
    """One prompt version, resolved: its own folder (``path``), its settings (its own
    ``prompt.json``), and ``files``, every file it renders from by relative name, its own
    overlaid on its parents' (``extends``, nearest parent first)."""

    name: str
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    extends: tuple[str, ...] = ()
    _env: ImmutableSandboxedEnvironment | None = field(default=None, repr=False)

    @property
    def content_hash(self) -> str:
        """sha256 over every resolved file (relative name and bytes, in name order), for
        run provenance: how the files are stored (own or inherited) does not change it."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update(self.files[name].read_bytes())
        return digest.hexdigest()

    def has(self, template: str) -> bool:
        return template in self.files

    def render(self, template: str, **variables: Any) -> str:
        """Render one template of the folder with ``variables`` as data."""
        env = self._env
        assert env is not None
        try:
            return env.get_template(template).render(**variables).strip()
        except TemplateNotFound as exc:
            raise UnknownPromptError(
                f"prompt {self.name!r} has no template {exc.name!r} (in {self.path})"
            ) from None

    @property
    def passes(self) -> list[str]:
        """The versioned passes of this version, in order (:mod:`summarize.passes`); a
        summary version that lists none runs ``["extract.v1"]``, a digest version (one with
        ``questions``) none."""
        default = [] if "questions" in self.settings else list(DEFAULT_PASSES)
        return list(self.settings.get("passes", default))

    @property
    def reading(self) -> str:
        """The reading version the passes of this version read with (``reading.v1`` when
        ``prompt.json`` names none): part of the version's behaviour, like its passes."""
        return str(self.settings.get("reading", "reading.v1"))

    @staticmethod
    def template_for(step: str) -> str:
        """The template of a pass by the naming rule (``cast.v1`` -> ``cast.j2``,
        ``extract.v1`` -> ``user.j2``)."""
        step = step.split(".", 1)[0]
        return "user.j2" if step == "extract" else f"{step}.j2"

    def messages(self, template: str | None = None, **variables: Any) -> list[dict[str, str]]:
        """System + user chat messages; the system message is the same for every pass.

        ``template`` defaults to the first pass's. Variables a template may use and the
        caller did not give (no parties found yet, no publication date) are empty.
        """
        variables = {**_EMPTY_VARIABLES, **variables}
        template = template or self.template_for((self.passes or list(DEFAULT_PASSES))[0])
        return [
            {"role": "system", "content": self.render("system.j2", **variables)},
            {"role": "user", "content": self.render(template, **variables)},
        ]


def find_prompt_dir(name: str, *, root: Path | None = None) -> Path | None:
    """The folder of the prompt ``name`` in ``root`` (or the first of :func:`prompt_roots`
    that has it), or None."""
    found = _find(name, [root] if root is not None else prompt_roots())
    return found[0] if found else None


def _find(name: str, roots: list[Path]) -> tuple[Path, int] | None:
    """The folder of ``name`` and the index of the first of ``roots`` that has it."""
    if ".." in Path(name).parts or Path(name).is_absolute():
        return None
    for index, base in enumerate(roots):
        folder = (base / name).resolve()
        if any((folder / marker).is_file() for marker in _MARKERS):
            return folder, index
    return None


def load_prompt(name: str | None = None, *, root: Path | None = None) -> PromptTemplate:
    """The prompt called ``name`` (default :data:`DEFAULT_PROMPT`), resolved through its
    ``extends`` chain, or UnknownPromptError (no such version, a parent that does not exist,
    a chain that comes back to a version, or no ``system.j2`` anywhere in it)."""
    name = name or DEFAULT_PROMPT
    roots = [root] if root is not None else prompt_roots()
    found = _find(name, roots)
    if found is None:
        where = root or " or ".join(str(r) for r in prompt_roots())
        known = ", ".join(list_prompts(root)) or "none"
        raise UnknownPromptError(f"no prompt named {name!r} in {where} (known: {known})")
    folder, index = found
    # A parent is looked up in the version's own folder of versions and the ones searched
    # after it (a bundled version never extends a user's), and in the bundled versions.
    parent_roots = list(dict.fromkeys([*roots[index:], bundled_prompts_dir().resolve()]))
    settings = _settings(name, folder)
    chain = [(name, folder, settings)]
    while (parent := chain[-1][2].get("extends")) is not None:
        child = chain[-1][0]
        if not isinstance(parent, str):
            raise UnknownPromptError(
                f'prompt {child!r}: "extends" names one version, e.g. "summary/v7", not {parent!r}'
            )
        located = _find(parent, parent_roots)
        if located is None:
            known = ", ".join(n for r in parent_roots for n in list_prompts(r)) or "none"
            raise UnknownPromptError(
                f"prompt {child!r} extends {parent!r}, which does not exist (known: {known})"
            )
        if any(located[0] == seen for _, seen, _ in chain):
            cycle = " -> ".join([*(n for n, _, _ in chain), parent])
            raise UnknownPromptError(f"prompt {name!r} extends itself: {cycle}")
        chain.append((parent, located[0], _settings(parent, located[0])))
    files: dict[str, Path] = {}
    for _, own, _ in chain:  # nearest first: a file of the version hides its parents'
        for file in sorted(p for p in own.rglob("*") if p.is_file()):
            files.setdefault(file.relative_to(own).as_posix(), file)
    if (folder / SETTINGS_FILE).is_file():
        files[SETTINGS_FILE] = folder / SETTINGS_FILE
    else:
        files.pop(SETTINGS_FILE, None)  # settings are never inherited
    if "system.j2" not in files:
        raise UnknownPromptError(
            f"prompt {name!r} has no system.j2 (in {folder} or a version it extends)"
        )
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(own) for _, own, _ in chain]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    return PromptTemplate(
        name=name,
        path=folder,
        settings=settings,
        files=files,
        extends=tuple(n for n, _, _ in chain[1:]),
        _env=env,
    )


def _settings(name: str, folder: Path) -> dict[str, Any]:
    """A version's own ``prompt.json`` ({} without one)."""
    file = folder / SETTINGS_FILE
    if not file.is_file():
        return {}
    try:
        settings = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnknownPromptError(f"prompt {name!r}: {file} is not valid JSON ({exc})") from None
    if not isinstance(settings, dict):
        raise UnknownPromptError(f"prompt {name!r}: {file} must hold one JSON object")
    return settings


def new_prompt(name: str, source: str, *, root: Path | None = None) -> Path:
    """Copy the version ``source`` to ``<root>/<name>`` for editing; return the new folder.

    ``root`` defaults to :func:`user_prompts_dir`. ``name`` must be ``task/version`` and
    must not name an existing version anywhere: a name that shadowed another version would
    make runs recorded under it ambiguous to a reader. The copy is the resolved version:
    every file it renders from, inherited ones included, and no ``extends``, so every
    template is there to edit and the copy does not change if its source's parents did.
    Its ``prompt.json`` records ``based_on`` so that a later reader of a run knows where the
    version came from.
    """
    parts = name.split("/")
    if len(parts) != 2 or not all(_NAME_PART.fullmatch(part) for part in parts):
        raise ConfigurationError(
            f"a prompt name is <task>/<version>, e.g. mine/v1 (letters, digits, . _ -), "
            f"not {name!r}"
        )
    if find_prompt_dir(name) is not None or (root is not None and find_prompt_dir(name, root=root)):
        raise ConfigurationError(f"a prompt named {name!r} exists already; pick a new version")
    original = load_prompt(source)
    target = (root or user_prompts_dir()) / name
    if target.exists():
        raise ConfigurationError(f"{target} exists already; pick another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir()
    for relative, file in sorted(original.files.items()):
        parts = Path(relative).parts
        if (
            relative == SETTINGS_FILE
            or "__pycache__" in parts
            or relative.endswith(".pyc")
            or any(part.startswith(".") for part in parts)
        ):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target / relative)
    settings = {key: value for key, value in original.settings.items() if key != "extends"}
    settings = {
        **settings,
        "based_on": original.name,
        "description": f"{name}, copied from {original.name}: "
        f"{original.settings.get('description', '')}".rstrip(": "),
    }
    (target / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n", "utf-8")
    return target
