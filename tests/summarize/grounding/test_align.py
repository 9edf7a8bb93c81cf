"""Grounding: model quotes and names map to verbatim spans of the article, or to nothing."""

from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest

from summarize.core.schema import Evidence
from summarize.grounding.align import Span, align_quote, find_mention, fit_quote_length
from tests.helpers.paths import ROOT

SEEDS = ROOT / "seeds"
PREFIXES = ["000", "001", "002", "003", "004"]


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def verbatim(span: Span | None, text: str) -> Span:
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    assert text[span.start : span.end] == span.quote
    return span


def as_evidence(span: Span, text: str) -> Evidence:
    return Evidence.model_validate(
        {"quote": span.quote, "start": span.start, "end": span.end}, context={"text": text}
    )


# --- exact and folded matches ---------------------------------------------------------------
def test_exact() -> None:
    text = seed("000")
    quote = "China has refused to condemn Russia's invasion"
    span = verbatim(align_quote(quote, text), text)
    assert span.exact and span.score == 100.0 and span.start == text.index(quote)


def test_repeated_occurrences_follow_the_hint() -> None:
    text = seed("000")
    quote = "world powers should help Russia and Ukraine re-start direct negotiations"
    first = text.index(quote)
    second = text.index(quote, first + 1)
    assert align_quote(quote, text).start == first
    assert align_quote(quote, text, hint=first + 1).start == second
    assert align_quote(quote, text, hint=second).start == second
    # After the last occurrence: the closest one before the hint.
    assert align_quote(quote, text, hint=len(text) - 1).start == second


def test_repeated_folded_occurrences_follow_the_hint() -> None:
    text = seed("000")
    quote = "WORLD POWERS SHOULD HELP RUSSIA AND UKRAINE RE-START DIRECT NEGOTIATIONS"
    spans = [m.start() for m in re.finditer(re.escape(quote), text, re.IGNORECASE)]
    assert len(spans) == 2
    assert align_quote(quote, text).start == spans[0]
    assert align_quote(quote, text, hint=spans[0] + 1).start == spans[1]


def test_straight_quotes_for_curly_ones() -> None:
    text = seed("003")  # "We’ve been working hard ..." uses a curly apostrophe
    text = text + "\nHe said \u201cpeace is possible\u201d and \u2018soon\u2019."
    span = verbatim(align_quote("He said \"peace is possible\" and 'soon'", text), text)
    assert span.quote == "He said \u201cpeace is possible\u201d and \u2018soon\u2019"
    assert not span.exact


def test_curly_quotes_for_straight_ones() -> None:
    text = seed("000")
    quote = "the trip \u201ccertainly doesn\u2019t seem to be productive"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == "the trip \"certainly doesn't seem to be productive"


def test_whitespace_and_newlines_collapse() -> None:
    text = seed("003")
    quote = "Oops! Something went wrong. Please try again later. Hungarian Prime Minister"
    span = verbatim(align_quote(quote, text, allow_junk=True), text)
    assert "\n" in span.quote and span.quote.endswith("Hungarian Prime Minister")
    quote = "Orban met with Russian\n\n   dictator    Vladimir\tPutin"
    span = verbatim(align_quote(quote, seed("003")), seed("003"))
    assert span.quote == "Orban met with Russian dictator Vladimir Putin"


def test_case_differences() -> None:
    text = seed("002")
    span = verbatim(
        align_quote("hungarian prime minister viktor orban RECENTLY visited", text), text
    )
    assert span.quote == "Hungarian Prime Minister Viktor Orban recently visited"
    assert span.start == 0


def test_orban_with_accent_finds_mangled_orbn_in_seed_001() -> None:
    text = seed("001")
    quote = "meeting Monday with Hungarian Prime Minister Viktor Orbán, state broadcaster"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == (
        "meeting Monday with Hungarian Prime Minister Viktor Orbn, state broadcaster"
    )
    quote = "Hungary, under Orbán’s leadership, has forged substantial political"
    assert verbatim(align_quote(quote, text), text).quote.startswith("Hungary, under Orbn’s")


def test_orban_without_accent_finds_orban_with_accent() -> None:
    text = seed("004")
    quote = "In response, Orban stated that Hungary does not seek to confront Russia"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == "In response, Orbán stated that Hungary does not seek to confront Russia"


def test_dropped_copyright_sign() -> None:
    text = seed("000")
    quote = "direct negotiations. IMAGO / Xinhua Orban's trip to China"
    span = verbatim(align_quote(quote, text), text)
    assert "© IMAGO / Xinhua" in span.quote


