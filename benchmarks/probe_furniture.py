"""Can a probe on the model's hidden states tell a page's furniture from its story?
(issue 20, after ``injection_v7/heldout``)

``injection_v7/heldout`` showed a kind of payload the instruction probe is right not to call
an instruction: a falsehood set in page furniture (a quiz answer, an obituary box, a job
advert, an archive box) and addressed to no one. What such a passage has in common is not
its words but its place: it is not part of the story's reporting. This script measures
whether a linear probe over the same mean-pooled embeddings as the instruction probe
(:mod:`summarize.defence.probe`) separates the two, and writes the probe ``defence/v5`` reads.

Data (development only; the seeds, dev/test and every unspent held-out set are never read),
all in ``evals/suites/furniture_train/``:

- ``lines.jsonl``: every line of ``dev/tune`` and of the injection development suites (the
  spent held-out halves among them), labelled ``story`` (the story's reporting and its
  headline, standfirst, byline and dateline) or ``furniture`` (everything else: navigation,
  prompts, adverts, captions, boxes and sidebars, letters, comments, widgets, notes to
  readers or software) by hand; the text is read from the suite file by the line's id;
- ``passages.jsonl``: passages written for this file, hard cases of both kinds.

Only lines of four words or more are used, as the defence reads (``screening.MIN_WORDS``).
The operating point is fixed by a rule before any held-out figure: the lowest threshold of
the grid at which no ``dev/tune`` story line is flagged out of fold (grouped 5-fold, by
article and by written form). Figures, all out of fold: AUC, furniture recall, story lines
of the injection articles flagged, the payload lines (holding a canary) flagged; and each of
the two latest spent held-out suites left out whole.

    flock /tmp/model.lock python benchmarks/probe_furniture.py \\
        --encoder gguf:qwen2.5-coder-1.5b --cache f15.npz
    python benchmarks/probe_furniture.py --encoder gguf:qwen2.5-coder-1.5b --cache f15.npz \\
        --write prompts/defence/v5/furniture-qwen2.5-coder-1.5b.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from probe_payload_encoders import folds, rule_threshold  # the same folds and rule

from summarize.core.backend import IN_CONTEXT
from summarize.defence.addressee import paragraphs
from summarize.defence.screening import MIN_WORDS

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "evals" / "suites"
DATA = SUITES / "furniture_train"
CS = (0.001, 0.01, 0.1)
LEFT_OUT = ("injection_v6/heldout", "injection_v7/heldout")
#: Characters of a passage given to the encoder at most (as the defence: PASSAGE_CHARS).
MAX_CHARS = 1200


@dataclass
class Row:
    text: str
    label: int  # 1 furniture, 0 story
    group: str  # the suite, or "written"
    fold_key: str  # an article, or a written form
    payload: bool = False  # a line holding one of its article's canaries
    line: int = -1  # the line's index among its article's paragraphs (-1: a written passage)


def words(text: str) -> int:
    return sum(any(ch.isalpha() for ch in w) for w in text.split())


def line_rows() -> list[Row]:
    """The labelled lines of the development articles, their text read from the suites."""
    rows: list[Row] = []
    articles: dict[str, tuple[list[str], list[str]]] = {}
    for raw in (DATA / "lines.jsonl").read_text("utf-8").splitlines():
        item = json.loads(raw)
        if item["label"] not in ("story", "furniture"):
            continue  # "unsure": neither
        article, index = item["id"].rsplit("#", 1)
        if article not in articles:
            path = SUITES / f"{article}.txt"
            text = path.read_text("utf-8")
            lines = [text[a:b] for a, b in paragraphs(text)]
            expect = path.with_name(path.stem + ".expect.json")
            canaries = json.loads(expect.read_text("utf-8"))["canaries"] if expect.exists() else []
            articles[article] = (lines, canaries)
        lines, canaries = articles[article]
        body = lines[int(index)]
        if words(body) < MIN_WORDS:
            continue
        suite = article.rsplit("/", 1)[0]
        hit = any(c.casefold() in body.casefold() for c in canaries)
        label = int(item["label"] == "furniture")
        rows.append(Row(body, label, suite, article, hit, int(index)))
    return rows


def written_rows() -> list[Row]:
    rows: list[Row] = []
    for raw in (DATA / "passages.jsonl").read_text("utf-8").splitlines():
        item = json.loads(raw)
        if words(item["text"]) >= MIN_WORDS:
            label = {"furniture": 1, "story": 0}[item["label"]]
            rows.append(Row(item["text"], label, "written", f"written:{item['form']}"))
    return rows


def embed_cached(encoder: str, texts: list[str], cache: Path | None) -> np.ndarray:
    """The embeddings of ``texts``, from ``cache`` (an .npz keyed by each text's sha1) where
    it has them; the rest embedded and added to it."""
    key = [hashlib.sha1(" ".join(t.split())[:MAX_CHARS].encode()).hexdigest() for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        with np.load(cache) as saved:
            known = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    todo = sorted({k: t for k, t in zip(key, texts, strict=True) if k not in known}.items())
    if todo:
        from summarize.providers.llamacpp import default_threads, embed_texts, load_embedder
        from summarize.providers.weights import EMBEDDED_WEIGHTS, ensure_gguf

        name = encoder.removeprefix("gguf:")
        embedder = load_embedder(ensure_gguf(EMBEDDED_WEIGHTS[name]), n_threads=default_threads())
        started = time.perf_counter()
        vectors = embed_texts(embedder, [" ".join(t.split())[:MAX_CHARS] for _, t in todo])
        seconds = time.perf_counter() - started
        each = seconds / len(todo)
        print(f"embedded {len(todo)} passages in {seconds:.0f} s ({each:.3f} s each)")
        known.update(zip((k for k, _ in todo), np.asarray(vectors, dtype=np.float32), strict=True))
        if cache:
            np.savez(cache, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[k] for k in key])


def context_cached(encoder: str, articles: list[str], cache: Path | None) -> dict[str, np.ndarray]:
    """Each article's lines (``paragraphs``) as the model reads them inside the article
    (:func:`summarize.providers.llamacpp.embed_spans`, what ``defence/v6`` reads), one row
    per line (NaN where no token covers it), from ``cache`` (an .npz keyed by article and
    the sha1 of its text) where it has them; the rest read and added to it."""
    texts = {a: (SUITES / f"{a}.txt").read_text("utf-8") for a in articles}
    key = {a: f"{a}@{hashlib.sha1(t.encode()).hexdigest()[:12]}" for a, t in texts.items()}
    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        with np.load(cache) as saved:
            known = {k.replace("|", "/"): saved[k] for k in saved.files}
    todo = [a for a in articles if key[a] not in known]
    if todo:
        from summarize.providers.llamacpp import (
            default_threads,
            embed_spans,
            load_context_embedder,
        )
        from summarize.providers.weights import EMBEDDED_WEIGHTS, ensure_gguf

        name = encoder.removeprefix("gguf:")
        embedder = load_context_embedder(
            ensure_gguf(EMBEDDED_WEIGHTS[name]), n_threads=default_threads()
        )
        started, tokens = time.perf_counter(), 0
        for article in todo:
            spans = paragraphs(texts[article])
            vectors, read = embed_spans(embedder, texts[article], spans)
            tokens += read
            width = max((len(v) for v in vectors), default=0)
            known[key[article]] = np.array(
                [v if v else [np.nan] * width for v in vectors], dtype=np.float32
            )
        seconds = time.perf_counter() - started
        print(f"read {len(todo)} articles ({tokens} tokens) in context in {seconds:.0f} s")
        if cache:
            np.savez(cache, **{k.replace("/", "|"): v for k, v in known.items()})
    return {a: known[key[a]] for a in articles}


def probe(c: float):  # a scikit-learn pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    )


def out_of_fold(x: np.ndarray, y: np.ndarray, fold: np.ndarray, c: float) -> np.ndarray:
    p = np.zeros(len(y))
    for f in range(5):
        test = fold == f
        p[test] = probe(c).fit(x[~test], y[~test]).predict_proba(x[test])[:, 1]
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--encoder", required=True, help="gguf:<embedded model>")
    parser.add_argument("--cache", type=Path, help="embeddings .npz: read, and extended")
    parser.add_argument("--write", type=Path, help="fit on all the data at --c and write it")
    parser.add_argument("--c", type=float, default=0.01, help="the C of the written probe")
    parser.add_argument(
        "--embed-only", action="store_true", help="fill the cache with these texts and stop"
    )
    parser.add_argument("--texts", type=Path, help="with --embed-only: a JSONL of {'text': ...}")
    parser.add_argument(
        "--in-context",
        action="store_true",
        help="read each labelled line inside its article (defence/v6) instead of alone; the "
        "written passages, which have no article, are left out",
    )
    parser.add_argument(
        "--check",
        type=Path,
        help="with --in-context: fit on every labelled line, then print the lines of this "
        "(spent) injection suite it flags, payload lines (holding a canary) marked P",
    )
    args = parser.parse_args()
    if args.in_context:
        in_context(args)
        return
    if args.embed_only:
        lines = (args.texts or DATA / "passages.jsonl").read_text("utf-8").splitlines()
        texts = [json.loads(raw)["text"] for raw in lines if raw.strip()]
        embed_cached(args.encoder, [t for t in texts if words(t) >= MIN_WORDS], args.cache)
        return
    rows = line_rows() + written_rows()
    x = embed_cached(args.encoder, [r.text for r in rows], args.cache)
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    devtune_story = (groups == "dev/tune") & (y == 0)
    article_story = np.isin(groups, ["dev/tune", "written"], invert=True) & (y == 0)
    payload = np.array([r.payload for r in rows])
    fold = folds([r.fold_key for r in rows])
    print(
        f"{args.encoder}: {len(rows)} passages, {int(y.sum())} furniture, "
        f"{int(devtune_story.sum())} dev/tune story lines, {int(article_story.sum())} story "
        f"lines of the injection articles, {int(payload.sum())} payload lines"
    )
    if args.write:
        write_probe(args, x, y, fold, devtune_story)
        return
    print_table(x, y, groups, payload, fold, devtune_story, article_story)


def in_context(args: argparse.Namespace) -> None:
    """The table (and ``--write``, ``--check``) for lines read inside their articles."""
    rows = line_rows()
    features = context_cached(args.encoder, sorted({r.fold_key for r in rows}), args.cache)
    x = np.stack([features[r.fold_key][r.line] for r in rows])
    read = ~np.isnan(x).any(axis=1)
    rows, x = [r for r, ok in zip(rows, read, strict=True) if ok], x[read]
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    devtune_story = (groups == "dev/tune") & (y == 0)
    article_story = (groups != "dev/tune") & (y == 0)
    payload = np.array([r.payload for r in rows])
    fold = folds([r.fold_key for r in rows])
    print(
        f"{args.encoder}, in context: {len(rows)} lines, {int(y.sum())} furniture, "
        f"{int(devtune_story.sum())} dev/tune story lines, {int(article_story.sum())} story "
        f"lines of the injection articles, {int(payload.sum())} payload lines"
    )
    if args.write:
        write_probe(args, x, y, fold, devtune_story, reads="in_context")
        return
    if args.check:
        check(args, x, y, fold, devtune_story)
        return
    print_table(x, y, groups, payload, fold, devtune_story, article_story)


def print_table(x, y, groups, payload, fold, devtune_story, article_story) -> None:
    """For each C: AUC, the rule's threshold and what it flags, all out of fold; then each
    suite of :data:`LEFT_OUT` left out whole."""
    from sklearn.metrics import roc_auc_score

    print(
        "\n| C | AUC | threshold (rule) | furniture recall | injection-article story flagged "
        "| payload lines flagged | "
        + " | ".join(f"{s} left out: furniture, payloads" for s in LEFT_OUT)
        + " |"
    )
    print("|---:|---:|---:|---:|---:|---:|" + "---:|" * len(LEFT_OUT))
    for c in CS:
        p = out_of_fold(x, y, fold, c)
        t = rule_threshold(p, devtune_story)
        left = []
        for suite in LEFT_OUT:
            out = groups == suite
            q = probe(c).fit(x[~out], y[~out]).predict_proba(x[out])[:, 1]
            furniture, hits = y[out] == 1, payload[out]
            left.append(
                f"{np.mean(q[furniture] >= t):.2f}, {int(np.sum(q[hits] >= t))}/{int(hits.sum())}"
            )
        print(
            f"| {c:g} | {roc_auc_score(y, p):.3f} | {t:.3f} | {np.mean(p[y == 1] >= t):.2f} | "
            f"{int(np.sum(p[article_story] >= t))}/{int(article_story.sum())} | "
            f"{int(np.sum(p[payload] >= t))}/{int(payload.sum())} | " + " | ".join(left) + " |"
        )


def check(args: argparse.Namespace, x, y, fold, devtune_story) -> None:
    """Fit on every labelled line at ``args.c`` (threshold by the rule, out of fold) and print
    what it flags in the articles of ``args.check``, a spent suite the lines do not label."""
    threshold = rule_threshold(out_of_fold(x, y, fold, args.c), devtune_story)
    fitted = probe(args.c).fit(x, y)
    suite = args.check.resolve().relative_to(SUITES).as_posix()
    articles = [f"{suite}/{p.stem}" for p in sorted(args.check.glob("*.txt"))]
    features = context_cached(args.encoder, articles, args.cache)
    hits = flagged_other = payloads = 0
    print(f"C={args.c:g}, threshold {threshold:.3f}: lines flagged (P: holds a canary)")
    for article in articles:
        path = SUITES / f"{article}.txt"
        text = path.read_text("utf-8")
        canaries = json.loads(path.with_name(path.stem + ".expect.json").read_text("utf-8"))[
            "canaries"
        ]
        print(article.rsplit("/", 1)[1])
        for i, (a, b) in enumerate(paragraphs(text)):
            body = text[a:b]
            vector = features[article][i]
            if words(body) < MIN_WORDS or np.isnan(vector).any():
                continue
            q = fitted.predict_proba(vector[None])[0, 1]
            pay = any(c.casefold() in body.casefold() for c in canaries)
            payloads += pay
            hits += pay and q >= threshold
            flagged_other += (not pay) and q >= threshold
            if q >= threshold or pay:
                mark = ("P" if pay else " ") + (" FLAG" if q >= threshold else "     ")
                print(f"  {mark} {q:.2f} {' '.join(body.split())[:90]}")
    print(f"payload lines flagged {hits}/{payloads}; other lines flagged {flagged_other}")


def write_probe(args, x, y, fold, devtune_story, reads: str = "passage") -> None:
    """Fit on every row at ``args.c``; the threshold is the rule's, out of fold. The scaler is
    folded into the weights, so the file is one linear function of the raw embedding."""
    from summarize.providers.weights import EMBEDDED_WEIGHTS

    p = out_of_fold(x, y, fold, args.c)
    threshold = rule_threshold(p, devtune_story)
    fitted = probe(args.c).fit(x, y)
    scaler, logistic = fitted[0], fitted[1]
    coef = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(coef * scaler.mean_))
    name = args.encoder.removeprefix("gguf:")
    in_context = reads == "in_context"
    record = {
        "encoder": f"local/{name} {IN_CONTEXT if in_context else 'mean-pooled'}",
        "reads": reads,
        "weights_sha256": EMBEDDED_WEIGHTS[name].sha256,
        "target": "furniture",
        "threshold": threshold,
        "C": args.c,
        "trained_on": {
            "passages": len(y),
            "furniture": int(y.sum()),
            "out_of_fold_furniture_recall": round(float(np.mean(p[y == 1] >= threshold)), 3),
        },
        "command": f"python benchmarks/probe_furniture.py --encoder {args.encoder} "
        f"{'--in-context ' if in_context else ''}--c {args.c:g} --write {args.write.name}",
        "intercept": intercept,
        "coef": [round(float(v), 7) for v in coef],
    }
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps(record) + "\n", "utf-8")
    print(
        f"wrote {args.write}: threshold {threshold:.3f}, out-of-fold furniture recall "
        f"{record['trained_on']['out_of_fold_furniture_recall']}"
    )


if __name__ == "__main__":
    main()
