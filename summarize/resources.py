"""Folders of package data (the bundled prompts, the seed suite) as filesystem paths.

The top-level ``prompts/`` and ``seeds/`` folders of the source tree ship inside the
distribution as the packages ``summarize.prompts`` and ``evals.seeds`` (see the package-dir
mapping in ``pyproject.toml``), so an installed wheel finds them with
:func:`importlib.resources.files` wherever it is installed. A source checkout that was never
installed, or whose editable install predates that mapping (``PYTHONPATH=.`` from a git
worktree), cannot import them; there the folder beside the ``summarize`` package is used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from summarize.core.errors import ConfigurationError

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def resource_dir(package: str, source_folder: str) -> Path:
    """The directory of the data package ``package``, or ``<checkout>/<source_folder>``.

    Jinja2's loader and the suite loader need real paths, so a package that is not on the
    filesystem (imported from a zip) is an error that says so rather than a silent miss.
    """
    try:
        root = files(package)
    except ModuleNotFoundError:
        fallback = _SOURCE_ROOT / source_folder
        if fallback.is_dir():
            return fallback
        raise ConfigurationError(
            f"package data {package!r} is missing: reinstall newsbrief (pip install newsbrief)"
        ) from None
    if not isinstance(root, Path):
        raise ConfigurationError(f"package data {package!r} is not on the filesystem ({root})")
    return root
