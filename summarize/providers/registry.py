"""Model strings to backends: ``<provider>/<name>``, resolved lazily.

The pipeline asks the registry for a backend by string and never imports a provider module
itself; providers are imported only when their prefix is used, so ``import summarize`` does
not pull in llama-cpp-python or the openai client, and a user can register their own
provider (``register_provider("mycorp", "mycorp.newsbrief:create_backend")``).

Backends are cached per model string and options: the embedded model is loaded once per
process and reused by every later call.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from typing import Any

from summarize.core.backend import StructuredBackend
from summarize.core.errors import UnknownModelError

DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"
FAST_MODEL = "local/qwen2.5-coder-0.5b"

BackendFactory = Callable[..., StructuredBackend]
_PROVIDERS: dict[str, str | BackendFactory] = {
    "local": "summarize.providers.llamacpp:create_backend",
    "openai": "summarize.providers.openai_compat:create_backend",
    "fake": "summarize.providers.fake:create_backend",
}
_CACHE: dict[tuple[str, tuple[tuple[str, Any], ...]], StructuredBackend] = {}
_LOCK = threading.Lock()


def register_provider(prefix: str, factory: str | BackendFactory) -> None:
    """Make ``<prefix>/<name>`` model strings resolve through ``factory(name, **options)``."""
    _PROVIDERS[prefix] = factory


def providers() -> list[str]:
    return sorted(_PROVIDERS)


def default_model() -> str:
    """``$NEWSBRIEF_MODEL`` or the embedded 1.5B model."""
    return os.environ.get("NEWSBRIEF_MODEL") or DEFAULT_MODEL


def _factory(prefix: str) -> BackendFactory:
    factory = _PROVIDERS[prefix]
    if isinstance(factory, str):
        module_name, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module_name), attr)
        _PROVIDERS[prefix] = factory
    return factory


def resolve_backend(
    model: str | StructuredBackend | None = None, **options: Any
) -> StructuredBackend:
    """The backend for ``model`` (a model string, or a backend object passed through)."""
    if model is not None and not isinstance(model, str):
        if not isinstance(model, StructuredBackend):
            raise UnknownModelError(
                f"model must be a model string or a StructuredBackend, not {type(model).__name__}"
            )
        return model
    model = model or default_model()
    prefix, sep, name = model.partition("/")
    if not sep or not name or prefix not in _PROVIDERS:
        raise UnknownModelError(
            f"unknown model {model!r}: expected <provider>/<name> with provider one of "
            f"{', '.join(providers())} (e.g. {DEFAULT_MODEL}, openai/gpt-4o-mini)"
        )
    cacheable = {k: v for k, v in options.items() if k != "progress"}
    key = (model, tuple(sorted(cacheable.items(), key=lambda kv: kv[0])))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _factory(prefix)(name, **options)
        return _CACHE[key]


def clear_cache() -> None:
    """Forget every cached backend (tests; switching models in a long process)."""
    with _LOCK:
        _CACHE.clear()
