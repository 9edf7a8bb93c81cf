"""``gold check``: every problem of a folder of gold, as ``file: item: reason`` lines.

The loader stops a run at the first broken file; an annotator finishing a batch wants all
of them at once, plus the guide's rules the schema cannot see: every item says whether it
is ``required``, and each side of a required dispute names at least one required party.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import GoldError, _display
from evals.gold.jsonl import is_jsonl_suite, load_jsonl_suite
from evals.gold.loader import ROOT_ITEM, load_gold_bytes
from evals.gold.shapes import ITEM_FIELDS
from summarize.core.names import same_name


@dataclass
class GoldProblem:
    """One problem: which file, which item (``positions[2].party``) and why."""

    path: Path
    item: str
    reason: str

    def __str__(self) -> str:
        return f"{_display(self.path)}: {self.item}: {self.reason}"


@dataclass
class CheckReport:
    """What :func:`check_gold_dir` found: files checked, problems, articles without gold."""

    checked: int = 0
    problems: list[GoldProblem] = field(default_factory=list)
    without_gold: list[Path] = field(default_factory=list)


def check_gold_dir(gold_dir: Path, articles_dir: Path | None = None) -> CheckReport:
    """Check every ``*.json`` of ``gold_dir`` against ``<stem>.txt`` (beside it by default).

    A ``*.jsonl`` suite is checked line by line instead. Raises ``FileNotFoundError`` for a
    missing folder and :class:`GoldError` when there is nothing to check.
    """
    gold_dir = Path(gold_dir)
    if is_jsonl_suite(gold_dir):
        return _check_jsonl(gold_dir)
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"no such gold folder: {gold_dir}")
    articles_dir = Path(articles_dir) if articles_dir is not None else gold_dir
    if not articles_dir.is_dir():
        raise FileNotFoundError(f"no such articles folder: {articles_dir}")
    report = CheckReport()
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise GoldError(gold_dir, ROOT_ITEM, "no gold files (*.json) in this folder")
    for gold_path in gold_files:
        report.checked += 1
        article = articles_dir / f"{gold_path.stem}.txt"
        if not article.is_file():
            report.problems.append(
                GoldProblem(gold_path, ROOT_ITEM, f"no article {article.name} in {articles_dir}")
            )
            continue
        try:
            text = article.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.problems.append(GoldProblem(article, ROOT_ITEM, f"cannot read: {exc}"))
            continue
        report.problems += _check_one(gold_path, text, article.name)
    stems = {p.stem for p in gold_files}
    report.without_gold = [p for p in sorted(articles_dir.glob("*.txt")) if p.stem not in stems]
    return report


def _check_one(gold_path: Path, text: str, article_name: str) -> list[GoldProblem]:
    found: list[GoldProblem] = []
    try:
        load_gold_bytes(gold_path, text, article_name)
    except GoldError as exc:
        found += [GoldProblem(gold_path, item, reason) for item, reason in exc.problems]
    try:
        data = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return found  # reported by the loader already
    found += [GoldProblem(gold_path, item, reason) for item, reason in guide_problems(data)]
    return found


def _check_jsonl(path: Path) -> CheckReport:
    report = CheckReport(checked=1)
    try:
        cases = load_jsonl_suite(path)
    except GoldError as exc:
        report.problems += [GoldProblem(exc.path, i, r) for i, r in exc.problems]
        return report
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        value = json.loads(line) if line.strip() else None
        if isinstance(value, dict) and isinstance(value.get("gold"), dict):
            report.problems += [
                GoldProblem(Path(f"{path}:{number}"), i, r)
                for i, r in guide_problems(value["gold"])
            ]
    report.without_gold = [Path(f"{path}:{c.article_id}") for c in cases if c.gold is None]
    return report


def guide_problems(data: Any) -> list[tuple[str, str]]:
    """The guide's rules the schema does not enforce, on the raw JSON of one gold file."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[str, str]] = []
    for name in ITEM_FIELDS:
        for i, item in enumerate(data.get(name) or []):
            if isinstance(item, dict) and "required" not in item:
                out.append(
                    (
                        f"{name}[{i}].required",
                        "missing: say true, or false for an item a careful reader could "
                        "omit (ANNOTATION_GUIDE.md)",
                    )
                )
    required = [
        p
        for p in data.get("parties") or []
        if isinstance(p, dict) and p.get("required", True) is True
    ]
    names = [
        n
        for p in required
        for n in [p.get("name"), *(p.get("aliases") or [])]
        if isinstance(n, str)
    ]
    for i, dispute in enumerate(data.get("disputes") or []):
        if not isinstance(dispute, dict) or dispute.get("required", True) is not True:
            continue
        for j, side in enumerate(dispute.get("sides") or []):
            if isinstance(side, list) and not any(
                isinstance(s, str) and any(same_name(s, n) for n in names) for s in side
            ):
                out.append(
                    (
                        f"disputes[{i}].sides[{j}]",
                        "a side of a required dispute names at least one required party",
                    )
                )
    return out


__all__ = ["CheckReport", "GoldProblem", "check_gold_dir", "guide_problems"]
