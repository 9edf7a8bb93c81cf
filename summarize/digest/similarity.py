"""How alike two short texts are, on the words that carry meaning: the cheap filter that
decides which pairs of items are worth a model's judgement at all."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from summarize.core.names import fold_text


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def content_words(text: str) -> str:
    """The folded words of ``text`` minus stop words and a plural "s", space-joined."""
    stop = _stop_words()
    words = (w.rstrip("s") if len(w) > 3 else w for w in fold_text(text).split())
    return " ".join(w for w in words if w not in stop and len(w) > 1)


def resemblance(a: str, b: str) -> float:
    """0–100: the token-set ratio of the two texts' content words (order-insensitive)."""
    ca, cb = content_words(a), content_words(b)
    if not ca or not cb:
        return 0.0
    return float(fuzz.token_set_ratio(ca, cb))
