"""Speed of the embedded models on the seeds, against the pure cost of the same tokens.

    python benchmarks/bench_speed.py [--models M ...] [--prompts summary/v1 summary/v2]
                                     [--repeats 2] [--seeds N] [--cached-rerun]
                                     [--threads 1 2]

For each model, in one process and one run (machines are noisy: ratios measured side by
side mean more than absolute seconds):

1. the pure rates of llama.cpp on this machine, measured directly: prefill tokens/s (an
   uncached prompt of seed-article size), free decode tokens/s (unconstrained, end-of-text
   suppressed) and schema-constrained decode tokens/s (the same prompt under the grammar
   of the extraction schema);
2. per seed article and prompt: cold wall time (model load + the first run), warm wall
   time (median of ``--repeats`` further runs with the model loaded; the KV cache is reset
   before each run so no run reuses another's article), prompt and output tokens, and the
   ratio of warm wall time to the pure cost of the same tokens (prompt tokens / prefill
   rate + output tokens / free decode rate). Near 1: the pipeline adds little beyond the
   tokens it asks for; below 1: the KV cache saved prefill between passes; above 1:
   overhead (grammar, re-asks, Python). Then per pass (median over the articles): its
   calls, prompt and output tokens and seconds, from the run's call ledger.
3. with ``--threads``: the pure rates again at each thread count (a threads sweep);
4. with ``--cached-rerun``: the wall time of an unchanged ``newsbrief eval run`` of the
   seeds for each model and prompt, served from the result cache in ``./runs`` (run the
   eval once first; the figure is printed with how many articles came from the cache, and
   the re-run's own run directory is removed afterwards).

Run it alone: a second model process on 2 cores slows both by 10-20x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.core.draft import SummaryDraft  # noqa: E402
from summarize.pipeline import Summarizer  # noqa: E402
from summarize.providers.registry import resolve_backend  # noqa: E402

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def pure_rates(llama, sample_text: str, n_decode: int = 96) -> dict[str, float]:
    """Prefill, free-decode and constrained-decode rates of llama.cpp itself."""
    from llama_cpp import LlamaGrammar

    prompt = f"Article:\n{sample_text}\n\nSummarize the article in JSON.\n"
    n_prompt = len(llama.tokenize(prompt.encode()))
    eos = llama.token_eos()

    llama.reset()
    started = time.perf_counter()
    llama.create_completion(prompt, max_tokens=1, temperature=0.0)
    prefill_s = time.perf_counter() - started

    def decode(**extra) -> tuple[int, float]:
        llama.create_completion(prompt, max_tokens=1, temperature=0.0)  # prefix now cached
        started = time.perf_counter()
        out = llama.create_completion(prompt, max_tokens=n_decode, temperature=0.0, **extra)
        return out["usage"]["completion_tokens"], time.perf_counter() - started

    free_tokens, free_s = decode(logit_bias={eos: -100.0})
    grammar = LlamaGrammar.from_json_schema(json.dumps(SummaryDraft.model_json_schema()),
                                            verbose=False)
    constrained_tokens, constrained_s = decode(grammar=grammar)
    return {
        "prefill_tok_s": n_prompt / prefill_s,
        "free_decode_tok_s": free_tokens / free_s,
        "constrained_decode_tok_s": constrained_tokens / constrained_s,
    }


def per_pass(calls: list) -> dict[str, dict[str, float]]:
    """Calls, prompt and output tokens and seconds of one run, by pass (the call's purpose)."""
    out: dict[str, dict[str, float]] = {}
    for call in calls:
        row = out.setdefault(call.purpose, {"calls": 0, "prompt": 0, "output": 0, "s": 0.0})
        row["calls"] += 1
        row["prompt"] += call.prompt_tokens or 0
        row["output"] += call.completion_tokens or 0
        row["s"] += call.latency_s
    return out


def print_per_pass(rows: list[dict]) -> None:
    """Per pass, medians over the articles: where an article's time goes."""
    passes = list(dict.fromkeys(p for r in rows for p in r["passes"]))
    print(f"  {'pass':12} {'calls':>5} {'prompt':>7} {'output':>7} {'s':>6}   (median/article)")
    for name in passes:
        got = [r["passes"][name] for r in rows if name in r["passes"]]
        med = {k: statistics.median(g[k] for g in got) for k in ("calls", "prompt", "output", "s")}
        print(f"  {name:12} {med['calls']:5.0f} {med['prompt']:7.0f} {med['output']:7.0f} "
              f"{med['s']:6.1f}")


def cached_rerun(model: str, prompt: str | None) -> tuple[float, int, int]:
    """Seconds of an unchanged eval re-run of the seeds, and (cached, total) articles."""
    import shutil

    from evals.runner import run_suite
    from evals.store import RunStore

    started = time.perf_counter()
    [run_dir] = run_suite([model], [prompt], runs_root=ROOT / "runs", progress=False)
    seconds = time.perf_counter() - started
    records = RunStore.open(run_dir).records()
    shutil.rmtree(run_dir)
    return seconds, sum(r.cached for r in records), len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+",
                        default=["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b"])
    parser.add_argument("--prompts", nargs="+", default=[None])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="first N seeds only")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--cached-rerun", action="store_true",
                        help="also time an unchanged eval re-run served from ./runs")
    parser.add_argument("--threads", type=int, nargs="+", default=[],
                        help="also measure the pure rates at these thread counts")
    parser.add_argument("--skip-articles", action="store_true",
                        help="only the pure rates (and --cached-rerun), no article runs")
    args = parser.parse_args()

    results = []
    for model in args.models:
        started = time.perf_counter()
        backend = resolve_backend(model)
        backend.warm_up()
        load_s = time.perf_counter() - started
        rates = pure_rates(backend.llama, SEEDS[0].read_text(encoding="utf-8"))
        print(f"\n## {model}  (model load {load_s:.1f} s)")
        print(f"prefill {rates['prefill_tok_s']:.1f} tok/s · free decode "
              f"{rates['free_decode_tok_s']:.1f} tok/s · constrained decode "
              f"{rates['constrained_decode_tok_s']:.1f} tok/s · grammar overhead "
              f"{rates['free_decode_tok_s'] / rates['constrained_decode_tok_s']:.2f}x")
        for threads in args.threads:
            swept = resolve_backend(model, n_threads=threads)
            swept.warm_up()
            r = pure_rates(swept.llama, SEEDS[0].read_text(encoding="utf-8"))
            print(f"  threads {threads}: prefill {r['prefill_tok_s']:.1f} tok/s · free decode "
                  f"{r['free_decode_tok_s']:.1f} tok/s · constrained "
                  f"{r['constrained_decode_tok_s']:.1f} tok/s")
        for prompt in [] if args.skip_articles else args.prompts:
            summarizer = Summarizer(backend, prompt)
            print(f"\n{'article':28} {'cold s':>7} {'warm s':>7} {'prompt':>7} {'output':>7} "
                  f"{'calls':>5} {'ratio':>6}   [{summarizer.prompt_name}]")
            rows = []
            for seed in SEEDS[: args.seeds]:
                text = seed.read_text(encoding="utf-8")
                runs = []
                for _ in range(1 + args.repeats):
                    backend.llama.reset()  # nothing of this article left in the KV cache
                    runs.append(summarizer.run(text))
                cold = load_s + runs[0].wall_s
                warm_s = statistics.median(r.wall_s for r in runs[1:] or runs)
                last = runs[-1]
                pure_s = (last.prompt_tokens / rates["prefill_tok_s"]
                          + last.completion_tokens / rates["free_decode_tok_s"])
                row = {"model": model, "prompt": summarizer.prompt_name, "article": seed.stem,
                       "cold_s": cold, "warm_s": warm_s,
                       "prompt_tokens": last.prompt_tokens,
                       "output_tokens": last.completion_tokens, "calls": len(last.calls),
                       "ratio": warm_s / pure_s, "passes": per_pass(last.calls)}
                rows.append(row)
                print(f"{seed.stem:28} {cold:7.1f} {warm_s:7.1f} {row['prompt_tokens']:7d} "
                      f"{row['output_tokens']:7d} {row['calls']:5d} {row['ratio']:6.2f}")
            print_per_pass(rows)
            print(f"{'median':28} {statistics.median(r['cold_s'] for r in rows):7.1f} "
                  f"{statistics.median(r['warm_s'] for r in rows):7.1f} "
                  f"{statistics.median(r['prompt_tokens'] for r in rows):7.0f} "
                  f"{statistics.median(r['output_tokens'] for r in rows):7.0f} "
                  f"{'':5} {statistics.median(r['ratio'] for r in rows):6.2f}")
            results.append({"model": model, "load_s": load_s, **rates, "rows": rows})
        if args.cached_rerun:
            for prompt in args.prompts:
                seconds, cached, total = cached_rerun(model, prompt)
                print(f"cached eval re-run [{prompt or 'default prompt'}]: {seconds:.2f} s "
                      f"({cached}/{total} articles from the cache)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
