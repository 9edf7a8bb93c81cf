"""The Ray engine's cost against the local one, measured side by side in one run.

    python benchmarks/bench_engines.py --skip-model [--n 1000] [--actors 1 2]   # no model
    flock /tmp/model.lock python benchmarks/bench_engines.py --skip-fake       # the 0.5B part

1. ``fake/heuristic`` (no model: the pipeline's own work, the reading layer and the
   grounding, with instant "model" answers) on ``--n`` small synthetic articles given as one
   JSONL file: ``newsbrief summarize FILE.jsonl -o OUT`` with ``--engine local``, then with
   ``--engine ray`` and each ``--actors`` value, on a Ray head started in this process
   (its start-up is timed apart). Seconds each, articles per second, and the ratio to the
   local engine; the outputs are compared line by line (same summaries).
2. ``local/qwen2.5-coder-0.5b`` (greedy) on the five seed articles: local, then Ray with one
   actor (one model process at a time on 2 cores: the actor takes both cores' threads);
   seconds each, ratio, and whether the five summaries are the same.

Each row also splits the run's seconds into the articles' own (the sum of each article's
seconds as its worker measured them) and the rest (start-up, model load, scheduling,
writing): on a shared machine the articles' seconds move with the neighbours' load, the
rest is what the engine adds.

Every figure is wall time of ``summarize_folder`` to the last fsynced line. The local engine
runs warm (spaCy loaded by a first article before the clock starts); a Ray figure includes
what every Ray run pays: Ray Data's start, the actors' processes, imports, spaCy and (for
the 0.5B) the model load. Run it alone, under the model lock: machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.batch import summarize_folder  # noqa: E402
from summarize.engines import EngineOptions  # noqa: E402
from summarize.providers.registry import FAST_MODEL  # noqa: E402

PEOPLE = [
    "Maria Lopez",
    "Tom Baker",
    "Anna Schmidt",
    "Peter Novak",
    "Laura Chen",
    "David Okafor",
    "Sofia Rossi",
    "Jonas Berg",
    "Elena Petrova",
    "Samuel Reed",
]
TOPICS = [
    "the city budget",
    "the new rail line",
    "the water tariff",
    "the school reform",
    "the port expansion",
    "the housing plan",
    "the tram fares",
    "the airport rules",
]


def synthetic(i: int) -> str:
    """A small article (three sentences, two people, a date): the fake's whole pipeline."""
    a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 3 + 1) % len(PEOPLE)]
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"{a} said on Monday that {topic} would be approved before the summer "
        f"(item {i}).\nCritics including {b} rejected the proposal as reckless and costly "
        f"for residents.\nThe council is expected to vote on {topic} later this month.\n"
    )


def lines_of(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def summaries(out: Path) -> dict[str, Any]:
    return {line["article"]: (line["status"], line["summary"]) for line in lines_of(out)}


def inside(out: Path) -> tuple[float, float]:
    """Seconds spent summarizing, as each article's worker measured them: sum and median."""
    walls = [float(line["wall_s"]) for line in lines_of(out)]
    return sum(walls), statistics.median(walls)


def timed(inputs: list[Path], out: Path, model: str, engine: EngineOptions | None) -> float:
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    stats = summarize_folder(inputs, out, model=model, engine=engine, progress=False)
    elapsed = time.perf_counter() - started
    assert stats.failed == 0, f"{stats.failed} failed: see {out}"
    return elapsed


def row(name: str, seconds: float, out: Path, base: float | None, same: bool | None) -> str:
    n = len(lines_of(out))
    in_articles, median = inside(out)
    ratio = "1.00" if base is None else f"{seconds / base:.2f}"
    same_text = "" if same is None else ("same" if same else "DIFFERENT")
    return (
        f"{name:<18} {seconds:>9.1f} {ratio:>6} {n / seconds:>8.2f} {in_articles:>10.1f} "
        f"{seconds - in_articles:>9.1f} {median:>10.3f}  {same_text}"
    )


HEADER = (
    f"{'engine':<18} {'seconds':>9} {'ratio':>6} {'art/s':>8} {'in arts s':>10} "
    f"{'other s':>9} {'median s':>10}  summaries vs local\n"
    "(seconds: the whole run; in arts s: the sum of each article's seconds as its worker "
    "measured them; other s: the rest (start-up, model load, scheduling, writing); "
    "median s: per article)"
)


def bench_fake(work: Path, n: int, actors: list[int]) -> dict[str, Any]:
    source = work / "articles.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"a{i:05d}", "text": synthetic(i)}) + "\n")
    warm = work / "warm.jsonl"
    warm.write_text(json.dumps({"id": "warm", "text": synthetic(0)}) + "\n", encoding="utf-8")
    timed([warm], work / "warm-out.jsonl", "fake/heuristic", None)  # spaCy loaded here once

    results: dict[str, Any] = {"n": n}
    local = timed([source], work / "local.jsonl", "fake/heuristic", None)
    reference = summaries(work / "local.jsonl")
    print(f"\n== fake/heuristic, {n} synthetic articles (one JSONL file)")
    print(HEADER)
    print(row("local", local, work / "local.jsonl", None, None))
    results["local_s"] = local
    results["local_in_articles_s"] = inside(work / "local.jsonl")[0]
    import ray

    started = time.perf_counter()
    ray.init(
        address="local", include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False
    )
    results["ray_head_start_s"] = time.perf_counter() - started
    for k in actors:
        out = work / f"ray{k}.jsonl"
        seconds = timed([source], out, "fake/heuristic", EngineOptions("ray", actors=k))
        same = summaries(out) == reference
        print(row(f"ray, {k} actor(s)", seconds, out, local, same))
        results[f"ray_{k}_s"] = seconds
        results[f"ray_{k}_ratio"] = seconds / local
        results[f"ray_{k}_same"] = same
        results[f"ray_{k}_in_articles_s"] = inside(out)[0]
    print(
        f"(Ray head start-up in this process, not in the figures above: "
        f"{results['ray_head_start_s']:.1f} s)"
    )
    return results


def bench_model(work: Path) -> dict[str, Any]:
    import ray

    if not ray.is_initialized():
        ray.init(
            address="local",
            include_dashboard=False,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    results: dict[str, Any] = {"n": len(seeds), "model": FAST_MODEL}
    local = timed(seeds, work / "seeds-local.jsonl", FAST_MODEL, None)
    reference = summaries(work / "seeds-local.jsonl")
    ray_s = timed(seeds, work / "seeds-ray.jsonl", FAST_MODEL, EngineOptions("ray", actors=1))
    same = summaries(work / "seeds-ray.jsonl") == reference
    print(f"\n== {FAST_MODEL} (greedy), the {len(seeds)} seed articles")
    print(HEADER)
    print(row("local", local, work / "seeds-local.jsonl", None, None))
    print(row("ray, 1 actor", ray_s, work / "seeds-ray.jsonl", local, same))
    results.update(
        local_s=local,
        ray_1_s=ray_s,
        ratio=ray_s / local,
        same=same,
        local_in_articles_s=inside(work / "seeds-local.jsonl")[0],
        ray_in_articles_s=inside(work / "seeds-ray.jsonl")[0],
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic articles (default 1000)")
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-model", action="store_true", help="only the fake backend")
    parser.add_argument("--skip-fake", action="store_true", help="only the 0.5B on the seeds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        work = Path(tmp)
        figures: dict[str, Any] = {}
        if not args.skip_fake:
            figures["fake"] = bench_fake(work, args.n, args.actors)
        if not args.skip_model:
            figures["model"] = bench_model(work)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
