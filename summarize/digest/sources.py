"""The articles of a story, as a user hands them over: texts, files, folders.

Each article gets a short id that every evidence span of the digest cites: a file's stem
(``000_4384644db8aab1e9``), ``a1``, ``a2``... for a bare string, or the id the caller chose.
Ids must be unique within a story; two files with one stem get ``-2``, ``-3``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize.batch import ARTICLE_SUFFIXES
from summarize.core.errors import InputError


@dataclass(frozen=True)
class StoryArticle:
    """One source of a story: its id, its text (or raw bytes), and what else is known."""

    id: str
    text: str | bytes
    published: dt.date | str | None = None
    source: str | None = None


ArticleInput = str | Path | StoryArticle


def story_articles(items: Sequence[ArticleInput]) -> list[StoryArticle]:
    """Normalize the inputs: a ``str`` is article text, a ``Path`` a file or a folder of them."""
    out: list[StoryArticle] = []
    for item in items:
        if isinstance(item, StoryArticle):
            out.append(item)
        elif isinstance(item, Path):
            out.extend(_from_path(item))
        elif isinstance(item, str):
            out.append(StoryArticle(id=f"a{len(out) + 1}", text=item))
        else:
            raise InputError(
                f"an article is a str, a Path or a StoryArticle, not {type(item).__name__}"
            )
    if len(out) < 1:
        raise InputError("a story digest needs at least one article")
    return _unique_ids(out)


def _from_path(path: Path) -> list[StoryArticle]:
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        )
        if not files:
            raise InputError(f"{path}: no articles in this folder (*.txt, *.md, *.html)")
        return [a for f in files for a in _from_path(f)]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file or folder: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return [StoryArticle(id=path.stem, text=raw, source=str(path))]


def _unique_ids(articles: list[StoryArticle]) -> list[StoryArticle]:
    seen: dict[str, int] = {}
    out = []
    for article in articles:
        count = seen.get(article.id, 0) + 1
        seen[article.id] = count
        if count > 1:
            article = StoryArticle(
                id=f"{article.id}-{count}",
                text=article.text,
                published=article.published,
                source=article.source,
            )
        out.append(article)
    return out
