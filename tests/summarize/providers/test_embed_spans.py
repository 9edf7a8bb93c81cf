"""``embed_spans``: each span's vector comes from its own tokens, read inside the text, and a
text longer than the window is read in windows cut at paragraph starts (fast: a fake
embedder whose tokens are bytes and whose "hidden state" of a token is its place)."""

from __future__ import annotations

import math

import pytest

from summarize.providers import llamacpp


class ByteEmbedder:
    """One token per byte; the hidden state of the i-th token of a read is (i, 1)."""

    def __init__(self) -> None:
        self.reads: list[str] = []

    def tokenize(self, data: bytes, add_bos: bool = True) -> list[int]:
        return list(data)

    def detokenize(self, tokens: list[int]) -> bytes:
        return bytes(tokens)

    def embed(self, text: str) -> list[list[float]]:
        self.reads.append(text)
        return [[float(i), 1.0] for i in range(len(text.encode("utf-8")))]


def _expected(first: int, last: int) -> list[float]:
    """mean of (i, 1) over tokens first..last joined to (last, 1), unit length."""
    joined = [(first + last) / 2, 1.0, float(last), 1.0]
    norm = math.sqrt(sum(v * v for v in joined))
    return [v / norm for v in joined]


def test_a_span_is_pooled_from_its_own_tokens_in_one_read() -> None:
    text = "Héading\n\nSecond line here\n"
    spans = [(0, 7), (9, 25)]
    embedder = ByteEmbedder()
    vectors, read = llamacpp.embed_spans(embedder, text, spans)
    assert embedder.reads == [text] and read == len(text.encode("utf-8"))
    # "Héading" is 8 bytes (é is two): tokens 0..7; the second line starts at byte 10
    assert vectors[0] == pytest.approx(_expected(0, 7))
    assert vectors[1] == pytest.approx(_expected(10, 25))


def test_a_long_text_is_read_in_windows_cut_at_paragraph_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(llamacpp, "CONTEXT_EMBED_WINDOW", 12)
    text = "aaaa\nbbbb\ncccc\ndddd\n"
    spans = [(0, 4), (5, 9), (10, 14), (15, 19)]
    embedder = ByteEmbedder()
    vectors, _ = llamacpp.embed_spans(embedder, text, spans)
    assert embedder.reads == ["aaaa\nbbbb\n", "cccc\ndddd\n"]
    # each window is read on its own: positions start again at its first token
    assert vectors[2] == pytest.approx(_expected(0, 3))
    assert vectors[3] == pytest.approx(_expected(5, 8))
    assert all(len(v) == 4 for v in vectors)
