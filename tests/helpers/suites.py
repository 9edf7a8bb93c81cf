"""A small suite of synthetic articles with gold, written to a folder (for the runner,
batch and resume tests), and the comparable form of a run's records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.store import ArticleRecord

PEOPLE = [
    ("Maria Lopez", "Tom Baker", "the city budget"),
    ("Anna Schmidt", "Peter Novak", "the new rail line"),
    ("Laura Chen", "David Okafor", "the water tariff"),
    ("Sofia Rossi", "Jonas Berg", "the school reform"),
    ("Elena Petrova", "Samuel Reed", "the port expansion"),
    ("Julia Moreau", "Kevin Walsh", "the housing plan"),
    ("Nadia Haddad", "Oscar Lind", "the tram fares"),
    ("Clara Jensen", "Victor Hale", "the airport noise rules"),
]


def article_text(i: int) -> str:
    a, b, topic = PEOPLE[i % len(PEOPLE)]
    return (
        f"{a} said on Monday that {topic} would be approved before the summer.\n"
        f"Critics including {b} rejected the proposal as reckless and costly for residents.\n"
        f"The council is expected to vote on {topic} later this month after a public hearing.\n"
    )


def gold_json(i: int, *, with_second: bool = True) -> dict[str, Any]:
    a, b, topic = PEOPLE[i % len(PEOPLE)]
    parties = [
        {
            "name": a,
            "kind": "person",
            "role": None,
            "aliases": [],
            "evidence": [f"{a} said on Monday"],
        }
    ]
    if with_second:
        parties.append(
            {
                "name": b,
                "kind": "person",
                "role": None,
                "aliases": [],
                "evidence": [f"Critics including {b} rejected the proposal"],
            }
        )
    return {
        "article": f"a{i:02d}.txt",
        "headline": f"{a} expects approval of {topic}",
        "summary": f"{a} said {topic} would be approved; {b} rejected it.",
        "parties": parties,
    }


def make_suite(
    root: Path,
    n: int = 4,
    *,
    gold_for: set[int] | None = None,
    with_second: bool = True,
    poison: set[int] | None = None,
) -> tuple[Path, Path]:
    """``n`` articles (``a00.txt``...) and gold for ``gold_for`` (default: all)."""
    articles, gold = root / "articles", root / "gold"
    articles.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = article_text(i) + (
            "POISON marker: the model cannot read this.\n" if i in (poison or set()) else ""
        )
        (articles / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
        if gold_for is None or i in gold_for:
            (gold / f"a{i:02d}.json").write_text(
                json.dumps(gold_json(i, with_second=with_second)), encoding="utf-8"
            )
    return articles, gold


def comparable(records: list[ArticleRecord]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            r.article_id,
            r.repeat,
            r.status,
            json.dumps(r.prediction, sort_keys=True),
            json.dumps(r.scores, sort_keys=True),
        )
        for r in records
    )
