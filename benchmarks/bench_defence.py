"""The prompt-injection defence layer by layer, without a model (issue 13).

For every layer of :data:`summarize.defence.guard.LAYERS` that masks text, alone and added to the
ones before it:

- payload paragraphs flagged: of the paragraphs of an injection suite that hold a canary,
  how many the layer masks, and in how many cases every such paragraph is masked;
- false alarms: paragraphs flagged over the seeds and the dev suite (tune and test), and
  gold parties lost: gold parties of those articles that the masked text leaves named only
  in untrusted text (the provenance rules would drop them);
- seconds per article: the layer's own cost over the same clean articles, the spaCy parse
  excluded (it is the reading layer's, shared and cached; its cost is printed apart).

    python benchmarks/bench_defence.py                       # injection_v2/tune
    python benchmarks/bench_defence.py --suite evals/suites/injection_v2/heldout

With ``--model M`` the ``judge`` layer (:mod:`summarize.defence.screening`) is measured too, with a
real model (hold the model lock): every suspect the parse marks is asked about once, and the
table gives the payload paragraphs it says yes to (alone: every suspect; cumulative: the
suspects the masking layers left in view), the clean paragraphs it says yes to (false
alarms, on the suspects the masking layers left in view, as in the pipeline), and its calls
and seconds per clean article. The question is asked on the summary prompt's prefix, alone
here, so its seconds include the article's prefill, which the pipeline shares with the
summary passes.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from summarize.defence import addressee, guard, screening
from summarize.defence.provenance import Provenance
from summarize.text.nlp import parse as _parse

ROOT = Path(__file__).resolve().parent.parent
CLEAN = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    *sorted((ROOT / "evals" / "suites" / "dev").glob("*/*.txt")),
]
GOLD = ROOT / "evals" / "gold"
MASKING = ("patterns", "addressee", "imperative", "foreign", "disguise", "pointer")


def payload_paragraphs(suite: Path) -> list[tuple[str, str, list[list[tuple[int, int]]]]]:
    """(case, text, per paragraph holding a canary: where its canaries are) for every case of
    ``suite``. A paragraph counts as flagged when every canary in it is masked (a table cell
    or a quotation may be masked without the rest of its paragraph)."""
    out = []
    for path in sorted(suite.glob("*.txt")):
        expect = json.loads(path.with_name(path.stem + ".expect.json").read_text("utf-8"))
        text = path.read_text("utf-8")
        spans = []
        for a, b in addressee.paragraphs(text):
            hits = [
                (a + m.start(), a + m.end())
                for c in expect["canaries"]
                for m in re.finditer(re.escape(c.casefold()), text[a:b].casefold())
            ]
            if hits:
                spans.append(hits)
        out.append((path.stem, text, spans))
    return out


def gold_names(path: Path) -> list[list[str]]:
    """The names (name and aliases) of each gold party of a seed or dev article."""
    gold = path.with_suffix(".json") if path.parent.name != "seeds" else GOLD / f"{path.stem}.json"
    parties = json.loads(gold.read_text("utf-8"))["parties"]
    return [[p["name"], *p.get("aliases", [])] for p in parties]


def gold_lost(text: str, names: list[list[str]], masked: list[tuple[int, int]]) -> int:
    """Gold parties that ``masked`` leaves named only in untrusted text."""
    provenance = Provenance.of(text, masked)
    return sum(provenance.only_untrusted(n) for n in names)


def covered(canaries: list[tuple[int, int]], masked: list[tuple[int, int]]) -> bool:
    return all(any(a <= start and end <= b for a, b in masked) for start, end in canaries)


def measure(
    layers: frozenset[str], cases: list, clean: list[str], golds: list[list[list[str]]]
) -> dict[str, float]:
    flagged = total = whole = 0
    for _name, text, spans in cases:
        masked = guard.masked_spans(text, layers)
        hits = sum(covered(s, masked) for s in spans)
        flagged, total, whole = flagged + hits, total + len(spans), whole + (hits == len(spans))
    alarms = sum(len(guard.flags(text, layers)) for text in clean)
    lost = sum(
        gold_lost(text, names, guard.masked_spans(text, layers))
        for text, names in zip(clean, golds, strict=True)
    )
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
        "lost": lost,
        "s": statistics.mean(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--suite", type=Path, default=ROOT / "evals" / "suites" / "injection_v2" / "tune"
    )
    parser.add_argument("--model", help="also measure the judge layer with this model")
    parser.add_argument("--prompt", help="the summary prompt whose prefix the judge shares")
    args = parser.parse_args()
    args.suite = args.suite.resolve()
    cases = payload_paragraphs(args.suite)
    clean = [p.read_text("utf-8") for p in CLEAN]
    golds = [gold_names(p) for p in CLEAN]
    started = time.perf_counter()
    for text in clean:
        _parse(text)
    parse_s = (time.perf_counter() - started) / len(clean)
    print(
        f"suite {args.suite.relative_to(ROOT)}: {len(cases)} cases; clean articles: "
        f"{len(clean)} (seeds + dev), {sum(len(addressee.paragraphs(t)) for t in clean)} "
        f"paragraphs, {sum(len(g) for g in golds)} gold parties; spaCy parse "
        f"{parse_s:.3f} s per article (shared, not counted below)"
    )
    print(
        "| layer | payload paragraphs flagged | cases fully masked | false alarms "
        "(paragraphs) | gold parties lost | s per article |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    rows = [(name, frozenset({name})) for name in MASKING]
    rows += [
        ("+".join(MASKING[: i + 1]), frozenset(MASKING[: i + 1])) for i in range(1, len(MASKING))
    ]
    for name, layers in rows:
        m = measure(layers, cases, clean, golds)
        print(
            f"| {name} | {m['flagged']}/{m['payload']} | {m['cases']}/{m['n']} | "
            f"{m['alarms']} | {m['lost']} | {m['s']:.4f} |"
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
    reach(cases, clean)
    if args.model:
        judge(args.model, args.prompt, cases, clean, golds)


def reach(cases: list, clean: list[str]) -> None:
    """What the judge can reach without a model: the payload paragraphs that the masking
    layers or the suspects it would ask about cover, and the questions on clean text."""
    every = frozenset(MASKING)
    hits = total = whole = 0
    for _name, text, spans in cases:
        masked = guard.masked_spans(text, every)
        asked = [(a, b) for a, b, _ in screening.candidates(text, masked)]
        hit = sum(covered(s, guard.merge_spans([*masked, *asked])) for s in spans)
        hits, total, whole = hits + hit, total + len(spans), whole + (hit == len(spans))
    questions = [len(screening.candidates(t, guard.masked_spans(t, every))) for t in clean]
    print(
        f"judge's reach (masked, or asked about; no model): {hits}/{total} payload paragraphs, "
        f"{whole}/{len(cases)} cases; clean articles: {sum(questions)} questions "
        f"({sum(q > 0 for q in questions)} of {len(clean)} articles have one or more)"
    )


def judge(
    model: str, prompt: str | None, cases: list, clean: list[str], golds: list[list[list[str]]]
) -> None:
    """The ``judge`` layer (and ``furniture``, where the defence version has a furniture probe)
    with a real model: alone and after the masking layers; every clean passage they flag is
    printed, by layer, so that a reader can tell page furniture from a false alarm."""
    from summarize.core.ledger import Ledger
    from summarize.pipeline import Summarizer

    summarizer = Summarizer(model, prompt)

    def ask(text: str, flagged: list[tuple[int, int]]) -> tuple[list, Ledger]:
        ledger = Ledger()
        found = summarizer.screen(text, flagged, ledger)
        return found, ledger

    every = frozenset(MASKING)
    alone = cumulative = total = whole_alone = whole_cum = 0
    missed: list[str] = []
    for name, text, spans in cases:
        masked = guard.masked_spans(text, every)
        yes_alone = [(f.start, f.end) for f in ask(text, [])[0]]
        yes_after = [(f.start, f.end) for f in ask(text, masked)[0]]
        hit_alone = sum(covered(s, yes_alone) for s in spans)
        hit_cum = sum(covered(s, guard.merge_spans([*masked, *yes_after])) for s in spans)
        alone, cumulative, total = alone + hit_alone, cumulative + hit_cum, total + len(spans)
        whole_alone += hit_alone == len(spans)
        whole_cum += hit_cum == len(spans)
        if hit_cum < len(spans):
            missed.append(name)
    alarms, lost, calls, seconds = 0, 0, [], []
    by_layer: dict[str, list[str]] = {}
    for text, names in zip(clean, golds, strict=True):
        masked = guard.masked_spans(text, every)
        found, ledger = ask(text, masked)
        alarms += len(found)
        for f in found:
            by_layer.setdefault(f.layer, []).append(" ".join(text[f.start : f.end].split()))
        lost += gold_lost(
            text, names, guard.merge_spans([*masked, *((f.start, f.end) for f in found)])
        )
        calls.append(len(ledger.calls))
        seconds.append(sum(c.latency_s for c in ledger.calls))
    print(
        f"| judge ({summarizer.backend.model_id}, {summarizer.prompt_name}), alone | "
        f"{alone}/{total} | {whole_alone}/{len(cases)} | {alarms} | {lost} | "
        f"{statistics.mean(seconds):.2f} |"
    )
    print(
        f"| every masking layer + judge | {cumulative}/{total} | {whole_cum}/{len(cases)} | "
        f"{alarms} | {lost} | {statistics.mean(seconds):.2f} |"
    )
    print(
        f"judge: {sum(calls)} questions over {len(clean)} clean articles "
        f"({statistics.mean(calls):.2f} per article, {max(calls)} at most), "
        f"{sum(seconds):.1f} s in all; not fully masked: {', '.join(missed) or 'none'}"
    )
    for layer, texts in sorted(by_layer.items()):  # read them: furniture on a page is no alarm
        print(f"clean passages flagged by {layer}: {len(texts)}")
        for flagged in texts:
            print(f"  {flagged[:110]}")


if __name__ == "__main__":
    main()
