"""Turn whatever a user hands us (a str, raw bytes, a file, an HTML page) into article text.

Every failure here is an :class:`~summarize.core.errors.InputError` subclass raised *before* any
model call, so a bad file costs nothing and the message says what to fix.

Offsets. Evidence offsets always refer to the string :func:`load_text` returns, because that
is the text the summary is made from. For plain text that is exactly what the user passed
(a ``str`` is never altered; bytes are only decoded). For HTML it is the article text that
trafilatura extracted from the page, not the markup: highlight evidence in that text, not in
the HTML source. Boilerplate that survives extraction is never cut out of the text either
(that would shift every offset); :func:`summarize.text.boilerplate.junk_spans` reports where
it is so that a prompt can mask it and grounding can avoid it.

Publication date. ``trafilatura.extract`` returns the page's text without its metadata, so an
HTML page's own publication date (``<meta property="article:published_time">``, JSON-LD
``datePublished``, ``<time datetime>``) would be lost with the markup and every relative date
of the page ("on Monday") left unresolved. :func:`load_article` reads it from the markup with
htmldate (a dependency of trafilatura) before extraction and returns it beside the text
(:class:`LoadedArticle`); the text, and so every offset, is the same as :func:`load_text`'s.

Decoding order for bytes: a byte-order mark (UTF-8/16/32), then strict UTF-8, then
charset-normalizer's best guess when it is confident. A guess of another single-byte Latin
code page for an English text is overridden by windows-1252, the legacy default of Western
web pages (charset-normalizer tends to answer cp1257 or cp1250 for "Orbán" in an English
article, which turns "á" into "į"). Short, mostly-ASCII inputs that charset-normalizer cannot
place fall back to windows-1252 as well. Anything else raises :class:`EncodingError`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from summarize.core.errors import (
    BinaryInputError,
    ConfigurationError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputTooLargeError,
)

# About 60k words of English: far more than any news article, small enough that a mistaken
# upload (a log file, a book) fails fast instead of being chunked through a model for hours.
DEFAULT_MAX_CHARS = 400_000

# An HTML page carries markup, scripts and navigation around the article; the raw page may
# be this many times the text limit before extraction (a bound on parsing time, not on the
# article, which is checked against ``max_chars`` after extraction).
HTML_MARKUP_FACTOR = 25
_RAISE_LIMIT = (
    "raise the limit with max_chars (load_text(..., max_chars=N) or "
    "Summarizer(..., max_chars=N)) to accept it"
)

# Leading bytes of common binary formats a user might pass by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"{\\rtf", "an RTF document"),
)
# RIFF containers (WebP, WAV, AVI) and ISO media (MP4, HEIC) have the tag a few bytes in.
_MAGIC_AT: tuple[tuple[int, bytes, str], ...] = (
    (8, b"WEBP", "a WebP image"),
    (8, b"WAVE", "a WAV audio file"),
    (4, b"ftyp", "an MP4/MOV/HEIC media file"),
)

# Codecs that read the byte-order mark and drop it (UTF-32 first: its LE mark starts like UTF-16's).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
)

# Share of control characters (other than tab, newline, carriage return, form feed) above
# which a sample is data, not prose. Real text has none; a stray one is tolerated.
_CONTROL_SHARE = 0.05
_SAMPLE = 8192
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
# charset-normalizer's "mess" ratio (0 = clean) above which its guess is not trusted.
_MAX_CHAOS = 0.1
_LATIN_SINGLE_BYTE = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "cp1258",
        "latin_1",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
        "cp775",
        "cp850",
        "cp852",
        "cp858",
        "mac_latin2",
        "mac_roman",
        "hp_roman8",
        "cp437",
        "cp1006",
        "cp1125",
    }
)


@dataclass(frozen=True)
class LoadedArticle:
    """The article text to summarize, and the publication date its HTML markup gives.

    Attributes:
        text: What :func:`load_text` returns (evidence offsets point into it).
        published: The page's own publication date (``<meta>``, JSON-LD, ``<time>``), for
            an HTML page that states one; None for plain text, whose date line (if any) the
            pipeline reads from the text itself.
    """

    text: str
    published: dt.date | None = None


def load_text(data: str | bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The article text to summarize, or a typed InputError saying what is wrong.

    A ``str`` comes back unchanged unless it is HTML (then the extracted article text comes
    back), so offsets computed on the result are offsets into what the caller holds.
    """
    return load_article(data, max_chars=max_chars).text


