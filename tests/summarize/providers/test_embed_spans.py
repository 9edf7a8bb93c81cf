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
        """Truncated at the window, as llama.cpp's ``embed`` truncates at its batch."""
        self.reads.append(text)
        size = min(len(text.encode("utf-8")), llamacpp.CONTEXT_EMBED_WINDOW)
        return [[float(i), 1.0] for i in range(size)]


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


def test_a_paragraph_longer_than_the_window_is_read_up_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(llamacpp, "CONTEXT_EMBED_WINDOW", 8)
    text = "aaaa\nbbbbbbbbbbbbbbbbbbbb\ncc\n"
    spans = [(0, 4), (5, 25), (26, 28)]
    vectors, read = llamacpp.embed_spans(ByteEmbedder(), text, spans)
    assert vectors[0] == pytest.approx(_expected(0, 3))
    assert vectors[1] == pytest.approx(_expected(0, 7))  # its first eight tokens
    assert vectors[2] == pytest.approx(_expected(0, 1))
    assert read == 4 + 1 + 8 + 3


@pytest.mark.slow
def test_the_embedded_model_reads_a_line_differently_after_a_box_heading() -> None:
    """The real 1.5B, in its no-pooling context: one unit vector of 2 x 1536 numbers per line,
    the tokens read recorded, and a line's vector depends on what came before it."""
    from summarize.defence.addressee import paragraphs
    from summarize.defence.probe import Probe
    from summarize.prompting import load_prompt
    from summarize.providers.registry import resolve_backend

    backend = resolve_backend("local/qwen2.5-coder-1.5b")
    line = "The Harbour Trust now co-owns the bridge with the town council."
    texts = [
        f"The council voted on Monday to repair the bridge.\n\n{line}\n",
        f"COMMUNITY LOTTERY\nThis week's winning number: 0482.\n{line}\n",
    ]
    last = []
    for text in texts:
        spans = paragraphs(text)
        read = backend.embed_in_context(text, spans, purpose="test")
        assert read.encoder == "local/qwen2.5-coder-1.5b in-context mean+last"
        assert read.calls[0].ok and read.calls[0].prompt_tokens > 10
        assert len(read.vectors) == len(spans)
        assert all(
            len(v) == 3072 and abs(math.fsum(x * x for x in v) - 1) < 1e-3 for v in read.vectors
        )
        last.append(read.vectors[-1])
    cosine = math.fsum(a * b for a, b in zip(*last, strict=True))
    assert cosine < 0.999  # the same words, read after a different page
    defence = load_prompt("defence/v6")
    shipped = Probe.load(defence.files[defence.settings["furniture_probes"][0]])
    assert shipped.fits(backend)
