"""A 20,000-word article through the embedded model: chunking, merging, time.

    python benchmarks/bench_long.py [--model local/qwen2.5-coder-1.5b] [--words 20000]

The article is built from the seed articles and the fictional articles of the injection
suite, paragraph by paragraph, until it has ``--words`` words: long, varied, with real names
recurring across chunks (the merge must deduplicate them). Prints the number of chunks, the
wall time, the calls and tokens, the merged item counts, and checks every evidence offset
against the whole text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.core.schema import iter_evidence  # noqa: E402
from summarize.pipeline import Summarizer  # noqa: E402


def long_article(words: int) -> str:
    sources = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
        (ROOT / "evals" / "suites" / "injection").glob("*.txt")
    )
    paragraphs = [
        p.strip()
        for src in sources
        for p in src.read_text(encoding="utf-8").split("\n")
        if len(p.split()) > 8
    ]
    out: list[str] = []
    count = 0
    while count < words:
        for paragraph in paragraphs:
            out.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--prompt", default=None)
    parser.add_argument("--words", type=int, default=20_000)
    args = parser.parse_args()

    text = long_article(args.words)
    started = time.perf_counter()
    summarizer = Summarizer(args.model, args.prompt)
    getattr(summarizer.backend, "warm_up", lambda: None)()
    load_s = time.perf_counter() - started
    run = summarizer.run(text, published="2024-07-09")
    for _field, _i, ev in iter_evidence(run.summary):
        assert text[ev.start : ev.end] == ev.quote, "evidence offset off"
    s = run.summary
    print(
        f"{len(text.split()):,} words, {len(text):,} chars -> {run.chunks} chunks "
        f"of <= {summarizer.chunk_chars:,} chars ({args.model}, {summarizer.prompt_name})"
    )
    print(
        f"model load {load_s:.1f} s; summarize {run.wall_s:.1f} s "
        f"({run.wall_s / run.chunks:.1f} s per chunk); {len(run.calls)} calls, "
        f"{run.prompt_tokens:,} prompt + {run.completion_tokens:,} output tokens"
    )
    print(
        f"merged: {len(s.parties)} parties, {len(s.positions)} positions, {len(s.dates)} dates, "
        f"{len(s.disputes)} disputes; {len(run.dropped)} ungrounded items dropped; "
        "every evidence offset checked against the whole text"
    )


if __name__ == "__main__":
    main()
