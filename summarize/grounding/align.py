"""Grounding: find where the model's quotes and names really are in the article.

A small model rarely copies a quote character for character: it writes "Orbán" where the
scraped text has "Orbn", straight quotes for curly ones, one line for two, drops a "©" or
changes case. Evidence must still be verbatim (``text[start:end] == quote``), so every
function here returns offsets into the article as given and a quote cut from it, never the
model's words. What cannot be found with confidence is None, not a guess.

Matching runs in passes, from strict to lenient, and stops at the first that finds the quote:

1. exact substring;
2. a *folded* copy of both texts (NFKD with combining marks dropped, casefolded, quotes
   and dashes unified, "©", soft hyphens and zero-width characters dropped, whitespace
   collapsed), matched on word boundaries;
3. the same with punctuation turned into spaces (the model dropped a comma or a quote mark);
4. the same with accented letters dropped from both sides ("Orbán" -> "orbn", which is how
   mangled scrapes lose them);
5. fuzzy alignment (rapidfuzz ``partial_ratio_alignment``) on the pass-3 copy, accepted at a
   score of :data:`FUZZY_THRESHOLD` or more after snapping to word boundaries, for quotes of
   at least :data:`MIN_FUZZY_CHARS` characters and two words;
6. word-level alignment (rapidfuzz ``LCSseq`` over words) for quotes of six words or more
   that left out or added a word or two: :data:`MIN_WORD_COVERAGE` of the quote's words in
   order, in a span with few words of its own.

The lenient passes (5, 6) also demand that the quote and the span agree on negations and
numbers, so "did not support" never grounds on "did support". A quote with an ellipsis
("first words ... last words") is grounded by its longest part when the whole fails.

Folded copies keep a map from each of their characters to the original offset, so a match
in a folded copy maps back to a verbatim span of the article however many characters
folding removed or expanded ("ß" -> "ss").
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import math
import re
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from summarize.core.names import same_name
from summarize.core.schema import MAX_QUOTE_WORDS, MIN_QUOTE_WORDS
from summarize.defence import untrusted_spans
from summarize.text.sentences import sentence_spans

# A paraphrase of a sentence scores about 50-80; a quote with a mangled name, a dropped
# comma or a changed apostrophe scores 95-99. 90 keeps the second and refuses the first.
FUZZY_THRESHOLD = 90.0
MIN_FUZZY_CHARS = 12
# Word-level alignment (last pass) for quotes of at least this many words: the span must hold
# this share of the quote's words, in order.
MIN_WORD_ALIGN_WORDS = 6
MIN_WORD_COVERAGE = 0.85
MAX_WORD_INSERTS = 0.25  # words of the text the quote left out, as a share of its length
# A mention's evidence is its whole sentence when the sentence is at most this long,
# otherwise MENTION_CONTEXT_WORDS words either side of the mention (inside the sentence).
MENTION_SENTENCE_WORDS = 25
MENTION_CONTEXT_WORDS = 8


@dataclass(frozen=True, slots=True)
class Span:
    """A verbatim span of the article: ``text[start:end] == quote``.

    ``exact`` says the model's string was found character for character; ``score`` is 100
    for exact and folded matches and the fuzzy score otherwise.
    """

    start: int
    end: int
    quote: str
    exact: bool
    score: float


# --- folding ----------------------------------------------------------------------------------
_QUOTES = dict.fromkeys("‘’‚‛′`´ʼʹ", "'") | dict.fromkeys("“”„‟″«»〝〞", '"')
_APOSTROPHES = frozenset("'‘’‚‛′`´ʼʹ")
_DASHES = dict.fromkeys("‐‑‒–—―−⁃", "-")
_DROP = frozenset("©®™\u00ad\u200b\u200c\u200d\u2060\ufeff•")
# Letters NFKD does not decompose but a writer may spell without the stroke or ligature.
_TRANSLIT = {
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ı": "i",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "Ð": "D",
}


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: cached per text, never compared
class _Folded:
    """A folded copy of a text and, for each of its characters, the original offset."""

    text: str
    starts: array[int]  # an array, not a list: a 400k-character article stays a few MB
    source: str

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded slice ``[start, end)``, whole characters included."""
        first = self.starts[start]
        last = self.starts[end - 1] + 1
        while last < len(self.source) and unicodedata.combining(self.source[last]):
            last += 1
        return first, last

    def folded_index(self, original: int) -> int:
        """The first folded character at or after an original offset."""
        return bisect.bisect_left(self.starts, original)


