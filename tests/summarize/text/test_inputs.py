"""Input loading: text, bytes, HTML and files become article text or a typed InputError."""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

import pytest

from summarize.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputTooLargeError,
    SummarizeError,
)
from summarize.text.boilerplate import junk_spans
from summarize.text.inputs import (
    DEFAULT_MAX_CHARS,
    html_to_text,
    load_text,
    looks_like_html,
    read_path,
    sniff_binary,
)
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# --- str ----------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_text_passes_through_unchanged(prefix: str) -> None:
    text = seed(prefix)
    assert load_text(text) == text
    assert load_text(text.encode("utf-8")) == text


def test_str_is_never_normalized() -> None:
    text = "  Orba\u0301n said \u201chello\u201d\r\n\ton Monday.\u00a0 "
    assert load_text(text) == text


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n", "\u00a0\u2003"])
def test_empty_str(text: str) -> None:
    with pytest.raises(EmptyInputError):
        load_text(text)


def test_str_with_nul_is_binary() -> None:
    with pytest.raises(BinaryInputError, match="NUL"):
        load_text("PK\x03\x04\x00\x00 some zip decoded as latin-1")


def test_str_of_mostly_control_characters_is_binary() -> None:
    junk = "".join(chr(i % 31 + 1) for i in range(500))
    with pytest.raises(BinaryInputError, match="control characters"):
        load_text(junk)


def test_str_with_a_few_control_characters_is_text() -> None:
    text = "Orban met Xi in Beijing.\x0c Page 2.\x1b " + "word " * 200
    assert load_text(text) == text


def test_errors_are_input_errors() -> None:
    for exc in (EmptyInputError, BinaryInputError, EncodingError, InputTooLargeError):
        assert issubclass(exc, InputError)
        assert issubclass(exc, SummarizeError)


def test_wrong_type() -> None:
    with pytest.raises(TypeError):
        load_text(12)  # type: ignore[arg-type]


# --- size -----------------------------------------------------------------------------------
def test_too_large_says_size_limit_and_how_to_raise_it() -> None:
    text = "word " * 30
    with pytest.raises(InputTooLargeError) as info:
        load_text(text, max_chars=100)
    message = str(info.value)
    assert "150" in message and "100" in message and "max_chars" in message


def test_limit_is_configurable() -> None:
    text = "word " * 30
    assert load_text(text, max_chars=150) == text
    assert DEFAULT_MAX_CHARS >= 100_000


def test_huge_bytes_are_refused_before_decoding() -> None:
    with pytest.raises(InputTooLargeError, match="bytes"):
        load_text(b"a" * 10_000, max_chars=10)


# --- bytes: encodings ---------------------------------------------------------------------------
def test_utf8_with_bom() -> None:
    assert load_text("\ufeffOrbán met Xi.".encode()) == "Orbán met Xi."
    assert load_text(b"\xef\xbb\xbfOrb\xc3\xa1n met Xi.") == "Orbán met Xi."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    text = "Orbán met Xi Jinping in Beijing on Monday."
    raw = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        raw = ("\ufeff" + text).encode(encoding)
    assert load_text(raw) == text


def test_windows_1252_english_article_keeps_its_accents() -> None:
    text = seed("000") + "\n\u201cOrbán\u2019s peace mission\u201d \u2013 Budapest."
    assert load_text(text.encode("cp1252")) == text


def test_short_windows_1252_line() -> None:
    assert load_text("Orbán met Xi.".encode("cp1252")) == "Orbán met Xi."


def test_latin1_german() -> None:
    text = "Die Straße in München ist schön. Größere Veränderungen für Bürger werden erwartet."
    assert load_text(text.encode("latin-1")) == text


def test_cp1250_hungarian() -> None:
    text = (
        "Orbán Viktor és Szijjártó Péter találkozott a kínai elnökkel Pekingben hétfőn. "
        "Az ő véleménye szerint a béke fontos."
    )
    assert load_text(text.encode("cp1250")) == text


def test_koi8r_russian() -> None:
    text = "Путин встретился с Орбаном в Пекине. Это была важная встреча для обеих сторон."
    assert load_text(text.encode("koi8-r")) == text


def test_undecodable_bytes_name_the_problem() -> None:
    raw = b"Orban met Xi." + bytes(range(0x80, 0x100)) * 2
    with pytest.raises(EncodingError) as info:
        load_text(raw)
    message = str(info.value)
    assert "not UTF-8" in message and "0x80" in message and "offset 13" in message


def test_utf8_cut_in_the_middle_of_a_character() -> None:
    raw = "Orban met Xi in Beijing. Orbá".encode()[:-1]  # half of "á"
    assert load_text(raw) == "Orban met Xi in Beijing. Orb"


@pytest.mark.parametrize("raw", [b"", b"   \n\t ", b"\r\n"])
def test_empty_bytes(raw: bytes) -> None:
    with pytest.raises(EmptyInputError):
        load_text(raw)


def test_bytearray_and_memoryview() -> None:
    assert load_text(bytearray(b"Orban met Xi.")) == "Orban met Xi."
    assert load_text(memoryview(b"Orban met Xi.")) == "Orban met Xi."


# --- bytes: binary ------------------------------------------------------------------------------
def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", "Orban met Xi.")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (_zip(), "ZIP"),
        (gzip.compress(b"Orban met Xi.", mtime=0), "gzip"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF"),
    ],
)
def test_binary_formats_by_magic_number(raw: bytes, kind: str) -> None:
    with pytest.raises(BinaryInputError, match=kind):
        load_text(raw)


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(BinaryInputError, match="NUL"):
        load_text(b"some text\x00\x00\x01\x02 more text")


