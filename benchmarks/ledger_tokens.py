"""Tokens per article from the call ledger of eval runs (or batch outputs): the input of a
sizing (``docs/scaling.md``).

    python benchmarks/ledger_tokens.py RUN_DIR|OUT.jsonl ... [--json]

Per article (every call counted, failed attempts and re-asks included): calls, prompt
tokens, of which served from the KV cache (``cached``; llama.cpp's prefix reuse in-process,
an endpoint's prefix cache when it reports one), completion tokens, and seconds. Printed:
the mean, median, 90th percentile and total over the ok articles of all inputs, and per
purpose (which pass) the mean per article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FIELDS = ("calls", "prompt", "cached", "prefilled", "completion", "total", "seconds")


def lines_of(source: Path) -> list[dict[str, Any]]:
    path = source / "records.jsonl" if source.is_dir() else source
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def per_article(line: dict[str, Any]) -> dict[str, float]:
    calls = line.get("calls") or []
    prompt = sum(c.get("prompt_tokens") or 0 for c in calls)
    cached = sum(c.get("cached_tokens") or 0 for c in calls)
    completion = sum(c.get("completion_tokens") or 0 for c in calls)
    return {
        "calls": len(calls),
        "prompt": prompt,
        "cached": cached,
        "prefilled": prompt - cached,
        "completion": completion,
        "total": prompt + completion,
        "seconds": float(line.get("wall_s") or 0.0),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path, help="run directories or batch JSONL")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows: list[dict[str, float]] = []
    purposes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    models: set[str] = set()
    for source in args.sources:
        for line in lines_of(source):
            if line.get("status") != "ok":
                continue
            rows.append(per_article(line))
            for call in line.get("calls") or []:
                models.add(call.get("model", "?"))
                bucket = purposes[call.get("purpose", "?")]
                bucket["calls"] += 1
                bucket["prompt"] += call.get("prompt_tokens") or 0
                bucket["cached"] += call.get("cached_tokens") or 0
                bucket["completion"] += call.get("completion_tokens") or 0
    if not rows:
        print("no ok articles in the inputs", file=sys.stderr)
        return 2
    n = len(rows)
    summary = {
        field: {
            "mean": statistics.fmean(r[field] for r in rows),
            "median": statistics.median(r[field] for r in rows),
            "p90": percentile([r[field] for r in rows], 0.9),
            "total": sum(r[field] for r in rows),
        }
        for field in FIELDS
    }
    by_purpose = {p: {k: v / n for k, v in b.items()} for p, b in sorted(purposes.items())}
    if args.json:
        print(
            json.dumps(
                {
                    "articles": n,
                    "models": sorted(models),
                    "per_article": summary,
                    "per_purpose_per_article": by_purpose,
                },
                indent=2,
            )
        )
        return 0
    print(f"{n} ok article(s); model(s): {', '.join(sorted(models))}")
    print(f"{'per article':<12}" + "".join(f"{f:>12}" for f in FIELDS))
    for stat in ("mean", "median", "p90"):
        print(f"{stat:<12}" + "".join(f"{summary[f][stat]:>12.1f}" for f in FIELDS))
    print(
        f"\n{'per purpose':<22}{'calls':>8}{'prompt':>10}{'cached':>10}{'completion':>12}"
        "   (mean per article)"
    )
    for purpose, b in by_purpose.items():
        print(
            f"{purpose:<22}{b['calls']:>8.1f}{b['prompt']:>10.1f}{b['cached']:>10.1f}"
            f"{b['completion']:>12.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