@lru_cache(maxsize=8192)
def _fold_char(ch: str, casefold: bool, loose: bool, drop_marked: bool) -> str:
    if ch in _DROP or unicodedata.combining(ch):
        return ""
    if ch.isspace():
        return " "
    if ch in _APOSTROPHES and loose:
        return ""  # "doesn't" -> "doesnt", "Orbn’s" -> "orbns": the model may drop it
    if ch in _QUOTES:
        return " " if loose else _QUOTES[ch]
    if ch in _DASHES:
        return " " if loose else "-"
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if drop_marked and (base != decomposed or ch in _TRANSLIT):
        return ""
    base = "".join(_TRANSLIT.get(c, c) for c in base)
    if casefold:
        base = base.casefold()
    out = []
    for c in base:
        if c.isspace() or (loose and not c.isalnum()):
            out.append(" ")
        else:
            out.append(_QUOTES.get(c, _DASHES.get(c, c)))
    return "".join(out)


def _fold(
    text: str, *, casefold: bool = True, loose: bool = False, drop_marked: bool = False
) -> _Folded:
    chars: list[str] = []
    starts: array[int] = array("q")
    n = len(text)
    for i, ch in enumerate(text):
        piece = _fold_char(ch, casefold, loose, drop_marked)
        # A decomposed accented letter ("a" + U+0301) is dropped whole, like a precomposed one.
        if drop_marked and piece and i + 1 < n and unicodedata.combining(text[i + 1]):
            piece = ""
        for c in piece:
            if c == " ":
                if chars and chars[-1] != " ":
                    chars.append(c)
                    starts.append(i)
            else:
                chars.append(c)
                starts.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        starts.pop()
    return _Folded("".join(chars), starts, text)


@lru_cache(maxsize=12)  # five variants per article: the current one and the previous
def _folded_text(text: str, casefold: bool, loose: bool, drop_marked: bool) -> _Folded:
    """The article's folded copies are built once per text and reused for every quote."""
    return _fold(text, casefold=casefold, loose=loose, drop_marked=drop_marked)