def test_punctuation_dropped_by_the_model() -> None:
    text = seed("000")
    quote = "Orban who said his unannounced trip to Beijing was a Peace mission 3.0"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote.startswith("Orban – who said") and span.quote.endswith("3.0")


def test_small_typos_align_fuzzily() -> None:
    text = seed("001")
    quote = (
        "Chinese President Xi Jinping calls on world powers to help Russia and Ukraine "
        "resume direct dialogue"
    )
    span = verbatim(align_quote(quote, text), text)
    assert "for help Russia" in span.quote and not span.exact and 90 <= span.score < 100


def test_quote_that_left_out_words_aligns_by_words() -> None:
    text = seed("001")
    quote = "Hungary, under Orbán's leadership, has forged substantial political ties with China"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == (
        "Hungary, under Orbn’s leadership, has forged substantial political "
        "and economic ties with China"
    )


def test_ellipsis_grounds_the_longest_part() -> None:
    text = seed("000")
    quote = "Xi Jinping told Hungarian Prime Minister Viktor Orban ... during a visit to Beijing"
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == "Xi Jinping told Hungarian Prime Minister Viktor Orban"


# --- what must not align ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "quote"),
    [
        # paraphrases
        ("000", "Xi said Russia and Ukraine should talk again soon"),
        ("000", "The United States criticised the meeting of the two leaders"),
        ("001", "Orban travelled to China to discuss peace with the Chinese president"),
        # words of the text, scattered
        ("000", "Xi Orban Beijing Monday negotiations Ukraine"),
        ("001", "Orbn Xi Jinping peace mission Beijing Moscow"),
        # a near-copy that flips the claim
        ("000", "The US said it was not concerned by the meeting between Orban and Xi"),
        ("000", "China has agreed to condemn Russia's invasion and last year released a paper"),
        ("001", "Orbn hosted the Chinese leader in Hungary just three months ago"),
        ("000", "the trip certainly does seem to be productive in terms of"),
        # not in the text at all
        ("003", "Putin and Xi signed a trade agreement worth billions of dollars"),
        # too short to match fuzzily
        ("000", "Xi Jimping"),
    ],
)
def test_must_not_align(prefix: str, quote: str) -> None:
    assert align_quote(quote, seed(prefix)) is None


def test_empty_inputs() -> None:
    assert align_quote("", seed("000")) is None
    assert align_quote("   ", seed("000")) is None
    assert align_quote("Orban", "") is None


def test_partial_words_do_not_match_in_folded_passes() -> None:
    text = "Orbanism is a word. The leader spoke."
    assert align_quote("ORBAN", text) is None
    assert align_quote("orbanism is", text).quote == "Orbanism is"


def test_quote_wholly_inside_boilerplate_is_not_evidence() -> None:
    text = seed("003")
    quote = "Consider supporting the Kyiv Independent."
    assert align_quote(quote, text) is None
    assert verbatim(align_quote(quote, text, allow_junk=True), text).exact


# --- non-ASCII text -----------------------------------------------------------------------------
GERMAN = (
    "Die Straße in München ist schön, sagte der Bürgermeister über die Größe der Stadt. "
    "Außenminister Szijjártó traf sich am Montag mit dem Oberbürgermeister."
)
HUNGARIAN = (
    "Orbán Viktor szerint a béke a legfontosabb, mondta hétfőn Pekingben. "
    "Az ő üzenete egyértelmű volt: tűzszünet kell Ukrajnában."
)


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        (GERMAN, "die strasse in munchen ist schon", "Die Straße in München ist schön"),
        (
            GERMAN,
            "Die Strasse in Muenchen ist schoen, sagte der Buergermeister",
            "Die Straße in München ist schön, sagte der Bürgermeister",
        ),
        (GERMAN, "AUSSENMINISTER SZIJJARTO TRAF SICH", "Außenminister Szijjártó traf sich"),
        (
            HUNGARIAN,
            "Orban Viktor szerint a beke a legfontosabb",
            "Orbán Viktor szerint a béke a legfontosabb",
        ),
        (HUNGARIAN, "Az o uzenete egyertelmu volt", "Az ő üzenete egyértelmű volt"),
        (HUNGARIAN, "tuzszunet kell Ukrajnaban", "tűzszünet kell Ukrajnában"),
    ],
)
def test_non_ascii(text: str, quote: str, expected: str) -> None:
    span = verbatim(align_quote(quote, text), text)
    assert span.quote == expected


