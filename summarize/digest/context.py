"""The sentence around a piece of evidence: what a judgement question shows the model."""

from __future__ import annotations

from summarize.text.sentences import sentence_spans

#: Characters of a sentence shown to the model at most (a run-on sentence is cut).
MAX_SENTENCE_CHARS = 400


def sentence_around(text: str, start: int, end: int, *, following: int = 0) -> tuple[int, int]:
    """(start, end) of the sentences that hold ``text[start:end]``, plus ``following`` more
    sentences after them; the span itself if the parse has no sentence there."""
    sentences = sentence_spans(text)
    hits = [i for i, s in enumerate(sentences) if s[0] < end and start < s[1]]
    if not hits:
        return start, end
    last = min(hits[-1] + following, len(sentences) - 1)
    return sentences[hits[0]][0], sentences[last][1]


def sentence_text(text: str, start: int, end: int) -> str:
    a, b = sentence_around(text, start, end)
    return " ".join(text[a:b].split())[:MAX_SENTENCE_CHARS]