@lru_cache(maxsize=8)
def _junk(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(untrusted_spans(text))


def _in_junk(text: str, start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in _junk(text))


# The folding passes of align_quote: (casefold, loose, drop_marked).
_PASSES = ((True, False, False), (True, True, False), (True, True, True))


# --- align_quote --------------------------------------------------------------------------------
def align_quote(
    quote: str,
    text: str,
    *,
    hint: int = 0,
    threshold: float = FUZZY_THRESHOLD,
    allow_junk: bool = False,
) -> Span | None:
    """The verbatim span of ``text`` that the model's ``quote`` stands for, or None.

    ``hint`` is an offset where the quote is expected (a repeated sentence, a chunk's start):
    the first occurrence at or after it wins, else the closest one before it. A span lying
    wholly inside untrusted text (boilerplate or text addressed to a model:
    :func:`summarize.defence.untrusted_spans`) is not evidence and is
    refused unless ``allow_junk``.
    """
    quote = quote.strip()
    if not quote or not text:
        return None
    span = _align(quote, text, hint, threshold, allow_junk)
    if span is not None:
        return span
    # "first words ... last words": the longest part the model did copy still grounds it.
    parts = [p.strip() for p in re.split(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*", quote)]
    parts = [p for p in parts if len(p.split()) >= MIN_QUOTE_WORDS]
    if len(parts) > 1 or (parts and parts[0] != quote):
        for part in sorted(parts, key=len, reverse=True):
            span = _align(part, text, hint, threshold, allow_junk)
            if span is not None:
                return span
    return None


def _align(quote: str, text: str, hint: int, threshold: float, allow_junk: bool) -> Span | None:
    def usable(start: int, end: int) -> bool:
        return allow_junk or not _in_junk(text, start, end)

    exact = [s for s in _find_all(text, quote) if usable(s, s + len(quote))]
    if exact:
        start = _pick(exact, hint)
        return Span(start, start + len(quote), quote, True, 100.0)

    for casefold, loose, drop_marked in _PASSES:
        folded = _folded_text(text, casefold, loose, drop_marked)
        needle = _fold(quote, casefold=casefold, loose=loose, drop_marked=drop_marked).text
        if not needle:
            continue
        spans = [
            folded.original(s, s + len(needle))
            for s in _find_all(folded.text, needle)
            if _on_word_boundaries(folded.text, s, s + len(needle))
        ]
        spans = [(a, b) for a, b in spans if usable(a, b)]
        if spans:
            start = _pick([a for a, _ in spans], hint)
            end = dict(spans)[start]
            return Span(start, end, text[start:end], False, 100.0)

    return _fuzzy(quote, text, hint, threshold, usable) or _align_words(quote, text, hint, usable)


def _fuzzy(
    quote: str, text: str, hint: int, threshold: float, usable: Callable[[int, int], bool]
) -> Span | None:
    folded = _folded_text(text, True, True, False)
    needle = _fold(quote, casefold=True, loose=True).text
    if len(needle) < MIN_FUZZY_CHARS or len(needle.split()) < 2 or len(needle) > len(folded.text):
        return None
    best = fuzz.partial_ratio_alignment(needle, folded.text, score_cutoff=threshold)
    if best is None:
        return None
    region = (best.dest_start, best.dest_end)
    if hint > 0:
        offset = folded.folded_index(hint)
        later = fuzz.partial_ratio_alignment(needle, folded.text[offset:], score_cutoff=threshold)
        if later is not None and later.score >= best.score - 1e-9:
            region = (later.dest_start + offset, later.dest_end + offset)
    snapped = _snap(needle, folded.text, *region)
    if snapped is None:
        return None
    (fs, fe), score = snapped
    if score < threshold or not _edits_ok(needle.split(), folded.text[fs:fe].split()):
        return None
    start, end = folded.original(fs, fe)
    if not usable(start, end):
        return None
    return Span(start, end, text[start:end], False, round(score, 2))


# Words whose change flips or shifts a claim: a near-match must agree on all of them.
_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "nor",
        "without",
        "none",
        "neither",
        "cannot",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "wont",
        "cant",
        "couldnt",
        "wouldnt",
        "shouldnt",
        "hasnt",
        "havent",
        "hadnt",
        "aint",
        "mustnt",
        "neednt",
    }
)
_NUMBER_WORDS = frozenset(
    {
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "first",
        "second",
        "third",
        "half",
        "dozen",
        "dozens",
    }
)
# Words a model may swap or drop without changing what a quote claims ("calls on world
# powers for help" quoted as "to help").
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "into",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "which",
        "who",
        "has",
        "have",
        "had",
        "so",
        "than",
        "then",
        "there",
        "their",
        "his",
        "her",
        "he",
        "she",
        "they",
        "we",
        "also",
        "mr",
        "mrs",
        "ms",
    }
)
# A word the model misspelled (or the scrape mangled) still counts as the same word.
_SAME_WORD_SCORE = 70.0


def _is_negation(word: str) -> bool:
    # "dosnt" is still "doesnt": a misspelled contraction keeps its meaning.
    return word in _NEGATIONS or (
        word.endswith("nt")
        and len(word) <= 8
        and any(fuzz.ratio(word, n) >= 85 for n in _NEGATIONS if n.endswith("nt"))
    )


def _critical(words: Sequence[str]) -> list[str]:
    return [
        "not" if _is_negation(w) else w
        for w in words
        if _is_negation(w) or w in _NUMBER_WORDS or any(c.isdigit() for c in w)
    ]


