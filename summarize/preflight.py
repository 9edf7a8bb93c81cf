"""Check model strings and prompt names before anything is loaded.

A command that loads a model first and only then finds that the second prompt it was
given does not exist has wasted minutes (the eval matrix runs one pair after another).
These checks read names, files and prompt folders only: no backend is created, no
weights are assembled and no endpoint is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from summarize.core.errors import UnknownModelError


def check_model(model: str) -> str:
    """Raise :class:`UnknownModelError` when ``model`` cannot name a backend; return it.

    The rules mirror the providers' own (``local/<embedded>``, ``local/<path>.gguf``,
    ``local/hf:...``, ``openai/<name>``, any registered prefix) without importing them.
    """
    from summarize.providers.registry import DEFAULT_MODEL, providers

    prefix, sep, name = model.partition("/")
    if not sep or not name or prefix not in providers():
        raise UnknownModelError(
            f"unknown model {model!r}: expected <provider>/<name> with provider one of "
            f"{', '.join(providers())} (e.g. {DEFAULT_MODEL}, openai/gpt-4o-mini)"
        )
    if prefix == "local":
        from summarize.providers.weights import EMBEDDED_WEIGHTS

        if name in EMBEDDED_WEIGHTS or name.startswith("hf:"):
            return model
        if name.endswith(".gguf"):
            if not Path(name).expanduser().is_file():
                raise UnknownModelError(f"unknown model {model!r}: no GGUF file at {name}")
            return model
        known = ", ".join(f"local/{k}" for k in EMBEDDED_WEIGHTS)
        raise UnknownModelError(
            f"unknown local model {model!r}: use one of {known}, or local/<path>.gguf"
        )
    return model


def check_prompts(prompts: Iterable[str | None]) -> None:
    """Load every named prompt version (templates and the passes it names); the first
    unknown one raises."""
    from summarize.passes import get_pass
    from summarize.prompting import load_prompt

    for prompt in prompts:
        loaded = load_prompt(prompt)
        for step in loaded.passes:
            get_pass(step, prompt=loaded.name)


#: The templates a digest prompt asks its questions with (:class:`summarize.digest.judge.Judge`).
DIGEST_TEMPLATES = ("same_event.j2", "same_position.j2", "conflict.j2")


def check_digest_prompt(name: str) -> None:
    """Load the digest prompt ``name`` and check that it has every question's template."""
    from summarize.core.errors import UnknownPromptError
    from summarize.prompting import load_prompt

    prompt = load_prompt(name)
    missing = [t for t in DIGEST_TEMPLATES if not prompt.has(t)]
    if missing:
        raise UnknownPromptError(
            f"{name!r} is not a digest prompt: it has no {', '.join(missing)} (e.g. digest/v1)"
        )


def is_endpoint(model: str) -> bool:
    """True for a model served elsewhere, whose requests may run in parallel.

    ``local/...`` runs in this process: two generations at once on a few cores make each
    many times slower, so callers keep it serial.
    """
    return not model.startswith("local/")


def check_matrix(models: Iterable[str], prompts: Iterable[str | None]) -> None:
    """Every model string, then every prompt: the whole matrix before the first load."""
    for model in models:
        check_model(model)
    check_prompts(prompts)


__all__ = [
    "DIGEST_TEMPLATES",
    "check_digest_prompt",
    "check_matrix",
    "check_model",
    "check_prompts",
    "is_endpoint",
]