def test_decomposed_accents_stay_whole() -> None:
    text = unicodedata.normalize("NFD", HUNGARIAN)
    span = verbatim(align_quote("Orbán Viktor szerint a béke", text), text)
    assert unicodedata.normalize("NFC", span.quote) == "Orbán Viktor szerint a béke"
    span = verbatim(align_quote("mondta hétfőn", text), text)
    assert unicodedata.normalize("NFC", span.quote) == "mondta hétfőn"
    assert not unicodedata.combining(text[span.end])  # the last "ő" keeps its accent


def test_mangled_non_ascii_text() -> None:
    text = "Orbn Viktor szerint a bke a legfontosabb, mondta htfn Pekingben."
    span = verbatim(align_quote("Orbán Viktor szerint a béke a legfontosabb", text), text)
    assert span.quote == "Orbn Viktor szerint a bke a legfontosabb"


# --- property-style: random substrings of every seed, perturbed, align back ----------------------
def _perturb(piece: str, rng: random.Random) -> str:
    words = piece.split()
    out = []
    for w in words:
        roll = rng.random()
        if roll < 0.2:
            w = w.upper()
        elif roll < 0.4:
            w = w.lower()
        elif roll < 0.5:
            w = w.swapcase()
        w = (
            w.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
            if rng.random() < 0.5
            else w.replace("'", "\u2019")
        )
        if rng.random() < 0.3:
            w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
        out.append(w)
    glue = [rng.choice([" ", "  ", "\n", " \n\t "]) for _ in out]
    return "".join(w + g for w, g in zip(out, glue, strict=True)).strip()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_random_substrings_align_back_exactly(prefix: str) -> None:
    text = seed(prefix)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rng = random.Random(int(prefix) + 7)
    for _ in range(150):
        n = rng.randint(3, 30)
        i = rng.randrange(0, len(tokens) - n)
        start, end = tokens[i][0], tokens[i + n - 1][1]
        quote = _perturb(text[start:end], rng)
        span = verbatim(align_quote(quote, text, hint=start, allow_junk=True), text)
        # Folding drops "©" and "•": a piece that starts or ends with one maps inside it.
        assert start <= span.start and span.end <= end, (quote, span)
        assert text[start : span.start].strip("©• ") == ""
        assert text[span.end : end].strip("©• ") == ""
        as_evidence(span, text)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_random_substrings_with_a_dropped_letter_align_nearby(prefix: str) -> None:
    text = seed(prefix)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rng = random.Random(int(prefix) + 99)
    checked = 0
    for _ in range(80):
        n = rng.randint(6, 30)
        i = rng.randrange(0, len(tokens) - n)
        start, end = tokens[i][0], tokens[i + n - 1][1]
        piece = text[start:end]
        words = [m for m in re.finditer(r"[^\W\d_]{5,}", piece)]
        if not words:
            continue
        word = rng.choice(words)
        cut = rng.randrange(word.start() + 1, word.end() - 1)
        quote = piece[:cut] + piece[cut + 1 :]  # "Orbán" -> "Orbn"-style mangling
        span = verbatim(align_quote(quote, text, hint=start, allow_junk=True), text)
        overlap = min(end, span.end) - max(start, span.start)
        assert overlap >= 0.8 * (end - start), (quote, span.quote)
        checked += 1
    assert checked > 40