def _edits_ok(query: Sequence[str], found: Sequence[str]) -> bool:
    """A near-match may respell words and leave words of the text out, not change the claim.

    Words of the quote missing from the span must be stopwords; replaced words must be
    stopwords on both sides or spelled alike ("orban"/"orbn", "restart"/"re start");
    negations and numbers must agree.
    """
    if _critical(query) != _critical(found):
        return False
    matcher = difflib.SequenceMatcher(None, list(query), list(found), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ours, theirs = query[i1:i2], found[j1:j2]
        if op == "delete" and not all(w in _STOPWORDS for w in ours):
            return False
        if op == "replace":
            if all(w in _STOPWORDS for w in (*ours, *theirs)):
                continue
            content = " ".join(w for w in ours if w not in _STOPWORDS)
            other = " ".join(w for w in theirs if w not in _STOPWORDS)
            if fuzz.ratio(" ".join(ours), " ".join(theirs)) < _SAME_WORD_SCORE and (
                not other or fuzz.ratio(content, other) < _SAME_WORD_SCORE
            ):
                return False
    return True


def _align_words(
    quote: str, text: str, hint: int, usable: Callable[[int, int], bool]
) -> Span | None:
    """Word-level alignment for long quotes the model shortened or padded by a few words.

    Character-level scores fall under the threshold when a 12-word quote leaves out "and
    economic"; word-level, the span must contain at least :data:`MIN_WORD_COVERAGE` of the
    quote's words in order, with few words of its own (:data:`MAX_WORD_INSERTS`), and pass
    :func:`_edits_ok`. Scattered words and paraphrases fail the order and density tests.
    """
    folded = _folded_text(text, True, True, False)
    query = _fold(quote, casefold=True, loose=True).text.split()
    if len(query) < MIN_WORD_ALIGN_WORDS:
        return None
    starts, ends, words = _folded_words(folded)
    vocab = {w: chr(0xE000 + i) for i, w in enumerate(dict.fromkeys(query))}
    q = "".join(vocab[w] for w in query)
    hay = "".join(vocab.get(w, "\x00") for w in words)
    if len(q) > len(hay):
        return None
    rough = fuzz.partial_ratio_alignment(q, hay, score_cutoff=50)
    if rough is None:
        return None
    if hint > 0:
        offset = bisect.bisect_left(starts, folded.folded_index(hint))
        later = fuzz.partial_ratio_alignment(q, hay[offset:], score_cutoff=50)
        if later is not None and later.score >= rough.score - 1e-9:
            later.dest_start += offset
            later.dest_end += offset
            rough = later
    slack = max(3, math.ceil(len(q) * MAX_WORD_INSERTS))
    best: tuple[int, int, int] | None = None  # (common words, -length, start)
    best_end = 0
    for s in range(max(0, rough.dest_start - slack), min(len(hay), rough.dest_start + slack + 1)):
        for e in range(s + max(1, len(q) - slack), min(len(hay), s + len(q) + slack) + 1):
            common = LCSseq.similarity(q, hay[s:e])
            key = (common, -(e - s), -s)
            if best is None or key > best:
                best, best_end = key, e
    if best is None:
        return None
    common, s, e = best[0], -best[2], best_end
    while s < e and hay[s] not in q:
        s += 1
    while e > s and hay[e - 1] not in q:
        e -= 1
    inserted = (e - s) - common
    if common < MIN_WORD_COVERAGE * len(q) or inserted > slack:
        return None
    if not _edits_ok(query, words[s:e]):
        return None
    start, end = folded.original(starts[s], ends[e - 1])
    if not usable(start, end):
        return None
    return Span(start, end, text[start:end], False, round(100.0 * common / len(q), 2))


@lru_cache(maxsize=8)
def _folded_words(folded: _Folded) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    for m in re.finditer(r"\S+", folded.text):
        starts.append(m.start())
        ends.append(m.end())
        words.append(m.group())
    return tuple(starts), tuple(ends), tuple(words)


def _snap(needle: str, hay: str, start: int, end: int) -> tuple[tuple[int, int], float] | None:
    """Move an alignment's ends to word boundaries, growing or shrinking, whichever fits best."""
    starts = {hay.rfind(" ", 0, start + 1) + 1 if hay[start : start + 1] != " " else start + 1}
    next_space = hay.find(" ", start)
    if next_space != -1 and next_space + 1 < end:
        starts.add(next_space + 1)
    ends = set()
    after = hay.find(" ", max(end - 1, 0))
    ends.add(len(hay) if after == -1 else after)
    before = hay.rfind(" ", 0, end)
    if before > start:
        ends.add(before)
    best: tuple[tuple[int, int], float] | None = None
    for s in starts:
        for e in ends:
            if e <= s:
                continue
            score = fuzz.ratio(needle, hay[s:e])
            if best is None or score > best[1]:
                best = ((s, e), score)
    return best


def _find_all(hay: str, needle: str) -> list[int]:
    found: list[int] = []
    i = hay.find(needle)
    while i != -1:
        found.append(i)
        i = hay.find(needle, i + 1)
    return found


def _on_word_boundaries(hay: str, start: int, end: int) -> bool:
    left_ok = start == 0 or not (hay[start - 1].isalnum() and hay[start].isalnum())
    right_ok = end == len(hay) or not (hay[end - 1].isalnum() and hay[end].isalnum())
    return left_ok and right_ok


def _pick(starts: list[int], hint: int) -> int:
    after = [s for s in starts if s >= hint]
    return min(after) if after else max(starts)


# --- words and sentences ------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Start and end offsets of every whitespace-separated word (the schema counts words so)."""
    starts: list[int] = []
    ends: list[int] = []
    for m in re.finditer(r"\S+", text):
        starts.append(m.start())
        ends.append(m.end())
    return tuple(starts), tuple(ends)


def _sentence_starts(text: str) -> tuple[int, ...]:
    """Where sentences begin, by the reading layer's one segmentation."""
    starts = [start for start, _ in sentence_spans(text)]
    return tuple(starts if starts and starts[0] == 0 else [0, *starts])


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    starts = _sentence_starts(text)
    i = bisect.bisect_right(starts, pos) - 1
    begin = starts[max(i, 0)]
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    while end > begin and text[end - 1].isspace():
        end -= 1
    return begin, end


# --- fit_quote_length --------------------------------------------------------------------------
def fit_quote_length(
    span: Span, text: str, min_words: int = MIN_QUOTE_WORDS, max_words: int = MAX_QUOTE_WORDS
) -> Span:
    """Grow a too-short span or cut a too-long one so its quote has min..max words.

    Growing takes whole neighbouring words, right first then left, inside the sentence
    while it has words to give, then beyond it. Cutting keeps the first ``max_words``
    words, ending at the last sentence end among them when that keeps at least half. A text
    with fewer than ``min_words`` words cannot be fitted; the span comes back as it was.
    """
    starts, ends = _tokens(text)
    if not starts or span.end <= span.start:
        return span
    first = bisect.bisect_right(ends, span.start)  # first word ending after the span start
    last = bisect.bisect_left(starts, span.end) - 1  # last word starting before its end
    if first > last:
        return span
    start, end = span.start, span.end
    count = last - first + 1

    if count < min_words:
        s_begin, s_end = _sentence_bounds(text, starts[first])
        lo = bisect.bisect_left(starts, s_begin)
        hi = bisect.bisect_right(ends, s_end) - 1
        for lo_limit, hi_limit in ((lo, hi), (0, len(starts) - 1)):
            while count < min_words and (last < hi_limit or first > lo_limit):
                if last < hi_limit:
                    last += 1
                    count += 1
                if count < min_words and first > lo_limit:
                    first -= 1
                    count += 1
        start, end = min(start, starts[first]), max(end, ends[last])
    elif count > max_words:
        keep = first + max_words - 1
        cut = ends[keep]
        for k in range(keep, first + max_words // 2 - 1, -1):
            if re.search(r"[.!?;][\"'”’)\]]*$", text[starts[k] : ends[k]]):
                cut = ends[k]
                break
        end = cut
    if (start, end) == (span.start, span.end):
        return span
    return Span(start, end, text[start:end], False, span.score)


# --- find_mention --------------------------------------------------------------------------------
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")


def find_mention(name: str, text: str) -> Span | None:
    """Where the article names ``name``, as a 3-40 word span around it, or None.

    Fallback evidence for a party or date the model named but quoted badly. The name is
    looked for as written, then case-, punctuation- and diacritic-tolerantly ("Orbán" finds
    "Orbn" and "Orban"; names of three letters or fewer, like "US" or "EU", must keep their
    case so that "us" is not taken for them), then word by word with
    :func:`summarize.core.names.same_name` ("President Xi" for "Xi Jinping"). Mentions
    inside boilerplate are skipped. The span is the mention's sentence when it has at
    most :data:`MENTION_SENTENCE_WORDS` words, else the words around the mention.
    """
    name = name.strip().strip("\"'“”‘’")
    if not name or not text:
        return None
    found = _locate_name(name, text)
    if found is None:
        return None
    (m_start, m_end), exact = found
    start, end = _mention_context(text, m_start, m_end)
    span = Span(start, end, text[start:end], exact, 100.0)
    return fit_quote_length(span, text)


def _locate_name(name: str, text: str) -> tuple[tuple[int, int], bool] | None:
    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
    for m in pattern.finditer(text):
        if not _in_junk(text, m.start(), m.end()):
            return (m.start(), m.end()), True

    letters = sum(ch.isalnum() for ch in name)
    passes = [(False, True, False), (True, True, False), (False, True, True), (True, True, True)]
    for casefold, loose, drop_marked in passes:
        if casefold and letters <= 3:
            continue
        folded = _folded_text(text, casefold, loose, drop_marked)
        needle = _fold(name, casefold=casefold, loose=loose, drop_marked=drop_marked).text
        if not needle:
            continue
        for s in _find_all(folded.text, needle):
            if _on_word_boundaries(folded.text, s, s + len(needle)):
                a, b = folded.original(s, s + len(needle))
                if not _in_junk(text, a, b):
                    return (a, b), False

    return _locate_by_tokens(name, text)


_POSSESSIVE_END = re.compile(r"['’]s$")


def _locate_by_tokens(name: str, text: str) -> tuple[tuple[int, int], bool] | None:
    words = name.split()
    tokens = [(m.start(), m.end()) for m in _NAME_TOKEN.finditer(text)]
    initials = {_fold_char(w[0], True, True, False)[:1] for w in words}
    for width in dict.fromkeys((len(words), 1)):
        for i in range(len(tokens) - width + 1):
            a, b = tokens[i][0], tokens[i + width - 1][1]
            if not text[a].isupper() or _fold_char(text[a], True, True, False)[:1] not in initials:
                continue
            window = tokens[i : i + width]
            if any(text[x[1] : y[0]].strip() for x, y in itertools.pairwise(window)):
                continue
            candidate = _POSSESSIVE_END.sub("", text[a:b]).rstrip(".'’")
            if width == 1 and len(candidate) < 2:
                continue
            if same_name(candidate, name) and not _in_junk(text, a, b):
                return (a, a + len(candidate)), False
    return None


def _mention_context(text: str, m_start: int, m_end: int) -> tuple[int, int]:
    s_begin, s_end = _sentence_bounds(text, m_start)
    s_end = max(s_end, m_end)
    if len(text[s_begin:s_end].split()) <= MENTION_SENTENCE_WORDS:
        return s_begin, s_end
    starts, ends = _tokens(text)
    first = bisect.bisect_right(ends, m_start)
    last = bisect.bisect_left(starts, m_end) - 1
    lo = max(first - MENTION_CONTEXT_WORDS, bisect.bisect_left(starts, s_begin))
    hi = min(last + MENTION_CONTEXT_WORDS, bisect.bisect_right(ends, s_end) - 1)
    return min(starts[lo], m_start), max(ends[hi], m_end)
