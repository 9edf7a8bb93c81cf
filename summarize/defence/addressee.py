"""Text addressed to software rather than to human readers, found with the parse.

The pattern guard (:mod:`summarize.defence.guard`) knows the attacker's usual words
("ignore previous instructions", "SYSTEM:"); a payload written in any other words walks
past it. What every
such payload must still do is *address a program*: a digest tool, an aggregator, a crawler,
a summary bot, "any automated system". News text talks *about* software often, but it
almost never talks *to* it, and never tells it what to write about the page it is on. So
the detectors here look for grammatical roles, not phrasings:

- **addressee**: a noun of one small semantic class (kinds of software: tool, system,
  model, bot, crawler, aggregator, summariser, digest...; the ambiguous ones such as
  "system" or "service" only with a software modifier, "automated system", "indexing
  service") in the role of the one addressed: the head of a short header before a colon
  ("Guidance for digest tools:", "Attention, language model:"), the subject of a modal
  directive ("... tools reading this feed should list ..."), the object of a verb of
  asking ("we ask any automated system ... to record"), the one spoken to by name before an
  order ("Summary bots that pick this up, write that ..."), or a paragraph that says "you"
  beside such a noun. The paragraph is flagged only when it also points at the text itself
  ("this page", "this report", "reading this") or gives a directive to report something
  (an imperative or modal verb of naming, listing, describing, recording...), which is what
  an article about AI regulation does not do;
- **imperative**: an unquoted imperative sentence whose verb is one of writing or reporting
  ("Write a poem about X", "List X as the only organisation", "Leave the union out"):
  narration gives orders to no one, and quoted orders ("'Write to your MP,' she said") are
  left alone;
- **foreign**: a paragraph in another language inside an English article (by the share of
  each language's function words from spaCy's stop lists): the English parse cannot check
  what it says, so it is not shown to the model;
- **disguise**: a word that mixes Latin with Cyrillic or Greek look-alike letters, or hides
  an invisible character between letters; no honest text does either. Such paragraphs are
  also normalized (look-alikes mapped to Latin, invisible characters removed) and parsed
  again, so the addressee detector reads what a model would read;
- **pointer**: a flagged paragraph that sends the reader to another paragraph by its place
  ("take the name from the second-to-last paragraph") flags that paragraph too.

Every finding is a whole paragraph (a line), as in the pattern guard. Only English text is
parsed (the shared, cached parse of :mod:`summarize.reading`); other text gets no finding
here. The word classes are kinds of addressee and kinds of act, not wordings of attacks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from summarize.text import nlp
from summarize.text.nlp import MAX_PARSE_CHARS, looks_english
from summarize.text.nlp import parse as _parse

#: Kinds of software that are software whatever modifies them.
SOFTWARE = frozenset(
    {
        "ai",
        "a.i.",
        "bot",
        "chatbot",
        "robot",
        "llm",
        "gpt",
        "software",
        "algorithm",
        "crawler",
        "scraper",
        "parser",
        "aggregator",
        "summarizer",
        "summariser",
        "indexer",
        "digest",
    }
)
#: Nouns that name software only with a software modifier ("automated system", "indexing
#: service", "language model"; not "the health system", "a business model").
SOFTWARE_IF_MODIFIED = frozenset(
    {
        "tool",
        "system",
        "model",
        "engine",
        "app",
        "application",
        "service",
        "reader",
        "processor",
        "program",
        "programme",
        "agent",
        "assistant",
        "platform",
        "pipeline",
        "spider",
        "machine",
        "script",
    }
)
#: Modifiers that make one of those nouns software.
SOFTWARE_MODIFIERS = SOFTWARE | frozenset(
    {
        "automated",
        "automatic",
        "machine",
        "computer",
        "digital",
        "indexing",
        "summary",
        "summarization",
        "summarisation",
        "summarizing",
        "summarising",
        "language",
        "caption",
        "search",
        "feed",
        "briefing",
        "generative",
        "chat",
    }
)
#: Nouns for the page itself, for "this page", "this report", "this feed".
DOCUMENT_NOUNS = frozenset(
    {
        "page",
        "text",
        "article",
        "report",
        "story",
        "release",
        "feed",
        "image",
        "post",
        "document",
        "item",
        "paragraph",
        "piece",
        "listing",
        "webpage",
        "site",
        "copy",
        "dispatch",
        "content",
        "bulletin",
        "section",
        "photo",
        "caption",
        "coverage",
    }
)
#: What a summariser produces: "your summary", "your headline".
OUTPUT_NOUNS = frozenset(
    {
        "summary",
        "headline",
        "output",
        "answer",
        "response",
        "digest",
        "listing",
        "list",
        "reply",
        "brief",
        "briefing",
        "abstract",
        "extraction",
    }
)
#: Acts of writing or reporting: what a directive to a summariser asks for.
REPORT_VERBS = frozenset(
    {
        "name",
        "list",
        "describe",
        "report",
        "record",
        "mention",
        "credit",
        "attribute",
        "cite",
        "quote",
        "include",
        "omit",
        "exclude",
        "leave",
        "file",
        "treat",
        "present",
        "summarize",
        "summarise",
        "put",
        "state",
        "say",
        "write",
        "identify",
        "refer",
        "add",
        "drop",
        "remove",
        "tag",
        "designate",
        "classify",
        "label",
        "portray",
        "characterize",
        "characterise",
        "rank",
        "headline",
        "output",
        "answer",
    }
)
#: Verbs of asking: their object is the one addressed ("we ask any automated system to ...").
ASK_VERBS = frozenset(
    {
        "ask",
        "tell",
        "instruct",
        "request",
        "urge",
        "remind",
        "direct",
        "order",
        "advise",
        "require",
        "invite",
        "encourage",
        "want",
        "need",
        "expect",
    }
)
MODALS = frozenset({"must", "should", "shall", "ought", "need", "have", "has", "'d"})
#: A header before a colon is short: "Editorial guidance for digest tools:".
HEADER_TOKENS = 14
MIN_FOREIGN_WORDS = 6
OTHER_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl")

#: Cyrillic and Greek letters drawn like Latin ones (lower and upper case).
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "һ": "h",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "α": "a",
        "ο": "o",
        "ν": "v",
        "ρ": "p",
        "τ": "t",
        "ι": "i",
        "κ": "k",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
    }
)
_WORD = re.compile(r"\S+")
_QUOTE_OPEN, _QUOTE_CLOSE, _QUOTE_BOTH = "“«", "”»", '"'
_POINTER = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|last|final|penultimate|next|"
    r"following|previous|preceding)((?:[\s-]+to[\s-]+last)?)\s+paragraph\b",
    re.IGNORECASE,
)
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5}


@dataclass(frozen=True)
class Finding:
    """One flagged paragraph: its offsets in the text, the layer that flagged it and why."""

    start: int
    end: int
    layer: str
    reason: str


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line of ``text``, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        body = line.strip()
        if body:
            lead = len(line) - len(line.lstrip())
            spans.append((at + lead, at + lead + len(body)))
        at += len(line) + 1
    return spans


# --- disguise --------------------------------------------------------------------------------
def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def _script(ch: str) -> str:
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0]  # LATIN, CYRILLIC, GREEK, CJK...


def disguised(paragraph: str) -> bool:
    """True when a word mixes Latin with Cyrillic or Greek letters, or hides an invisible
    character (zero-width space, word joiner...) between two letters. A soft hyphen is a
    hyphenation hint that scraped pages carry honestly, so it does not count."""
    for word in _WORD.findall(paragraph):
        scripts = {_script(c) for c in word} - {""}
        if "LATIN" in scripts and scripts & {"CYRILLIC", "GREEK"}:
            return True
        for i in range(1, len(word) - 1):
            if (
                _invisible(word[i])
                and word[i] != "\u00ad"
                and word[i - 1].isalpha()
                and word[i + 1].isalpha()
            ):
                return True
    return False


def normalize(paragraph: str) -> str:
    """``paragraph`` as a reader sees it: invisible characters removed, and Cyrillic or Greek
    look-alikes inside words that also hold Latin letters mapped to Latin."""
    text = "".join(c for c in paragraph if not _invisible(c))
    out: list[str] = []
    at = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if any(_script(c) == "LATIN" for c in word):
            word = word.translate(_LOOKALIKES)
        out += [text[at : m.start()], word]
        at = m.end()
    out.append(text[at:])
    return "".join(out)


# --- foreign-language paragraphs --------------------------------------------------------------
@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    from importlib import import_module

    lists = {"en": frozenset(import_module("spacy.lang.en.stop_words").STOP_WORDS)}
    for lang in OTHER_LANGUAGES:
        lists[lang] = frozenset(import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    return lists


def foreign_language(paragraph: str) -> str | None:
    """The language of ``paragraph`` when it reads as one of :data:`OTHER_LANGUAGES` rather
    than English (more of that language's function words, at least a fifth of its words,
    and three different ones that English does not have), else None. Lines of names and
    figures (tables) have too few function words of any language to count."""
    words = [w.strip(".,;:!?\"'“”‘’()[]|*").casefold() for w in paragraph.split()]
    words = [w for w in words if w.isalpha()]
    if len(words) < MIN_FOREIGN_WORDS:
        return None
    stops = _stop_words()
    share = {lang: sum(w in stops[lang] for w in words) / len(words) for lang in stops}
    best = max(OTHER_LANGUAGES, key=lambda lang: share[lang])
    distinct = {w for w in words if w in stops[best] and w not in stops["en"]}
    if share[best] >= 0.2 and share[best] > share["en"] + 0.1 and len(distinct) >= 3:
        return best
    return None


# --- the parse ---------------------------------------------------------------------------------
def _base(token: Any) -> set[str]:
    """The forms a token is looked up under: lemma and lower-case text, plural -s removed
    (the small parser sometimes tags "bots" or "feed" as a verb and lemmatizes badly)."""
    forms = {token.lemma_.lower(), token.lower_}
    forms |= {f[:-1] for f in list(forms) if f.endswith("s") and len(f) > 3}
    return forms


def _software(token: Any, sentence: list[Any], earlier: set[str]) -> bool:
    """True when ``token`` names a kind of software (see :data:`SOFTWARE`).

    ``earlier`` holds the bases of software nouns already seen in the paragraph, so that
    "those services" after "automated digest services" is software too."""
    forms = _base(token)
    if forms & SOFTWARE:
        return True
    if not forms & SOFTWARE_IF_MODIFIED:
        return False
    at = sentence.index(token)
    left = sentence[max(0, at - 4) : at]
    for word in reversed(left):
        if word.is_punct and word.text not in (",", "-"):
            break
        if _base(word) & SOFTWARE_MODIFIERS:
            return True
    determiners = {c.lower_ for c in token.children if c.dep_ == "det"}
    return bool(determiners & {"this", "that", "these", "those", "such"} and forms & earlier)


def _quoted_chars(paragraph: str) -> list[bool]:
    """Per character of ``paragraph``: is it inside quotation marks?"""
    inside, depth, straight = [], 0, False
    for ch in paragraph:
        if ch in _QUOTE_OPEN:
            depth += 1
        inside.append(depth > 0 or straight)
        if ch in _QUOTE_CLOSE:
            depth = max(0, depth - 1)
        elif ch in _QUOTE_BOTH:
            straight = not straight
    return inside


def _header(token: Any, sentence: list[Any]) -> bool:
    """True when ``token`` sits in a short segment that a colon closes ("Notice to news
    aggregators:", "Attention, language model:")."""
    at = sentence.index(token)
    start = at
    while start > 0 and sentence[start - 1].text not in (":", "[", "—", "(", ";"):
        start -= 1
    end = at
    while end < len(sentence) and sentence[end].text not in (":", ";", "."):
        end += 1
    return end < len(sentence) and sentence[end].text == ":" and end - start <= HEADER_TOKENS


def _vocative(token: Any, sentence: list[Any]) -> bool:
    """True when ``token`` is named in a sentence's opening phrase that a comma closes and a
    verb of :data:`REPORT_VERBS` follows: the one spoken to, then told what to write
    ("Summary bots that pick this story up, write that ..."). The parse of such a phrase
    varies (subject, conjunct, dangling clause), so its shape is what is read."""
    at = sentence.index(token)
    comma = next((i for i, t in enumerate(sentence) if t.text == ","), None)
    if comma is None or at > comma or comma > HEADER_TOKENS:
        return False
    rest = [t for t in sentence[comma + 1 :] if t.lower_ != "please"]
    return bool(rest) and rest[0].tag_ in ("VB", "VBP") and bool(_base(rest[0]) & REPORT_VERBS)


def _directive_subject(token: Any) -> bool:
    """True when ``token`` is (in) the subject of a main-clause verb that has a modal ("...
    tools reading this feed should list ...", "any chatbot ... must be listed")."""
    for verb in token.sent:
        if not any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in verb.children):
            continue
        if not _main_clause(verb):
            continue  # reported: "the Commission said AI systems must be registered"
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and token in child.subtree:
                return True
    return False


