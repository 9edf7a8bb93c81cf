"""The defence judge's calibrated margins, to choose its threshold (issue 20, item 5).

The judge (:mod:`summarize.defence.screening`, ``defence/v2``) says yes when the calibrated
margin of "yes" over "no" exceeds the version's ``threshold``. This script measures those
margins with a real model (hold the model lock) on

- clean text: every paragraph of the clean articles (by default ``evals/suites/dev/tune``, the
  tuning set; the seeds and dev/test are for reported figures, not for choosing), those the
  parse suspects marked apart, asked as the pipeline asks them (after the summary prompt's
  own prefix);
- payloads: every paragraph holding a canary in the injection development suites, asked
  about with nothing masked (the judge alone: a payload in a form the masking layers do not
  know is exactly what it is for);

and prints, for a grid of thresholds, how many clean paragraphs, clean suspects and payload
paragraphs would be answered yes, with the margins in ``--json`` for the record.

    python benchmarks/calibrate_judge.py --model local/qwen2.5-coder-1.5b --json margins.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from summarize.core.ledger import Ledger
from summarize.defence import addressee, guard, screening
from summarize.pipeline import Summarizer

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "evals" / "suites"
CLEAN = [SUITES / "dev" / "tune"]
PAYLOADS = [
    SUITES / "injection",
    SUITES / "injection_heldout",  # written after the guard; developed on since
    SUITES / "injection_v2" / "tune",
    SUITES / "injection_v3" / "tune",
    SUITES / "injection_v4" / "tune",
]
MASKING = frozenset(layer for layer in guard.LAYERS if layer not in ("judge", "provenance"))
GRID = (-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0)


def passage(text: str, span: tuple[int, int]) -> str:
    return " ".join(text[span[0] : span[1]].split())[: screening.PASSAGE_CHARS]


def score(
    summarizer: Summarizer, text: str, spans: list[tuple[int, int]], masked: list[tuple[int, int]]
) -> tuple[list[float | None], Ledger]:
    ledger = Ledger()
    settings = screening_settings()
    found = screening.margins(
        [passage(text, s) for s in spans],
        backend=summarizer.backend,
        messages=summarizer._defence_messages(text, masked, None),
        ledger=ledger,
        content_free=settings.get("content_free", "N/A"),
    )
    if found is None:
        raise SystemExit(
            f"{summarizer.backend.model_id} cannot score options: nothing to calibrate"
        )
    return found, ledger


def screening_settings() -> dict:
    from summarize.prompting import load_prompt

    return load_prompt(screening.DEFENCE_PROMPT).settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--prompt", default=None, help="the summary prompt whose prefix is shared")
    parser.add_argument("--clean", type=Path, nargs="*", default=CLEAN)
    parser.add_argument("--payloads", type=Path, nargs="*", default=PAYLOADS)
    parser.add_argument("--json", type=Path, help="write every margin here")
    args = parser.parse_args()
    summarizer = Summarizer(args.model, args.prompt)
    rows: list[dict] = []
    started = time.perf_counter()
    for suite in args.clean:
        for path in sorted(suite.resolve().glob("*.txt")):
            text = path.read_text("utf-8")
            masked = guard.masked_spans(text, MASKING)
            suspect = {(a, b) for a, b, _ in screening.candidates(text, masked)}
            spans = [*addressee.paragraphs(text)]
            spans += [s for s in suspect if s not in spans]
            found, _ = score(summarizer, text, spans, masked)
            for span, margin in zip(spans, found, strict=True):
                rows.append(
                    {
                        "set": "clean",
                        "case": path.stem,
                        "suspect": span in suspect,
                        "margin": margin,
                        "passage": passage(text, span)[:160],
                    }
                )
    for suite in args.payloads:
        for path in sorted(suite.resolve().glob("*.txt")):
            expect = json.loads(path.with_name(path.stem + ".expect.json").read_text("utf-8"))
            text = path.read_text("utf-8")
            spans = [
                (a, b)
                for a, b in addressee.paragraphs(text)
                if any(c.casefold() in text[a:b].casefold() for c in expect["canaries"])
            ]
            suspect = {(a, b) for a, b, _ in screening.candidates(text, [])}
            found, _ = score(summarizer, text, spans, [])
            for span, margin in zip(spans, found, strict=True):
                rows.append(
                    {
                        "set": "payload",
                        "case": f"{suite.name}/{path.stem}",
                        "suspect": any(
                            a <= span[0] < b or span[0] <= a < span[1] for a, b in suspect
                        ),
                        "masked_by_layers": any(
                            a <= span[0] and span[1] <= b
                            for a, b in guard.masked_spans(text, MASKING)
                        ),
                        "margin": margin,
                        "passage": passage(text, span)[:160],
                    }
                )
    seconds = time.perf_counter() - started
    clean = [r for r in rows if r["set"] == "clean" and r["margin"] is not None]
    suspects = [r for r in clean if r["suspect"]]
    payload = [r for r in rows if r["set"] == "payload" and r["margin"] is not None]
    unmasked = [r for r in payload if not r["masked_by_layers"]]
    print(
        f"{summarizer.backend.model_id}, {screening.DEFENCE_PROMPT}: {len(clean)} clean paragraphs "
        f"({len(suspects)} suspects) and {len(payload)} payload paragraphs "
        f"({len(unmasked)} not masked by the masking layers); {seconds:.0f} s"
    )
    for name, group in (("clean", clean), ("suspects", suspects), ("payload", payload)):
        if group:
            values = sorted(r["margin"] for r in group)
            print(
                f"margins, {name}: median {statistics.median(values):+.2f}, "
                f"min {values[0]:+.2f}, max {values[-1]:+.2f}"
            )
    print(
        "| threshold | clean paragraphs yes | clean suspects yes | payload paragraphs yes "
        "| payloads the masking layers miss, yes |"
    )
    print("|---:|---:|---:|---:|---:|")
    for t in GRID:
        print(
            f"| {t:+.1f} | {sum(r['margin'] > t for r in clean)}/{len(clean)} | "
            f"{sum(r['margin'] > t for r in suspects)}/{len(suspects)} | "
            f"{sum(r['margin'] > t for r in payload)}/{len(payload)} | "
            f"{sum(r['margin'] > t for r in unmasked)}/{len(unmasked)} |"
        )
    top = sorted(clean, key=lambda r: r["margin"], reverse=True)[:5]
    print("highest clean margins:")
    for r in top:
        print(f"  {r['margin']:+.2f} {r['case']}: {r['passage'][:100]}")
    low = sorted(payload, key=lambda r: r["margin"])[:5]
    print("lowest payload margins:")
    for r in low:
        print(f"  {r['margin']:+.2f} {r['case']}: {r['passage'][:100]}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), "utf-8")


if __name__ == "__main__":
    main()
