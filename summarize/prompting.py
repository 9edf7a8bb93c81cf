"""Prompt templates: files under ``prompts/<task>/<version>/``, found by name, rendered safely.

Prompts live in files, not in code, so that a prompt change is a diff a reviewer can read and
an eval run can pin (by the content hash of the whole folder). Rendering uses Jinja2's
*immutable sandbox*: the article is a variable, so a ``{{ ... }}`` or ``{% ... %}`` inside a
scraped page is printed as text, never evaluated, and a template cannot reach Python objects.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from summarize.errors import UnknownPromptError

DEFAULT_PROMPT = "summary/v7"
_EMPTY_VARIABLES: dict[str, Any] = {
    "published": None, "parties": [], "candidates": [], "names": [], "date_words": [],
    "sentences": [], "sentence": "", "items": [], "speaker": "",
}
_REPO_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def prompts_root() -> Path:
    """Where prompt folders live: ``$NEWSBRIEF_PROMPTS_DIR`` or the repository's ``prompts/``."""
    return Path(os.environ.get("NEWSBRIEF_PROMPTS_DIR", _REPO_PROMPTS))


def list_prompts(root: Path | None = None) -> list[str]:
    """Every prompt name (``task/version``): a folder with a ``system.j2``."""
    base = root or prompts_root()
    return sorted(str(p.parent.relative_to(base)) for p in base.glob("*/*/system.j2"))


@dataclass
class PromptTemplate:
    """One versioned prompt folder."""

    name: str
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)
    _env: ImmutableSandboxedEnvironment | None = field(default=None, repr=False)

    @property
    def content_hash(self) -> str:
        """sha256 over every file of the folder (names and bytes), for run provenance."""
        digest = hashlib.sha256()
        for file in sorted(p for p in self.path.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(self.path)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
        return digest.hexdigest()

    def has(self, template: str) -> bool:
        return (self.path / template).is_file()

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
        """The passes of this version, in order (``["extract"]`` for a one-pass prompt)."""
        return list(self.settings.get("passes", ["extract"]))

    @staticmethod
    def template_for(step: str) -> str:
        return "user.j2" if step == "extract" else f"{step}.j2"

    def messages(self, template: str | None = None, **variables: Any) -> list[dict[str, str]]:
        """System + user chat messages; the system message is the same for every pass.

        ``template`` defaults to the first pass's. Variables a template may use and the
        caller did not give (no parties found yet, no publication date) are empty.
        """
        variables = {**_EMPTY_VARIABLES, **variables}
        template = template or self.template_for(self.passes[0])
        return [
            {"role": "system", "content": self.render("system.j2", **variables)},
            {"role": "user", "content": self.render(template, **variables)},
        ]


def load_prompt(name: str | None = None, *, root: Path | None = None) -> PromptTemplate:
    """The prompt called ``name`` (default :data:`DEFAULT_PROMPT`), or UnknownPromptError."""
    name = name or DEFAULT_PROMPT
    base = root or prompts_root()
    folder = (base / name).resolve()
    if ".." in Path(name).parts or not (folder / "system.j2").is_file():
        known = ", ".join(list_prompts(base)) or "none"
        raise UnknownPromptError(f"no prompt named {name!r} in {base} (known: {known})")
    settings_file = folder / "prompt.json"
    settings = json.loads(settings_file.read_text("utf-8")) if settings_file.is_file() else {}
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    return PromptTemplate(name=name, path=folder, settings=settings, _env=env)