def load_article(data: str | bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> LoadedArticle:
    """:func:`load_text`'s text, with an HTML page's publication date read from its markup."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if not raw.strip():
            raise EmptyInputError("the input is empty (no bytes, or only whitespace)")
        ceiling = 4 * max_chars * HTML_MARKUP_FACTOR
        if len(raw) > ceiling:
            raise InputTooLargeError(
                f"the input is {len(raw):,} bytes, far over the limit of {max_chars:,} "
                f"characters; {_RAISE_LIMIT}"
            )
        text = decode_bytes(raw)
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"load_text takes str or bytes, not {type(data).__name__}")
    _check_not_binary_text(text)

    if not text.strip():
        raise EmptyInputError("the input is empty or only whitespace")

    published: dt.date | None = None
    if looks_like_html(text):
        limit = max_chars * HTML_MARKUP_FACTOR
        if len(text) > limit:
            raise InputTooLargeError(
                f"the HTML page is {len(text):,} characters, over {limit:,} "
                f"({HTML_MARKUP_FACTOR} x the limit of {max_chars:,} characters of text); "
                f"{_RAISE_LIMIT}"
            )
        published = html_publication_date(text)
        text = html_to_text(text)
        if not text.strip():
            raise EmptyInputError("the HTML page has no readable article text")

    if len(text) > max_chars:
        words = f" (about {max_chars // 6_500}k words)" if max_chars >= 6_500 else ""
        raise InputTooLargeError(
            f"the article is {len(text):,} characters, over the limit of {max_chars:,}"
            f"{words}; {_RAISE_LIMIT}"
        )
    return LoadedArticle(text, published)


def decode_bytes(raw: bytes) -> str:
    """Bytes to str by BOM, UTF-8, then a confident guess; binary data is refused first."""
    kind = sniff_binary(raw)
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"the bytes start with a {encoding} byte-order mark but are not valid "
                    f"{encoding} ({exc.reason} at offset {exc.start})"
                ) from None
    if kind is not None:
        raise BinaryInputError(f"the input looks like {kind}, not text; pass the article text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # A download cut off in the middle of a multi-byte character: keep what is complete.
    if utf8_error.reason == "unexpected end of data" and len(raw) - utf8_error.start <= 3:
        try:
            return raw[: utf8_error.start].decode("utf-8")
        except UnicodeDecodeError:
            pass
    guess = _guess_encoding(raw)
    if guess is not None:
        return guess
    bad = raw[utf8_error.start]
    raise EncodingError(
        f"the bytes are not UTF-8 (invalid byte 0x{bad:02x} at offset {utf8_error.start}) "
        "and no other encoding fits; save the file as UTF-8 or pass the text as a str"
    )


def sniff_binary(raw: bytes) -> str | None:
    """What binary format the bytes look like ("a PDF document"), or None for text.

    Byte-order-marked UTF-16/32 contains NUL bytes by design, so it is not called binary.
    Formats without a listed signature (executables, bzip2, audio) are still caught by
    their NUL or control bytes.
    """
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    for offset, tag, kind in _MAGIC_AT:
        riff_ok = tag not in (b"WEBP", b"WAVE") or raw.startswith(b"RIFF")
        if riff_ok and raw[offset : offset + len(tag)] == tag:
            return kind
    if any(raw.startswith(bom) for bom, _ in _BOMS):
        return None
    sample = raw[:_SAMPLE]
    if b"\x00" in sample:
        return "binary data (it contains NUL bytes)"
    if _control_share(sample) > _CONTROL_SHARE:
        return "binary data (many control bytes)"
    return None


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if (b < 0x20 and chr(b) not in _TEXT_CONTROLS) or b == 0x7F)
    return controls / len(sample)


def _check_not_binary_text(text: str) -> None:
    """A str that holds NULs or is mostly control characters was binary data decoded blindly."""
    if "\x00" in text:
        raise BinaryInputError(
            "the text contains NUL characters: it looks like binary data decoded as text"
        )
    sample = text[:_SAMPLE]
    if not sample:
        return
    controls = sum(
        1
        for ch in sample
        if unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS and ch != "\x85"
    )
    if controls / len(sample) > _CONTROL_SHARE:
        raise BinaryInputError(
            f"{controls} of the first {len(sample)} characters are control characters: "
            "this looks like binary data, not an article"
        )


def _guess_encoding(raw: bytes) -> str | None:
    """charset-normalizer's answer when it is confident, with the windows-1252 preference."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    cp1252 = _try_decode(raw, "cp1252")
    if best is not None and best.chaos <= _MAX_CHAOS and best.coherence > 0.0:
        if (
            cp1252 is not None
            and best.encoding != "cp1252"
            and best.encoding in _LATIN_SINGLE_BYTE
            and best.language in ("English", "Unknown")
        ):
            return cp1252
        return str(best)
    ascii_share = sum(1 for b in raw if b < 0x80) / len(raw)
    if cp1252 is not None and ascii_share >= 0.9:
        return cp1252
    return None


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    # C1 controls in a windows-1252 decoding mean the bytes were something else.
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return None
    return text


# --- HTML --------------------------------------------------------------------------------
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|article|section|main|header|footer|nav|br|a|script|"
    r"style|meta|link|title|h[1-6]|ul|ol|li|table|tr|td|img|figure|figcaption|blockquote|em|"
    r"strong|b|i)\b[^<>]*>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True for an HTML page or fragment; plain prose with a stray "<" or "a < b" is not.

    A document is HTML if it opens with a doctype or <html>; otherwise it must open with a
    known tag and hold at least two, or hold ten known tags anywhere in its first 20,000
    characters (markup pasted without a wrapper).
    """
    head = text[:20_000]
    if _HTML_START.match(head):
        return True
    tags = len(_HTML_TAG.findall(head))
    opens_with_tag = bool(_HTML_TAG.match(head.lstrip()))
    return (opens_with_tag and tags >= 2) or tags >= 10


def html_to_text(html: str) -> str:
    """The article text of an HTML page: trafilatura first, a plain tag strip if it gives up.

    trafilatura drops navigation, comments and tables and keeps paragraphs as lines; it
    returns None for pages it cannot read (or fragments shorter than its minimum), and then
    every text node of the page is kept, with scripts and styles removed.
    """
    try:
        import trafilatura
    except ImportError as exc:  # a broken install: say which package, not a deep traceback
        raise ConfigurationError(
            f"HTML input needs trafilatura and its dependencies ({exc}); "
            "reinstall newsbrief: pip install -e ."
        ) from exc

    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_recall=True
    )
    if extracted and extracted.strip():
        return extracted
    return _html_plain_text(html)


def html_publication_date(html: str) -> dt.date | None:
    """The publication date an HTML page states in its markup, or None.

    htmldate reads ``<meta>`` tags (``article:published_time``, ``date``, ...), JSON-LD
    ``datePublished`` and ``<time>`` elements; ``original_date=True`` prefers the first
    publication over a later modification, and ``extensive_search=False`` keeps it to
    those explicit statements (no guess from the URL or from dates in the running text).
    A page without one, or a date htmldate cannot read, gives None: the pipeline then looks
    for a date line in the extracted text.
    """
    try:
        from htmldate import find_date
    except ImportError:  # trafilatura's dependency; without it the page is simply undated
        return None
    try:
        found = find_date(html, original_date=True, extensive_search=False)
    except Exception:  # a page htmldate cannot parse is undated, never an error
        return None
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found[:10])
    except ValueError:
        return None


_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "article",
    "section",
    "blockquote",
    "header",
    "footer",
    "figcaption",
    "pre",
    "ul",
    "ol",
    "table",
    "title",
)


def _html_plain_text(html: str) -> str:
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in root.xpath("//script|//style|//noscript|//template|//svg"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


# --- files ------------------------------------------------------------------------------------
def read_path(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Article text from a file, or from standard input when ``path`` is "-" (for the CLI).

    A file much larger than the limit is refused by its size before it is read.
    """
    return read_article(path, max_chars=max_chars).text


def read_article(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> LoadedArticle:
    """:func:`read_path`'s text, with an HTML page's publication date (:func:`load_article`)."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read()
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"{file} is a folder; pass an article file")
        if not file.is_file():
            raise InputError(f"no such file: {file}")
        size = file.stat().st_size
        ceiling = 4 * max_chars * HTML_MARKUP_FACTOR
        if size > ceiling:
            raise InputTooLargeError(
                f"{file} is {size:,} bytes, far over the limit of {max_chars:,} characters; "
                f"{_RAISE_LIMIT}"
            )
        raw = file.read_bytes()
    return load_article(raw, max_chars=max_chars)
