"""How well the reading layer reads, part by part, without a model.

    python benchmarks/bench_reading.py [--suite seeds|dev/tune|dev/test|DIR ...] [--errors]

Prints, per article and in total: candidate recall of the required gold parties and
candidate precision; attribution of each required gold position's evidence (right / wrong
speaker / none, with relays and relative clauses counted apart); recall of the required gold
date words; required disputes whose sides are both candidates. ``--errors`` lists every
miss. No model runs; develop on ``dev/tune``, report on the seeds and ``dev/test``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.metrics.reading import ReadingScore  # noqa: E402
from evals.runner.reading import score_suite, total  # noqa: E402
from summarize.reading import READINGS, ReadingOptions  # noqa: E402

SUITES = {
    "seeds": (ROOT / "seeds", ROOT / "evals/gold"),
    "dev/tune": (ROOT / "evals/suites/dev/tune", None),
    "dev/test": (ROOT / "evals/suites/dev/test", None),
}


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def _row(score: ReadingScore) -> str:
    r = score.rates()
    forms = " ".join(
        f"{form}:{c.get('right', 0)}/{c.get('wrong', 0)}/{c.get('none', 0)}"
        for form, c in sorted(score.attribution.items())
    )
    return (
        f"{score.article[:36]:36} cand R {_fmt(r['candidate_recall'])} "
        f"({score.parties_found}/{score.parties_required}) P {_fmt(r['candidate_precision'])} "
        f"({score.candidates_named}/{score.candidates})  attr {_fmt(r['attribution'])} "
        f"[{forms}]  dates {_fmt(r['date_words'])} ({score.dates_found}/"
        f"{score.dates_required})  disputes {score.disputes_candidates}/"
        f"{score.disputes_required}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", nargs="+", default=list(SUITES))
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument(
        "--reading",
        default="reading.v1",
        choices=sorted(READINGS),
        help="the reading version (default reading.v1)",
    )
    parser.add_argument(
        "--lever",
        action="append",
        default=[],
        help="switch one lever on over --reading (repeatable; 'all' for all)",
    )
    parser.add_argument(
        "--levers-table",
        action="store_true",
        help="the totals with no lever, each lever alone, and all of them",
    )
    args = parser.parse_args()
    if args.levers_table:
        levers_table(args.suite)
        return
    options = READINGS[args.reading]
    if args.lever:
        names = list(ReadingOptions.model_fields) if "all" in args.lever else args.lever
        options = options.model_copy(update={name: True for name in names})
    print(
        f"reading: {args.reading}; levers on: "
        f"{[k for k, v in options.model_dump().items() if v] or 'none'}"
    )
    for name in args.suite:
        articles, gold = SUITES.get(name, (Path(name), None))
        scores = score_suite(articles, gold, options)
        print(f"== {name} ({len(scores)} articles); attribution as right/wrong/none per form")
        for score in scores:
            print(_row(score))
        summed = total(scores)
        print(_row(summed))
        if args.errors:
            for error in summed.errors:
                print(f"  {error.part:11} {error.detail}")
        print()


def levers_table(suites: list[str]) -> None:
    """Each lever's effect alone on the reading.v1 baseline, then reading.v2 and all (v3)."""
    configs = [("none (reading.v1)", ReadingOptions())]
    configs += [(name, ReadingOptions(**{name: True})) for name in ReadingOptions.model_fields]
    configs.append(("reading.v2", READINGS["reading.v2"]))
    configs.append(("all (reading.v3)", READINGS["reading.v3"]))
    for name in suites:
        articles, gold = SUITES.get(name, (Path(name), None))
        print(
            f"== {name}: lever | candidate recall | precision | attribution | date words | "
            f"dispute pairs"
        )
        for label, options in configs:
            r = total(score_suite(articles, gold, options)).rates()
            print(
                f"{label:22} | {_fmt(r['candidate_recall'])} | "
                f"{_fmt(r['candidate_precision'])} | {_fmt(r['attribution'])} | "
                f"{_fmt(r['date_words'])} | {_fmt(r['dispute_pairs_candidates'])}"
            )
        print()


if __name__ == "__main__":
    main()
