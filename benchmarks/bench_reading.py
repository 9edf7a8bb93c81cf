"""How well the reading layer reads, without a model: candidates and attributions vs gold.

    python benchmarks/bench_reading.py [--suite evals/suites/dev/tune]

Prints, over a suite with gold beside its articles:

1. candidate recall (share of the required gold parties that some candidate names, by the
   project's name matching) and precision (share of candidates that name a gold party);
2. attribution coverage: the share of required gold positions whose evidence sentence the
   parse attributes to the right speaker, and of the attributions that land on a gold
   position, how many name the right speaker.

No model runs: this measures what the parse hands the model, so a change to the reading
layer can be judged in seconds before an eval run. Develop on ``dev/tune``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.gold import load_suite  # noqa: E402
from summarize.core.names import same_name  # noqa: E402
from summarize.reading import read_article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=ROOT / "evals/suites/dev/tune")
    args = parser.parse_args()

    required = found = candidates = named = 0
    positions = covered = right = wrong = 0
    for case in load_suite(args.suite, args.suite):
        if case.gold is None:
            continue
        reading = read_article(case.text)
        names = {p.name: [p.name, *p.aliases] for p in case.gold.parties}
        for party in case.gold.parties:
            if party.required:
                required += 1
                found += any(same_name(n, x) for x in names[party.name]
                             for c in reading.candidates for n in c.names)
        for c in reading.candidates:
            candidates += 1
            named += any(same_name(n, x) for n in c.names for xs in names.values() for x in xs)

        def holds(speaker: str, party: str, names: dict[str, list[str]] = names) -> bool:
            return any(same_name(speaker, x) for x in names[party])

        for position in case.gold.positions:
            if not position.required:
                continue
            positions += 1
            covered += any(
                holds(a.speaker, position.party) and any(
                    ev.start < a.end and a.start < ev.end for ev in position.evidence)
                for a in reading.attributions)
        for a in reading.attributions:
            on = [p for p in case.gold.positions
                  if any(ev.start < a.end and a.start < ev.end for ev in p.evidence)]
            if on:
                if any(holds(a.speaker, p.party) for p in on):
                    right += 1
                else:
                    wrong += 1
    print(f"suite {args.suite}")
    print(f"candidates: required-party recall {found}/{required} = {found / required:.2f}, "
          f"precision {named}/{candidates} = {named / candidates:.2f}")
    print(f"attributions: required positions credited to the right speaker "
          f"{covered}/{positions} = {covered / positions:.2f}; on a gold position: right "
          f"speaker {right}, wrong speaker {wrong}")


if __name__ == "__main__":
    main()
