"""Where an article's seconds go on the embedded models, measured side by side in one run.

    python benchmarks/bench_speed.py [--models M ...] [--configs summary/v7+library-sampler
        summary/v8 summary/v8+batched] [--suites seeds dev/test] [--limit N] [--cold]
        [--parallel 1 2 4 8] [--knobs] [--json FILE]

Per model, in one process (machines are noisy: ratios measured side by side mean more than
absolute seconds, and every figure is a median):

1. the pure rates of llama.cpp here: prefill tokens/s (an uncached prompt of article size),
   free decode tokens/s (end-of-text suppressed) and grammar-constrained decode tokens/s,
   with the library's sampler and with the grammar checked last;
2. per article, each configuration (a prompt as shipped; ``+library-sampler`` for llama-cpp-
   python as it comes, ``+batched`` for a pass's requests in one batch) run warm and
   interleaved (A, B, A, B...; the KV cache and the parse cache emptied before each run):
   seconds, prompt tokens, tokens prefilled after KV reuse, output tokens, calls, and the
   ratio of the wall time to the pure cost of those tokens (prefilled / prefill rate +
   output / free decode rate: 1 means nothing but tokens, above 1 grammar, sampling and
   Python); then per pass, the median per article of calls, tokens, prefill, decode and
   other seconds; then each configuration's median seconds as a ratio to the first's,
   article by article;
3. ``--cold``: process start to a finished summary of the first article (a fresh Python
   that imports, loads the model and spaCy, and summarises), against the warm figure;
4. ``--parallel``: decode throughput of 1, 2, 4, 8 sequences in one llama.cpp batch sharing
   an article's KV prefix (free decoding);
5. ``--knobs``: prefill and decode rates under flash attention, n_ubatch, a q8_0 KV cache
   and one thread.

Run it alone: a second model process on 2 cores slows both by 10-20x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.passes.attributed_v1 import AttributedLabel  # noqa: E402
from summarize.pipeline import Summarizer  # noqa: E402
from summarize.providers.registry import resolve_backend  # noqa: E402
from summarize.reading import _read  # noqa: E402
from summarize.text.nlp import parse as _parse  # noqa: E402

SUITES = {
    "seeds": ROOT / "seeds",
    "dev/test": ROOT / "evals/suites/dev/test",
    "dev/tune": ROOT / "evals/suites/dev/tune",
}
LIBRARY_SAMPLER = "+library-sampler"
BATCHED = "+batched"


def articles(suites: list[str], limit: int | None) -> list[Path]:
    found = []
    for suite in suites:
        folder = SUITES.get(suite, Path(suite))
        found += sorted(folder.glob("*.txt"))[:limit]
    return found


# --- pure rates --------------------------------------------------------------------------
def pure_rates(llama: Any, text: str, n_decode: int = 64) -> dict[str, float]:
    """Prefill, free decode and constrained decode tokens/s of llama.cpp itself."""
    from llama_cpp import LlamaGrammar

    prompt = f"Article:\n{text}\n\nDescribe the article's main statement in JSON.\n"
    n_prompt = len(llama.tokenize(prompt.encode()))
    llama.reset()
    started = time.perf_counter()
    llama.create_completion(prompt, max_tokens=1, temperature=0.0)
    prefill_s = time.perf_counter() - started

    def decode(**extra: Any) -> float:
        llama.create_completion(prompt, max_tokens=1, temperature=0.0)  # prefix cached
        started = time.perf_counter()
        out = llama.create_completion(prompt, max_tokens=n_decode, temperature=0.0, **extra)
        return out["usage"]["completion_tokens"] / (time.perf_counter() - started)

    grammar = json.dumps(AttributedLabel.model_json_schema())
    return {
        "prefill": n_prompt / prefill_s,
        "free": decode(logit_bias={llama.token_eos(): -100.0}),
        "constrained": decode(grammar=LlamaGrammar.from_json_schema(grammar, verbose=False)),
    }


# --- article runs ------------------------------------------------------------------------
def split_config(config: str) -> tuple[str, bool, bool]:
    """(prompt, grammar checked last?, requests decoded together?) of a configuration: a
    bare prompt runs as shipped (grammar checked last, one request at a time);
    ``+library-sampler`` is llama-cpp-python as it comes; ``+batched`` decodes a pass's
    requests together (``LlamaCppBackend(parallel=True)``)."""
    if config.endswith(LIBRARY_SAMPLER):
        return config[: -len(LIBRARY_SAMPLER)], False, False
    if config.endswith(BATCHED):
        return config[: -len(BATCHED)], True, True
    return config, True, False


def per_pass(calls: list) -> dict[str, dict[str, float]]:
    """Calls, tokens and seconds of one run, by pass (the call's purpose)."""
    out: dict[str, dict[str, float]] = {}
    for call in calls:
        row = out.setdefault(
            call.purpose,
            dict.fromkeys(
                ("calls", "prompt", "prefilled", "output", "prefill_s", "decode_s", "s"), 0.0
            ),
        )
        row["calls"] += 1
        row["prompt"] += call.prompt_tokens or 0
        row["prefilled"] += call.prefilled_tokens or 0
        row["output"] += call.completion_tokens or 0
        row["prefill_s"] += call.prefill_s or 0.0
        row["decode_s"] += call.decode_s or 0.0
        row["s"] += call.latency_s
    return out


def run_article(summarizer: Summarizer, text: str, rates: dict[str, float]) -> dict[str, Any]:
    summarizer.backend.llama.reset()  # nothing of an earlier run left in the KV cache
    _read.cache_clear()
    _parse.cache_clear()
    run = summarizer.run(text)
    prefilled = sum(c.prefilled_tokens or 0 for c in run.calls)
    pure_s = prefilled / rates["prefill"] + run.completion_tokens / rates["free"]
    return {
        "s": run.wall_s,
        "prompt": run.prompt_tokens,
        "prefilled": prefilled,
        "output": run.completion_tokens,
        "calls": len(run.calls),
        "ratio": run.wall_s / pure_s,
        "passes": per_pass(run.calls),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_articles(configs: list[str], rows: dict[str, dict[str, dict]]) -> None:
    print(
        f"\n{'article':36} {'config':30} {'s':>6} {'prompt':>7} {'prefill':>7} "
        f"{'output':>6} {'calls':>5} {'ratio':>5}"
    )
    for article, by_config in rows.items():
        for config in configs:
            r = by_config[config]
            print(
                f"{article[:36]:36} {config[:30]:30} {r['s']:6.1f} {r['prompt']:7d} "
                f"{r['prefilled']:7d} {r['output']:6d} {r['calls']:5d} {r['ratio']:5.2f}"
            )


def print_passes(config: str, runs: list[dict[str, Any]]) -> None:
    """Per pass, medians over the articles where it ran: where an article's time goes."""
    names = list(dict.fromkeys(p for r in runs for p in r["passes"]))
    print(f"\n[{config}] per pass, median per article")
    print(
        f"  {'pass':15} {'calls':>5} {'prompt':>7} {'prefill':>7} {'output':>6} "
        f"{'prefill s':>9} {'decode s':>8} {'other s':>7} {'s':>6}"
    )
    for name in names:
        got = [r["passes"][name] for r in runs if name in r["passes"]]
        m = {k: median([g[k] for g in got]) for k in got[0]}
        other = median([g["s"] - g["prefill_s"] - g["decode_s"] for g in got])
        print(
            f"  {name:15} {m['calls']:5.0f} {m['prompt']:7.0f} {m['prefilled']:7.0f} "
            f"{m['output']:6.0f} {m['prefill_s']:9.1f} {m['decode_s']:8.1f} {other:7.1f} "
            f"{m['s']:6.1f}"
        )


def print_summary(configs: list[str], rows: dict[str, dict[str, dict]]) -> dict[str, Any]:
    print(
        f"\n{'config':32} {'s/article':>9} {'prefill':>7} {'output':>6} {'calls':>5} "
        f"{'ratio':>5} {'vs first':>8}   (medians over {len(rows)} articles)"
    )
    summary = {}
    for config in configs:
        runs = [by[config] for by in rows.values()]
        paired = median([by[config]["s"] / by[configs[0]]["s"] for by in rows.values()])
        summary[config] = {
            k: median([r[k] for r in runs]) for k in ("s", "prefilled", "output", "calls", "ratio")
        }
        summary[config]["vs_first"] = paired
        s = summary[config]
        print(
            f"{config[:32]:32} {s['s']:9.1f} {s['prefilled']:7.0f} {s['output']:6.0f} "
            f"{s['calls']:5.1f} {s['ratio']:5.2f} {paired:8.2f}"
        )
    return summary


# --- cold start ---------------------------------------------------------------------------
COLD_SCRIPT = """
import sys
from summarize.pipeline import Summarizer
run = Summarizer(sys.argv[1], sys.argv[2]).run(open(sys.argv[3], encoding="utf-8").read())
print(run.wall_s)
"""


def cold_start(model: str, prompt: str, article: Path) -> tuple[float, float]:
    """(process start to a finished summary, the summary's own seconds) in a fresh Python."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT, model, prompt, str(article)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started, float(out.stdout.strip().splitlines()[-1])


# --- parallel sequences ------------------------------------------------------------------
def parallel_decode(llama: Any, text: str, counts: list[int], steps: int = 24) -> dict[int, float]:
    """Total decode tokens/s of k sequences advanced together in one llama.cpp batch after a
    shared prefix (prefilled once, for all k): what batching the attributed calls would buy."""
    import llama_cpp
    import numpy as np

    prefix = llama.tokenize(f"Article:\n{text}\n\nSummarize:".encode())[:1500]
    n_vocab = llama.n_vocab()
    rates = {}
    for k in counts:
        params = llama_cpp.llama_context_default_params()
        params.n_ctx, params.n_batch, params.n_ubatch = 4096, 512, 512
        params.n_threads = params.n_threads_batch = llama.n_threads
        params.n_seq_max, params.kv_unified = k, True
        ctx = llama_cpp.llama_init_from_model(llama.model, params)
        batch = llama_cpp.llama_batch_init(512, 0, k)

        def add(token: int, pos: int, seqs: list[int], logits: bool, batch: Any = batch) -> None:
            i = batch.n_tokens
            batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, pos, len(seqs)
            for j, s in enumerate(seqs):
                batch.seq_id[i][j] = s
            batch.logits[i] = logits
            batch.n_tokens += 1

        for start in range(0, len(prefix), 512):
            batch.n_tokens = 0
            for j, token in enumerate(prefix[start : start + 512]):
                add(token, start + j, list(range(k)), start + j == len(prefix) - 1)
            llama_cpp.llama_decode(ctx, batch)
        rows, pos = [batch.n_tokens - 1] * k, len(prefix)
        started = time.perf_counter()
        for step in range(steps):
            tokens = []
            for s in range(k):
                logits = np.ctypeslib.as_array(
                    llama_cpp.llama_get_logits_ith(ctx, rows[s]), shape=(n_vocab,)
                )
                # the s-th likeliest first token, so that the k sequences differ
                tokens.append(
                    int(np.argsort(logits)[-1 - s]) if step == 0 else int(logits.argmax())
                )
            batch.n_tokens = 0
            for s in range(k):
                add(tokens[s], pos, [s], True)
            rows, pos = list(range(k)), pos + 1
            llama_cpp.llama_decode(ctx, batch)
        rates[k] = k * steps / (time.perf_counter() - started)
        llama_cpp.llama_batch_free(batch)
        llama_cpp.llama_free(ctx)
    return rates


# --- knobs -------------------------------------------------------------------------------
KNOBS: dict[str, dict[str, Any]] = {
    "default (n_batch 512, 2 threads)": {},
    "flash attention": {"flash_attn": True},
    "n_ubatch 128": {"n_ubatch": 128},
    "q8_0 KV cache + flash attention": {"flash_attn": True, "type_k": 8, "type_v": 8},
    "1 thread": {"n_threads": 1, "n_threads_batch": 1},
}


def knob_rates(path: Path, text: str) -> dict[str, dict[str, float]]:
    import llama_cpp

    out = {}
    for label, extra in KNOBS.items():
        options = {
            "model_path": str(path),
            "n_ctx": 8192,
            "n_threads": 2,
            "n_threads_batch": 2,
            "n_batch": 512,
            "seed": 0,
            "verbose": False,
            **extra,
        }
        llama = llama_cpp.Llama(**options)
        out[label] = pure_rates(llama, text)
        del llama
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models", nargs="+", default=["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b"]
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["summary/v7+library-sampler", "summary/v8"],
        help="prompts to compare; +library-sampler: llama-cpp-python's own "
        "sampling; +batched: a pass's requests decoded together",
    )
    parser.add_argument("--suites", nargs="+", default=["seeds", "dev/test"])
    parser.add_argument("--limit", type=int, help="first N articles of each suite")
    parser.add_argument("--cold", action="store_true", help="also time a cold start")
    parser.add_argument(
        "--parallel",
        type=int,
        nargs="*",
        default=[],
        help="decode throughput of this many sequences in one batch",
    )
    parser.add_argument("--knobs", action="store_true", help="also sweep llama.cpp settings")
    parser.add_argument("--skip-articles", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    texts = articles(args.suites, args.limit)
    sample = texts[0].read_text(encoding="utf-8")
    results: dict[str, Any] = {}
    for model in args.models:
        started = time.perf_counter()
        backends = {
            (gl, par): resolve_backend(model, grammar_last=gl, parallel=par)
            for gl, par in ((True, True), (True, False), (False, False))
        }
        for backend in backends.values():
            backend.warm_up()
        load_s = (time.perf_counter() - started) / 2  # two models: library and grammar-last
        rates = pure_rates(backends[False, False].llama, sample)
        rates["constrained_last"] = pure_rates(backends[True, True].llama, sample)["constrained"]
        print(
            f"\n## {model}  (model load {load_s:.1f} s)\nprefill {rates['prefill']:.1f} "
            f"tok/s · free decode {rates['free']:.1f} tok/s · constrained decode "
            f"{rates['constrained']:.1f} tok/s with the library's sampler, "
            f"{rates['constrained_last']:.1f} with the grammar checked last"
        )
        result: dict[str, Any] = {"load_s": load_s, "rates": rates}
        if not args.skip_articles:
            summarizers = {
                c: Summarizer(backends[split_config(c)[1:]], split_config(c)[0])
                for c in args.configs
            }
            for summarizer in summarizers.values():  # warm: spaCy and the model loaded
                summarizer.run(sample)
            rows: dict[str, dict[str, dict]] = {}
            for path in texts:
                text = path.read_text(encoding="utf-8")
                rows[path.stem] = {c: run_article(s, text, rates) for c, s in summarizers.items()}
            print_articles(args.configs, rows)
            for config in args.configs:
                print_passes(config, [by[config] for by in rows.values()])
            result["summary"] = print_summary(args.configs, rows)
            result["articles"] = rows
        if args.cold:
            prompt = split_config(args.configs[-1])[0]
            cold_s, run_s = cold_start(model, prompt, texts[0])
            warm = result.get("articles", {}).get(texts[0].stem, {}).get(args.configs[-1], {})
            warm_s = warm.get("s", float("nan"))
            print(
                f"\ncold start [{prompt}] {texts[0].stem}: {cold_s:.1f} s from process start "
                f"to the finished summary (a fresh Python: imports, model and spaCy load, "
                f"the run); warm {warm_s:.1f} s; cold - warm {cold_s - warm_s:.1f} s"
            )
            result["cold"] = {"cold_s": cold_s, "run_s": run_s, "warm_s": warm.get("s")}
        if args.parallel:
            got = parallel_decode(backends[False, False].llama, sample, args.parallel)
            print(
                "\nparallel sequences (one batch, shared prefix, free decoding): "
                + " · ".join(
                    f"{k}: {rate:.1f} tok/s ({rate / got[args.parallel[0]]:.2f}x)"
                    for k, rate in got.items()
                )
            )
            result["parallel"] = got
        if args.knobs:
            knobs = knob_rates(backends[False, False].gguf_path, sample)
            print("\nllama.cpp settings (library sampler):")
            for label, r in knobs.items():
                print(
                    f"  {label:34} prefill {r['prefill']:6.1f} · free {r['free']:5.1f} · "
                    f"constrained {r['constrained']:5.1f} tok/s"
                )
            result["knobs"] = knobs
        results[model] = result
        del backends
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