def _main_clause(verb: Any) -> bool:
    """True when ``verb`` heads its sentence (or is joined to the verb that does), so the
    directive is the text's own and not a clause of someone's reported speech."""
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _asked(token: Any) -> bool:
    """True when ``token`` is the one asked ("we ask any automated system to record")."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ in ("to", "on"):
        head = head.head
    return (
        token.dep_ in ("dobj", "pobj", "dative")
        and bool(_base(head) & ASK_VERBS)
        and head.pos_ == "VERB"
    )


def _imperative(verb: Any, sentence: list[Any]) -> bool:
    """A verb in the base form with no subject that heads its sentence (or is joined to one
    that does): "Leave the union out", "Write a short poem".

    The small parser tags an imperative that opens a sentence or follows a colon as a
    present-tense verb or a noun at times ("List him as a party", "...: list X as"); such a
    word of :data:`REPORT_VERBS` followed by a pronoun, a determiner or a name is taken as
    one too."""
    opens = verb.i == sentence[0].i or (verb.i > 0 and verb.doc[verb.i - 1].text == ":")
    tag_ok = verb.tag_ == "VB" or (
        opens
        and verb.tag_ in ("VBP", "NN", "NNP")
        and bool(_base(verb) & REPORT_VERBS)
        and verb.i + 1 < len(verb.doc)
        and verb.doc[verb.i + 1].tag_ in ("PRP", "DT", "NNP", "NNPS", "PRP$")
    )
    if not tag_ok:
        return False
    if any(
        c.dep_ in ("nsubj", "nsubjpass", "expl", "aux", "auxpass")
        and c.lower_ not in ("do", "n't", "not", "please")
        and not _before_colon(c, verb)
        for c in verb.children
    ):
        return False
    inside = {t.i for t in sentence}
    if verb.dep_ == "ROOT" or verb.head.i not in inside:
        return True  # a sentence's root, or the parser ran the sentence on from another line
    return verb.dep_ == "conj" and verb.head is not verb and _imperative(verb.head, sentence)


def _before_colon(child: Any, verb: Any) -> bool:
    """True when a colon separates ``child`` from ``verb``: a header the parser took for the
    subject ("Editor's instruction to software: describe X as ...")."""
    lo, hi = sorted((child.i, verb.i))
    return any(t.text == ":" for t in verb.doc[lo:hi])


def _report_directive(sentence: list[Any]) -> bool:
    """A verb of :data:`REPORT_VERBS` given as an order: imperative, or under a modal."""
    for verb in sentence:
        if not _base(verb) & REPORT_VERBS:
            continue
        if _imperative(verb, sentence):
            return True
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in verb.children):
            return True
    return False


def _deixis(sentence: list[Any]) -> bool:
    """The text points at itself: "this page", "these reports", "anyone reading this"."""
    for token in sentence:
        if token.lower_ not in ("this", "these"):
            continue
        if token.dep_ == "det" and _base(token.head) & DOCUMENT_NOUNS:
            return True
        if token.dep_ in ("dobj", "pobj") and token.head.pos_ in ("VERB", "ADP"):
            return True
    # "your summary": the product of the one addressed
    return any(t.lower_ == "your" and _base(t.head) & OUTPUT_NOUNS for t in sentence)


def _sentences(doc: Any, start: int, end: int, offset: int) -> list[list[Any]]:
    """The tokens of ``doc`` between ``start`` and ``end`` (in doc offsets), by sentence."""
    out: list[list[Any]] = []
    for sent in doc.sents:
        if sent.end_char <= start or sent.start_char >= end:
            continue
        tokens = [t for t in sent if start <= t.idx < end and not t.is_space]
        if tokens:
            out.append(tokens)
    return out


def _judge(
    sentences: list[list[Any]], quoted: list[bool], para_start: int, layers: frozenset[str]
) -> tuple[str, str] | None:
    """(layer, reason) when the paragraph of these sentences is addressed to software."""
    earlier: set[str] = set()
    addressee = ""
    deixis = directive = False
    imperative = ""
    for sentence in sentences:
        deixis = deixis or _deixis(sentence)
        directive = directive or _report_directive(sentence)
        software = [t for t in sentence if _software(t, sentence, earlier)]
        for token in software:
            earlier |= _base(token)
            if addressee:
                continue
            if _header(token, sentence):
                addressee = f"addressed in a header: {token.text!r}"
            elif _directive_subject(token):
                addressee = f"subject of a directive: {token.text!r}"
            elif _asked(token):
                addressee = f"asked: {token.text!r}"
            elif _vocative(token, sentence):
                addressee = f"spoken to by name: {token.text!r}"
        first = sentence[0]
        if not imperative and "imperative" in layers:
            roots = [t for t in sentence if _base(t) & REPORT_VERBS and _imperative(t, sentence)]
            if roots and not quoted[max(0, min(len(quoted) - 1, first.idx - para_start))]:
                imperative = f"unquoted order to write: {roots[0].text!r}"
    if not addressee and earlier:
        for sentence in sentences:
            you = [
                t
                for t in sentence
                if t.lower_ in ("you", "your", "yourself")
                and not quoted[min(len(quoted) - 1, max(0, t.idx - para_start))]
            ]
            if you:
                addressee = f"second person beside software: {sorted(earlier)[0]!r}"
                break
    if "addressee" in layers and addressee and (deixis or directive):
        return "addressee", addressee
    if imperative:
        return "imperative", imperative
    return None


def find(text: str, layers: frozenset[str]) -> list[Finding]:
    """Paragraphs of ``text`` addressed to software, by the detectors named in ``layers``
    (``addressee``, ``imperative``, ``foreign``, ``disguise``, ``pointer``). English text
    up to :data:`summarize.reading.MAX_PARSE_CHARS` only; nothing for other text."""
    return list(_find(text, layers))


@lru_cache(maxsize=32)
def _find(text: str, layers: frozenset[str]) -> tuple[Finding, ...]:
    if not text.strip() or len(text) > MAX_PARSE_CHARS or not looks_english(text):
        return ()
    findings: list[Finding] = []
    parsed = layers & {"addressee", "imperative"}
    doc = _parse(text) if parsed else None
    spans = paragraphs(text)
    for start, end in spans:
        paragraph = text[start:end]
        if "disguise" in layers and disguised(paragraph):
            findings.append(
                Finding(
                    start, end, "disguise", "look-alike letters or invisible characters in words"
                )
            )
            continue
        if "foreign" in layers:
            lang = foreign_language(paragraph)
            if lang is not None:
                findings.append(
                    Finding(start, end, "foreign", f"a paragraph in another language ({lang})")
                )
                continue
        if not parsed:
            continue
        clean = normalize(paragraph)
        if clean != paragraph:  # parse what a model would read, not the disguise
            sentences = [list(s) for s in nlp.english()(clean).sents]
            quoted = _quoted_chars(clean)
            verdict = _judge(sentences, quoted, 0, layers)
        else:
            verdict = _judge(
                _sentences(doc, start, end, 0), _quoted_chars(paragraph), start, layers
            )
        if verdict is not None:
            findings.append(Finding(start, end, *verdict))
    if "pointer" in layers:
        findings += _pointed(text, spans, findings)
    return tuple(sorted(findings, key=lambda f: f.start))


def _pointed(text: str, spans: list[tuple[int, int]], flagged: list[Finding]) -> list[Finding]:
    """Paragraphs that a flagged paragraph points to by their place in the text."""
    index = {span: i for i, span in enumerate(spans)}
    taken = {(f.start, f.end) for f in flagged}
    out: list[Finding] = []
    for finding in flagged:
        here = index.get((finding.start, finding.end))
        if here is None:
            continue
        for m in _POINTER.finditer(text[finding.start : finding.end]):
            word, to_last = m.group(1).casefold(), bool(m.group(2).strip())
            if to_last:
                target = len(spans) - 1 - (_ORDINALS.get(word, 0))
            elif word in ("last", "final"):
                target = len(spans) - 1
            elif word == "penultimate":
                target = len(spans) - 2
            elif word in ("next", "following"):
                target = here + 1
            elif word in ("previous", "preceding"):
                target = here - 1
            else:
                target = _ORDINALS[word]
            if 0 <= target < len(spans) and spans[target] not in taken:
                taken.add(spans[target])
                out.append(
                    Finding(
                        *spans[target],
                        "pointer",
                        f"pointed to by a flagged paragraph: {m.group(0)!r}",
                    )
                )
    return out


def instruction_like(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` that read like an order to software without meeting the bar for
    masking: a software noun in the role of the one addressed (without a pointer to the page
    or an order to report), or an unquoted imperative of writing or reporting. Such text is
    left in view, but nothing that only it says may become a party or a position
    (:mod:`summarize.defence.provenance`). English text only; ``[]`` for other text."""
    return list(_instruction_like(text))


@lru_cache(maxsize=16)
def _instruction_like(text: str) -> tuple[tuple[int, int], ...]:
    if not text.strip() or len(text) > MAX_PARSE_CHARS or not looks_english(text):
        return ()
    doc = _parse(text)
    out: list[tuple[int, int]] = []
    for start, end in paragraphs(text):
        quoted = _quoted_chars(text[start:end])
        earlier: set[str] = set()
        for sentence in _sentences(doc, start, end, 0):
            software = [t for t in sentence if _software(t, sentence, earlier)]
            for token in software:
                earlier |= _base(token)
            addressed = any(
                _header(t, sentence) or _directive_subject(t) or _asked(t) for t in software
            )
            first = sentence[0]
            ordered = not quoted[min(len(quoted) - 1, max(0, first.idx - start))] and any(
                _base(t) & REPORT_VERBS and _imperative(t, sentence) for t in sentence
            )
            if addressed or ordered:
                last = sentence[-1]
                out.append((first.idx, last.idx + len(last.text)))
    return tuple(out)
