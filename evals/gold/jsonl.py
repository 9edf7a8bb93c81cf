"""A suite in one file: JSON Lines, one article per line with its gold inline.

    {"id": "strike-01", "text": "The union said on Monday ...", "gold": {...}}

``id`` (unique, a file-name-safe string) and ``text`` are required; ``gold`` is optional
and has the shape of a gold file (``article`` may be left out: it defaults to the id).
Blank lines are skipped. Handy when articles come from a database or a scraper rather
than a folder; the folder layout stays the one for hand annotation.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from evals.errors import GoldError
from evals.gold.loader import ROOT_ITEM, parse_gold
from evals.gold.shapes import GoldCase

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def is_jsonl_suite(path: Path) -> bool:
    """True for a ``*.jsonl`` file (the one-file suite layout)."""
    return Path(path).suffix.lower() == ".jsonl" and Path(path).is_file()


def load_jsonl_suite(path: Path) -> list[GoldCase]:
    """Every line of ``path`` as a :class:`~evals.gold.shapes.GoldCase`, in file order.

    Problems are :class:`GoldError` naming the file and line (``suite.jsonl:3``), the item
    and the reason, like a gold file's.
    """
    path = Path(path)
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise GoldError(path, ROOT_ITEM, f"cannot read the file: {exc.strerror or exc}") from None
    cases: list[GoldCase] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        where = Path(f"{path}:{number}")
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldError(where, ROOT_ITEM, f"not a JSON line: {exc}") from None
        if not isinstance(value, dict):
            raise GoldError(where, ROOT_ITEM, "each line is one JSON object")
        article_id, text = value.get("id"), value.get("text")
        if not isinstance(article_id, str) or not _ID.fullmatch(article_id):
            raise GoldError(
                where, "id", f"a name of letters, digits, _ . - is required, not {article_id!r}"
            )
        if article_id in seen:
            raise GoldError(where, "id", f"{article_id!r} is used by an earlier line")
        seen.add(article_id)
        if not isinstance(text, str) or not text.strip():
            raise GoldError(where, "text", "the article text is required (a non-empty string)")
        gold_data = value.get("gold")
        gold = digest = None
        if gold_data is not None:
            if not isinstance(gold_data, dict):
                raise GoldError(where, "gold", "gold is one JSON object")
            digest = hashlib.sha256(
                json.dumps(gold_data, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            gold_data.setdefault("article", article_id)
            gold = parse_gold(gold_data, text, where)
        cases.append(GoldCase(article_id, path, text, gold, path if gold else None, digest))
    return cases


__all__ = ["is_jsonl_suite", "load_jsonl_suite"]
