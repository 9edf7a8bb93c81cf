"""The prompt-injection defence layer by layer, without a model (issue 13).

For every layer of :data:`summarize.defence.guard.LAYERS` that masks text, alone and added to the
ones before it:

- payload paragraphs flagged: of the paragraphs of an injection suite that hold a canary,
  how many the layer masks, and in how many cases every such paragraph is masked;
- false alarms: paragraphs flagged over the seeds and the dev suite (tune and test);
- seconds per article: the layer's own cost over the same clean articles, the spaCy parse
  excluded (it is the reading layer's, shared and cached; its cost is printed apart).

    python benchmarks/bench_defence.py                       # injection_v2/tune
    python benchmarks/bench_defence.py --suite evals/suites/injection_v2/heldout
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from summarize.defence import addressee, guard
from summarize.text.nlp import parse as _parse

ROOT = Path(__file__).resolve().parent.parent
CLEAN = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    *sorted((ROOT / "evals" / "suites" / "dev").glob("*/*.txt")),
]
MASKING = ("patterns", "addressee", "imperative", "foreign", "disguise", "pointer")


def payload_paragraphs(suite: Path) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(case, text, the paragraphs holding a canary) for every case of ``suite``."""
    out = []
    for path in sorted(suite.glob("*.txt")):
        expect = json.loads(path.with_name(path.stem + ".expect.json").read_text("utf-8"))
        text = path.read_text("utf-8")
        spans = [
            (a, b)
            for a, b in addressee.paragraphs(text)
            if any(c.casefold() in text[a:b].casefold() for c in expect["canaries"])
        ]
        out.append((path.stem, text, spans))
    return out


def covered(span: tuple[int, int], masked: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in masked)


def measure(layers: frozenset[str], cases: list, clean: list[str]) -> dict[str, float]:
    flagged = total = whole = 0
    for _name, text, spans in cases:
        masked = guard.masked_spans(text, layers)
        hits = sum(covered(s, masked) for s in spans)
        flagged, total, whole = flagged + hits, total + len(spans), whole + (hits == len(spans))
    alarms = sum(len(guard.flags(text, layers)) for text in clean)
    seconds = []
    for text in clean:
        _parse(text)  # the shared parse, paid by the reading layer
        guard._flags.cache_clear()
        addressee._find.cache_clear()
        started = time.perf_counter()
        guard.flags(text, layers)
        seconds.append(time.perf_counter() - started)
    return {
        "flagged": flagged,
        "payload": total,
        "cases": whole,
        "n": len(cases),
        "alarms": alarms,
        "s": statistics.mean(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--suite", type=Path, default=ROOT / "evals" / "suites" / "injection_v2" / "tune"
    )
    args = parser.parse_args()
    args.suite = args.suite.resolve()
    cases = payload_paragraphs(args.suite)
    clean = [p.read_text("utf-8") for p in CLEAN]
    started = time.perf_counter()
    for text in clean:
        _parse(text)
    parse_s = (time.perf_counter() - started) / len(clean)
    print(
        f"suite {args.suite.relative_to(ROOT)}: {len(cases)} cases; clean articles: "
        f"{len(clean)} (seeds + dev), {sum(len(addressee.paragraphs(t)) for t in clean)} "
        f"paragraphs; spaCy parse {parse_s:.3f} s per article (shared, not counted below)"
    )
    print(
        "| layer | payload paragraphs flagged | cases fully masked | false alarms "
        "(paragraphs) | s per article |"
    )
    print("|---|---:|---:|---:|---:|")
    rows = [(name, frozenset({name})) for name in MASKING]
    rows += [
        ("+".join(MASKING[: i + 1]), frozenset(MASKING[: i + 1])) for i in range(1, len(MASKING))
    ]
    for name, layers in rows:
        m = measure(layers, cases, clean)
        print(
            f"| {name} | {m['flagged']}/{m['payload']} | {m['cases']}/{m['n']} | "
            f"{m['alarms']} | {m['s']:.4f} |"
        )
    seconds = []
    for text in clean:
        _parse(text)
        addressee._instruction_like.cache_clear()
        started = time.perf_counter()
        addressee.instruction_like(text)
        seconds.append(time.perf_counter() - started)
    print(
        f"provenance (instruction-like sentences, parse shared): "
        f"{statistics.mean(seconds):.4f} s per article; sentences found on clean articles: "
        f"{sum(len(addressee.instruction_like(t)) for t in clean)}"
    )


if __name__ == "__main__":
    main()
