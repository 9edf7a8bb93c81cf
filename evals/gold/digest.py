"""Gold story digests: the digest shapes plus ``required``, read from one JSON file per story.

A story folder (``evals/suites/stories/<story>/``) holds ``gold.json``. Its ``articles`` name
each source by ``id`` and ``path``: relative to the folder, or ``seeds:<file>`` for an article
of the built-in seed suite (so the seeds are never copied). Annotators write quotes as plain
strings, ``{"article": id, "quote": "..."}``; the loader finds their offsets in that article,
as the per-article gold loader does, and reports every quote that is not verbatim.

What counts as one event, one position and one discrepancy is written down in
``evals/suites/stories/README.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from evals.errors import GoldError
from evals.gold.suite import default_suite
from summarize.core.digest import (
    DigestDispute,
    DigestParty,
    DigestPosition,
    Discrepancy,
    StoryDigest,
    TimelineEvent,
)

GOLD_FILE = "gold.json"
SEEDS_PREFIX = "seeds:"


class GoldDigestParty(DigestParty):
    required: bool = Field(default=True, strict=True)


class GoldDigestPosition(DigestPosition):
    required: bool = Field(default=True, strict=True)


class GoldTimelineEvent(TimelineEvent):
    """A gold event; the timeline's list order is the story's order of events."""

    required: bool = Field(default=True, strict=True)


class GoldDigestDispute(DigestDispute):
    required: bool = Field(default=True, strict=True)


class GoldDiscrepancy(Discrepancy):
    required: bool = Field(default=True, strict=True)


class GoldStoryDigest(StoryDigest):
    """The hand-written digest of one story."""

    story: str = Field(min_length=1)
    parties: list[GoldDigestParty] = Field(default_factory=list)  # type: ignore[assignment]
    positions: list[GoldDigestPosition] = Field(default_factory=list)  # type: ignore[assignment]
    timeline: list[GoldTimelineEvent] = Field(default_factory=list)  # type: ignore[assignment]
    disputes: list[GoldDigestDispute] = Field(default_factory=list)  # type: ignore[assignment]
    discrepancies: list[GoldDiscrepancy] = Field(  # type: ignore[assignment]
        default_factory=list
    )


@dataclass(frozen=True)
class StoryCase:
    """One story: its gold digest and the texts of its articles, by article id."""

    name: str
    folder: Path
    gold: GoldStoryDigest
    texts: dict[str, str]
    paths: dict[str, Path]


def load_story(folder: Path) -> StoryCase:
    """Read ``folder/gold.json`` and its articles; a :class:`GoldError` names every problem."""
    folder = Path(folder)
    gold_path = folder / GOLD_FILE
    try:
        data = json.loads(gold_path.read_text("utf-8"))
    except FileNotFoundError:
        raise GoldError(gold_path, "<root>", "no gold.json in this story folder") from None
    except json.JSONDecodeError as exc:
        raise GoldError(gold_path, "<root>", f"not JSON: {exc}") from None
    paths: dict[str, Path] = {}
    for index, article in enumerate(data.get("articles") or []):
        ref = article.pop("path", None) if isinstance(article, dict) else None
        if not isinstance(ref, str):
            raise GoldError(gold_path, f"articles[{index}].path", "each article needs a path")
        paths[str(article.get("id"))] = _resolve(folder, ref)
    texts: dict[str, str] = {}
    for article_id, path in paths.items():
        try:
            texts[article_id] = path.read_text("utf-8")
        except OSError as exc:
            raise GoldError(
                gold_path, f"articles[{article_id}]", f"cannot read {path}: {exc}"
            ) from None
    problems = list(_locate(data, texts))
    if problems:
        raise GoldError(gold_path, *problems[0], more=problems[1:])
    try:
        gold = GoldStoryDigest.model_validate(data, context={"texts": texts})
    except ValidationError as exc:
        first, *rest = [(".".join(map(str, e["loc"])) or "<root>", e["msg"]) for e in exc.errors()]
        raise GoldError(gold_path, *first, more=rest) from None
    return StoryCase(name=gold.story, folder=folder, gold=gold, texts=texts, paths=paths)


def story_folders(root: Path) -> list[Path]:
    """Every story folder under ``root`` (itself, if it holds a gold.json)."""
    root = Path(root)
    if (root / GOLD_FILE).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{GOLD_FILE}"))


def _resolve(folder: Path, ref: str) -> Path:
    if ref.startswith(SEEDS_PREFIX):
        return default_suite()[0] / ref[len(SEEDS_PREFIX) :]
    return (folder / ref).resolve()


def _locate(data: dict[str, Any], texts: dict[str, str]) -> list[tuple[str, str]]:
    """Give every ``{"article", "quote"}`` its offsets; the problems, as (item, reason)."""
    problems: list[tuple[str, str]] = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "quote" in node and "article" in node and "start" not in node:
                text = texts.get(node["article"])
                if text is None:
                    problems.append((where, f"cites unknown article {node['article']!r}"))
                    return
                start = text.find(node["quote"])
                if start < 0:
                    problems.append(
                        (where, f"quote not found verbatim in {node['article']}: {node['quote']!r}")
                    )
                    return
                node["start"], node["end"] = start, start + len(node["quote"])
                return
            for key, value in node.items():
                visit(value, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                visit(value, f"{where}[{i}]")

    visit(data, "")
    return problems