def test_many_control_bytes_are_binary() -> None:
    raw = bytes(i % 32 for i in range(1, 600) if i % 32 not in (0, 9, 10, 13))
    with pytest.raises(BinaryInputError, match="control"):
        load_text(raw)


def test_sniff_binary_says_none_for_text() -> None:
    assert sniff_binary(seed("001").encode()) is None
    assert sniff_binary("Orbán".encode("utf-16")) is None  # NULs, but a BOM says UTF-16


# --- HTML ---------------------------------------------------------------------------------------
def _page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Xi meets Orban</title>"
        "<script>var tracking = 'Oops';</script><style>p { color: red }</style></head>"
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Xi meets Orban</h1>{body}</article>"
        "<footer>© 2024 Example News. All rights reserved.</footer></body></html>"
    )


def test_html_page_becomes_article_text() -> None:
    paragraphs = [p for p in seed("000").split("\n\n") if p.strip()]
    html = _page("".join(f"<p>{p}</p>" for p in paragraphs))
    text = load_text(html)
    assert not looks_like_html(text)
    assert "<p>" not in text and "tracking" not in text and "color: red" not in text
    assert "Chinese President Xi Jinping told Hungarian Prime Minister Viktor Orban" in text
    assert "Peace mission 3.0" in text


def test_html_bytes_are_decoded_then_extracted() -> None:
    html = _page(
        "<p>Orbán told Xi in Beijing on Monday that peace in Ukraine was the goal "
        "of his peace mission, which European leaders had criticised.</p>"
    )
    assert "Orbán told Xi" in load_text(html.encode("utf-8"))


def test_html_fragment_falls_back_to_plain_text() -> None:
    html = "<p>Short fragment.</p><p>Second <b>bold</b> line.</p><script>x=1</script>"
    assert looks_like_html(html)
    text = html_to_text(html)
    assert "Short fragment." in text and "Second bold line." in text and "x=1" not in text


def test_html_without_text_is_empty() -> None:
    with pytest.raises(EmptyInputError, match="HTML"):
        load_text("<html><body><script>var a = 1;</script></body></html>")


@pytest.mark.parametrize(
    "text",
    [
        "Orban said a < b and c > d in his speech.",
        "Use the <br> tag, the article about HTML said.",
        "plain text with no markup at all",
    ],
)
def test_prose_is_not_html(text: str) -> None:
    assert not looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "<!doctype html><p>x</p>",
        "  <html><body>x</body></html>",
        "<p>First</p><p>Second</p>",
        "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'></html>",
    ],
)
def test_markup_is_html(text: str) -> None:
    assert looks_like_html(text)


# --- boilerplate ----------------------------------------------------------------------------------
def test_junk_spans_of_seed_003() -> None:
    text = seed("003")
    spans = junk_spans(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces[0].startswith("• Oops!") and pieces[0].endswith("Please try again later.")
    assert pieces[0].count("Oops!") == 2  # the two widgets, merged into one span
    assert pieces[-1].startswith("Read also: Hungarian Foreign Minister")
    assert pieces[-1].endswith("Consider supporting the Kyiv Independent.")
    # Nothing of the story itself is junk.
    story = "Hungarian Prime Minister Viktor Orban met with Russian dictator Vladimir Putin"
    start = text.index(story)
    assert all(not (a <= start < b) for a, b in spans)


def test_photo_credit_is_junk_but_its_caption_is_not() -> None:
    text = seed("000")
    pieces = [text[a:b] for a, b in junk_spans(text)]
    assert pieces == ["© IMAGO / Xinhua"]


def test_junk_spans_never_change_the_text() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        text = seed(prefix)
        for a, b in junk_spans(text):
            assert 0 <= a < b <= len(text)
            assert text[a:b].strip() == text[a:b]


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "Subscribe to our newsletter",
        "Sign up for our daily newsletter",
        "Follow us on Twitter",
        "READ MORE: Orban visits Moscow",
        "Related: Xi meets Putin",
        "Advertisement",
        "We use cookies to improve your experience.",
    ],
)
def test_share_and_link_lines_are_junk(line: str) -> None:
    text = f"Orban met Xi.\n{line}\nThe talks lasted two hours."
    start = text.index(line)
    assert junk_spans(text) == [(start, start + len(line))]


@pytest.mark.parametrize(
    "line",
    [
        "Orban said something went wrong with the peace process in Ukraine last year.",
        "He urged the EU to consider supporting a ceasefire.",
        "Officials said they would share the details on Monday.",
        "The photo showed Xi and Orban shaking hands.",
    ],
)
def test_story_sentences_are_not_junk(line: str) -> None:
    assert junk_spans(f"Orban met Xi.\n{line}\nThe talks lasted two hours.") == []


# --- files -------------------------------------------------------------------------------------
def test_read_path_file(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(seed("004").encode("utf-8"))
    assert read_path(file) == seed("004")
    assert read_path(str(file)) == seed("004")


def test_read_path_html_file(tmp_path: Path) -> None:
    file = tmp_path / "a.html"
    file.write_text(
        _page(
            "<p>Orban told Xi in Beijing on Monday that he came on a peace "
            "mission and that China was a key power for peace.</p>"
        )
    )
    assert "Orban told Xi in Beijing" in read_path(file)


def test_read_path_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO("Orbán met Xi.".encode("cp1252")))
    monkeypatch.setattr(sys, "stdin", fake)
    assert read_path("-") == "Orbán met Xi."


def test_read_path_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="folder"):
        read_path(tmp_path)


def test_read_path_binary_and_large(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    with pytest.raises(BinaryInputError, match="PDF"):
        read_path(pdf)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    with pytest.raises(InputTooLargeError):
        read_path(big, max_chars=10)
