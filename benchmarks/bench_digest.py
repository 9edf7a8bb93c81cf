"""What a story digest costs beyond its per-article summaries, and how that grows with N.

    flock /tmp/model.lock python benchmarks/bench_digest.py [--model local/qwen2.5-coder-1.5b]
        [--story evals/suites/stories/orban_beijing] [--cache DIR] [--json out.json]

1. The whole story once: seconds summarizing each article (cold: the cache folder starts
   empty unless ``--cache`` names a warm one), then the digest step's seconds and calls by
   purpose (``digest-event``, ``digest-position``, ``digest-discrepancy``).
2. Growth: the digest of the first N articles for N = 1 .. all, with the summaries now
   served from the cache, so each row is the digest step alone: model calls, the items they
   judged (dated items + positions of the N summaries), calls per item, and seconds. Calls
   grow with the items (about linearly in N), not with the pairs of articles: each dated
   item and each position is asked about at most once, against its one best candidate.
   A second run of the same N repeats nothing but the digest step.

Medians are not needed here: each row is one deterministic (greedy) digest, and the ratio
reported is calls per item, which does not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.gold.digest import load_story  # noqa: E402
from summarize.digest import Digester, StoryArticle  # noqa: E402
from summarize.pipeline import Summarizer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument(
        "--story", type=Path, default=ROOT / "evals" / "suites" / "stories" / "orban_beijing"
    )
    parser.add_argument("--cache", type=Path, help="summary cache folder (default: a fresh one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    story = load_story(args.story)
    articles = [
        StoryArticle(
            id=a.id,
            text=story.paths[a.id].read_bytes(),
            published=a.published,
            source=str(story.paths[a.id]),
        )
        for a in story.gold.articles
    ]
    cache = args.cache or Path(tempfile.mkdtemp(prefix="bench-digest-"))
    # the bench measures what the digest's questions cost: they are asked (not the default)
    digester = Digester(summarizer=Summarizer(args.model), cache=cache, ask_model=True)

    print(f"story {story.name}: {len(articles)} articles, model {args.model}, cache {cache}")
    per_article: dict[str, tuple[float, bool]] = {}
    whole = digester.run(
        articles, on_article=lambda i, r, hit: per_article.update({i: (r.wall_s, hit)})
    )
    for article, (seconds, hit) in per_article.items():
        print(f"  summary {article:<40} {seconds:7.1f} s{'  (cached)' if hit else ''}")
    purposes = Counter(c.purpose for c in whole.calls)
    print(
        f"summaries {whole.summaries_s:.1f} s; digest step {whole.digest_s:.1f} s, "
        f"{len(whole.calls)} calls {dict(purposes)}, "
        f"{sum(c.completion_tokens or 0 for c in whole.calls)} output tokens"
    )

    print("\n N  items  calls  calls/item  digest s")
    rows = []
    for n in range(1, len(articles) + 1):
        started = time.perf_counter()
        run = digester.run(articles[:n])
        items = sum(len(r.summary.dates) + len(r.summary.positions) for r in run.summaries.values())
        rows.append(
            {
                "n": n,
                "items": items,
                "calls": len(run.calls),
                "digest_s": round(run.digest_s, 2),
                "wall_s": round(time.perf_counter() - started, 2),
            }
        )
        ratio = len(run.calls) / items if items else 0.0
        print(f"{n:2d}  {items:5d}  {len(run.calls):5d}  {ratio:10.2f}  {run.digest_s:8.1f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "story": story.name,
                    "model": args.model,
                    "summaries_s": whole.summaries_s,
                    "digest_s": whole.digest_s,
                    "per_article": per_article,
                    "calls": dict(purposes),
                    "growth": rows,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
