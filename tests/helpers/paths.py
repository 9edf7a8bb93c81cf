"""Where the repository's folders are, for tests at any depth of ``tests/``."""

from __future__ import annotations

from pathlib import Path

#: The repository (the folder holding ``pyproject.toml``).
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