def test_long_text_is_fast_enough() -> None:
    text = "\n\n".join(seed(p) for p in PREFIXES) * 30  # ~390,000 characters
    quote = "Hungary, under Orbán's leadership, has forged substantial political ties with China"
    started = time.perf_counter()
    span = verbatim(align_quote(quote, text, hint=len(text) // 2), text)
    for q in (
        "Putin and Xi signed a trade agreement worth billions of dollars",
        "Xi Orban Beijing Monday negotiations Ukraine",
    ):
        assert align_quote(q, text) is None
    elapsed = time.perf_counter() - started
    assert span.start >= len(text) // 2
    assert elapsed < 15, elapsed


# --- fit_quote_length --------------------------------------------------------------------------
def _span(text: str, piece: str, start: int = 0) -> Span:
    at = text.index(piece, start)
    return Span(at, at + len(piece), piece, True, 100.0)


def test_fit_keeps_a_good_span() -> None:
    text = seed("000")
    span = _span(text, "China has refused to condemn")
    assert fit_quote_length(span, text) is span


def test_fit_grows_a_short_span_inside_its_sentence() -> None:
    text = seed("001")
    span = fit_quote_length(_span(text, "Orbn made"), text)
    verbatim(span, text)
    assert span.quote == "Orbn made a"
    # At the end of a sentence it grows to the left.
    span = fit_quote_length(_span(text, "CCTV reported."), text)
    assert span.quote == "broadcaster CCTV reported."
    as_evidence(span, text)


def test_fit_grows_past_a_two_word_sentence() -> None:
    text = "Orbn added. Hungary wants peace in Ukraine."
    span = fit_quote_length(_span(text, "added."), text)
    assert len(span.quote.split()) == 3 and span.quote.startswith("Orbn added.")


def test_fit_snaps_a_span_starting_mid_word() -> None:
    text = seed("000")
    at = text.index("Kirby")
    span = fit_quote_length(Span(at + 2, at + 5, "rby", False, 95.0), text)
    assert span.quote == "John Kirby saying"  # whole words, inside the sentence


def test_fit_cuts_a_long_span_at_a_sentence_end() -> None:
    text = seed("001")
    paragraph = text.split("\n\n")[1]
    span = fit_quote_length(_span(text, paragraph), text)
    verbatim(span, text)
    words = len(span.quote.split())
    assert 20 <= words <= 40
    assert span.quote.endswith("two years.")
    as_evidence(span, text)


def test_fit_cuts_a_long_sentence_at_forty_words() -> None:
    text = " ".join(f"word{i}" for i in range(100))
    span = fit_quote_length(Span(0, len(text), text, True, 100.0), text)
    assert span.quote.split() == [f"word{i}" for i in range(40)]


def test_fit_cannot_make_a_tiny_text_long_enough() -> None:
    span = Span(0, 4, "Orbn", True, 100.0)
    assert fit_quote_length(span, "Orbn spoke").quote == "Orbn spoke"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_fit_always_gives_valid_evidence(prefix: str) -> None:
    text = seed(prefix)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rng = random.Random(int(prefix))
    for _ in range(100):
        n = rng.choice([1, 2, 3, 10, 41, 60])
        i = rng.randrange(0, len(tokens) - n)
        start, end = tokens[i][0], tokens[i + n - 1][1]
        span = fit_quote_length(Span(start, end, text[start:end], True, 100.0), text)
        as_evidence(verbatim(span, text), text)


# --- find_mention --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["Orbán", "Viktor Orbán", "Orban", "Mr. Orbán", "Prime Minister Viktor Orban"]
)
def test_mention_of_orban_in_seed_001(name: str) -> None:
    text = seed("001")
    span = verbatim(find_mention(name, text), text)
    assert "Orbn" in span.quote
    assert 3 <= len(span.quote.split()) <= 40
    as_evidence(span, text)


def test_mention_of_mangled_name_in_a_correct_text() -> None:
    text = seed("004")
    span = verbatim(find_mention("Orbn", text), text)
    assert "Orbán" in span.quote


def test_mention_is_the_sentence_when_short() -> None:
    text = seed("000")
    span = verbatim(find_mention("John Kirby", text), text)
    assert "John Kirby" in span.quote and len(span.quote.split()) <= 40
    span = verbatim(find_mention("CCTV", text), text)
    assert span.quote.startswith("Chinese state broadcaster CCTV quoted Xi")


def test_mention_by_surname_and_title() -> None:
    text = seed("000")
    assert "Xi" in verbatim(find_mention("President Xi", text), text).quote
    assert "Kirby" in verbatim(find_mention("Mr Kirby", text), text).quote


def test_short_names_keep_their_case() -> None:
    text = seed("000")
    span = verbatim(find_mention("US", text), text)
    assert span.quote.startswith("The US said")
    assert find_mention("US", "For us Hungarians, the most important thing is peace.") is None


def test_mention_not_taken_from_boilerplate() -> None:
    assert find_mention("Xinhua", seed("000")) is None  # only in "© IMAGO / Xinhua"
    assert find_mention("Kyiv Independent", seed("003")) is None


def test_mention_of_a_date_phrase() -> None:
    text = seed("003")
    span = verbatim(find_mention("Oct. 17", text), text)
    assert "Oct. 17" in span.quote
    as_evidence(span, text)


def test_mention_in_non_ascii_text() -> None:
    span = verbatim(find_mention("Szijjarto", GERMAN), GERMAN)
    assert "Szijjártó" in span.quote
    span = verbatim(find_mention("Orban", HUNGARIAN), HUNGARIAN)
    assert span.quote.startswith("Orbán Viktor")


def test_no_mention() -> None:
    assert find_mention("Emmanuel Macron", seed("001")) is None
    assert find_mention("", seed("001")) is None
    assert find_mention("Orban", "") is None


def test_a_mention_is_found_by_a_possessive_surname() -> None:
    text = "The union criticized Lopez's plan on Monday."
    span = verbatim(find_mention("Ana Lopez", text), text)
    assert "Lopez's plan" in span.quote and not span.exact
    assert find_mention("Harbour Workers Union", text) is None
