"""A suite: a folder of ``*.txt`` articles with gold beside them or in a gold folder, or a
JSONL file with the gold inline (:mod:`evals.gold.jsonl`).

The suite hash covers every article text and gold byte, so a run records exactly which
yardstick measured it and a comparison can say when two runs used different ones.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from evals.errors import GoldError
from evals.gold.jsonl import is_jsonl_suite, load_jsonl_suite
from evals.gold.loader import ROOT_ITEM, load_gold_bytes
from evals.gold.shapes import GoldCase, GoldSummary
from summarize.resources import resource_dir

_SUITE_HASH_VERSION = b"newsbrief-suite-v1\0"


def load_suite(articles_dir: Path, gold_dir: Path | None) -> list[GoldCase]:
    """Every ``*.txt`` article of ``articles_dir`` (sorted by name) with its gold, if any.

    ``articles_dir`` may also be a ``*.jsonl`` suite (its gold inline; ``gold_dir`` None or
    the same file).

    Gold for article ``<stem>.txt`` is ``gold_dir/<stem>.json``; an article without a gold
    file gets ``gold=None`` (a batch suite may have no gold at all), and gold files without
    an article are ignored (a suite may be a subset of the gold). Articles are read as UTF-8
    and never normalized: evidence offsets index into exactly this text.
    """
    articles_dir = Path(articles_dir)
    if is_jsonl_suite(articles_dir):
        if gold_dir is not None and Path(gold_dir).resolve() != articles_dir.resolve():
            raise GoldError(
                articles_dir, ROOT_ITEM, "a JSONL suite carries its gold inline; drop --gold"
            )
        return load_jsonl_suite(articles_dir)
    if not articles_dir.is_dir():
        raise FileNotFoundError(f"no such articles directory: {articles_dir}")
    if gold_dir is not None:
        gold_dir = Path(gold_dir)
        if not gold_dir.is_dir():
            raise FileNotFoundError(f"no such gold directory: {gold_dir}")
    cases: list[GoldCase] = []
    for path in sorted(articles_dir.glob("*.txt"), key=lambda p: p.name):
        text = path.read_text(encoding="utf-8")
        gold: GoldSummary | None = None
        gold_path: Path | None = None
        digest: str | None = None
        candidate = gold_dir / f"{path.stem}.json" if gold_dir is not None else None
        if candidate is not None and candidate.is_file():
            gold_path = candidate
            gold, raw = load_gold_bytes(candidate, text, path.name)
            digest = hashlib.sha256(raw).hexdigest()
        cases.append(GoldCase(path.stem, path, text, gold, gold_path, digest))
    return cases


def default_suite() -> tuple[Path, Path]:
    """(articles, gold) of the built-in seed suite: package data (``seeds/`` ships as
    ``evals.seeds``), found with importlib.resources wherever newsbrief is installed, never
    from the cwd."""
    gold = Path(__file__).resolve().parent  # the seed gold lives beside this package's code
    return resource_dir("evals.seeds", "seeds"), gold


def suite_hash(cases: list[GoldCase]) -> str:
    """sha256 over the suite's article texts and gold file bytes, for run provenance.

    Independent of the order of ``cases``; any change to an article or its gold, or a gold
    file added or removed, changes the hash. Each part is length-prefixed so that moving
    bytes from one article to the next cannot produce the same hash.
    """
    h = hashlib.sha256(_SUITE_HASH_VERSION)

    def part(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)

    for case in sorted(cases, key=lambda c: c.article_id):
        part(case.article_id.encode("utf-8"))
        part(case.text.encode("utf-8"))
        if case.gold_sha256 is not None:
            gold_digest = case.gold_sha256
        elif case.gold_path is not None and case.gold_path.is_file():
            gold_digest = hashlib.sha256(case.gold_path.read_bytes()).hexdigest()
        elif case.gold is not None:
            gold_digest = hashlib.sha256(case.gold.model_dump_json().encode()).hexdigest()
        else:
            gold_digest = "-"
        part(gold_digest.encode("ascii"))
    return h.hexdigest()
