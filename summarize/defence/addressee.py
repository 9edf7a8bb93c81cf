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
from summarize.text.boilerplate import junk_spans
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
        "generator",
        "writer",
        "extractor",
        "classifier",
        "tagger",
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
#: What a quoted statement, a notice or a table calls itself ("this statement", "this
#: table"): with :data:`DOCUMENT_NOUNS`, the nouns of "this very text".
SELF_NOUNS = DOCUMENT_NOUNS | frozenset(
    {
        "statement",
        "announcement",
        "notice",
        "note",
        "table",
        "chart",
        "graphic",
        "box",
        "entry",
        "message",
        "thread",
        "comment",
        "update",
        "correction",
        "link",
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
#: "That sentence", "the quote above", "the following line": a flagged paragraph speaking
#: of a one-sentence neighbour (a payload split over a quote and its attribution).
_ANAPHOR = re.compile(
    r"\b(?:(?P<back>that\s+(?:sentence|quote|quotation|line|passage|wording)|the\s+(?:sentence|"
    r"quote|quotation|line|passage|wording|statement)\s+above|the\s+(?:preceding|previous)\s+"
    r"(?:sentence|quote|quotation|line|passage|statement))|(?P<ahead>the\s+following\s+"
    r"(?:sentence|quote|quotation|line|passage|statement)|the\s+(?:sentence|quote|quotation|"
    r"line|passage|statement)\s+below|as\s+follows))\b",
    re.IGNORECASE,
)
_SENTENCE_ENDS = re.compile(r"[.!?][\"”’»)]*(?=\s|$)")
#: A table row: cells between pipes ("| a | b |") or tabs.
_CELL_SPLIT = re.compile(r"\||\t")
_RULE_CELL = re.compile(r"^[\s:=-]*$")
#: Text a reader does not see as prose but a model reads: a markdown link's or image's words
#: and title, HTML alt and title attributes.
_LINK = re.compile(r'!?\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]*)(?:\s+"(?P<title>[^"\n]*)")?\)')
_ATTRIBUTE = re.compile(r'\b(?:alt|title|aria-label)\s*=\s*"(?P<value>[^"\n]+)"', re.IGNORECASE)
#: Quoted segments («...», “...”, "...") and sentences, checked for another language when
#: the paragraph as a whole reads as English.
_QUOTED_SEGMENT = re.compile(r'«[^»\n]+»|“[^”\n]+”|"[^"\n]+"')
_SENTENCE_SPLIT = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True)
class Finding:
    """One flagged paragraph: its offsets in the text, the layer that flagged it and why."""

    start: int
    end: int
    layer: str
    reason: str


def cells(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of the cells of ``paragraph`` when it is a table row (two pipes or tabs
    or more), surrounding whitespace and rule cells ("---") excluded; [] for prose."""
    if paragraph.count("|") < 2 and paragraph.count("\t") < 2:
        return []
    out: list[tuple[int, int]] = []
    at = 0
    for m in [*_CELL_SPLIT.finditer(paragraph), None]:
        end = m.start() if m is not None else len(paragraph)
        body = paragraph[at:end]
        if body.strip() and not _RULE_CELL.match(body):
            lead = len(body) - len(body.lstrip())
            out.append((at + lead, at + lead + len(body.strip())))
        at = m.end() if m is not None else at
    return out


def embedded(paragraph: str) -> list[tuple[int, int, int, int]]:
    """Words a model reads inside markup: (words start, words end, span start, span end) for
    a markdown link's or image's text and title and for HTML alt/title attributes; the span
    is what is masked (the whole link, or the attribute's value)."""
    out: list[tuple[int, int, int, int]] = []
    for m in _LINK.finditer(paragraph):
        for group in ("text", "title"):
            if m.group(group):
                out.append((m.start(group), m.end(group), m.start(), m.end()))
    for m in _ATTRIBUTE.finditer(paragraph):
        out.append((m.start("value"), m.end("value"), m.start("value"), m.end("value")))
    return out


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


def foreign_segments(paragraph: str) -> list[tuple[int, int, str]]:
    """(start, end, language) of the quotations and sentences of an English ``paragraph``
    that read as another language (:func:`foreign_language`): a French order inside an
    English paragraph is as unreadable to the parse as a French paragraph."""
    found: list[tuple[int, int, str]] = []
    for pattern in (_QUOTED_SEGMENT, _SENTENCE_SPLIT):
        for m in pattern.finditer(paragraph):
            if any(a <= m.start() and m.end() <= b for a, b, _ in found):
                continue
            lang = foreign_language(m.group(0))
            if lang is not None:
                found.append((m.start(), m.end(), lang))
    return sorted(found)


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
            if child.dep_ in ("nsubj", "nsubjpass", "csubj") and token in child.subtree:
                return True
    return False


def _processor(token: Any) -> bool:
    """ "Anyone condensing ...", "whoever turns this article into ...", "those processing
    ...": a person word for the one who processes the text (a verb of
    :data:`PROCESS_VERBS`, or any verb with this text as its object)."""
    if token.lower_ not in ("anyone", "anybody", "whoever", "everyone", "those", "someone"):
        return False
    verbs = [c for c in token.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
    if token.lower_ == "whoever" and token.head.pos_ == "VERB":
        verbs.append(token.head)
    return any(
        _base(v) & PROCESS_VERBS
        or any(
            o.dep_ == "dobj" and (_base(o) & SELF_NOUNS or o.lower_ == "this") for o in v.children
        )
        for v in verbs
    )


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
    if token.dep_ == "nsubjpass":  # "any system processing this is asked to record"
        return bool(_base(head) & ASK_VERBS) and head.pos_ == "VERB"
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
    """A verb of :data:`REPORT_VERBS` given as an order: imperative, under a modal, or "is
    (not) to be listed"."""
    for verb in sentence:
        if not _base(verb) & REPORT_VERBS:
            continue
        if _imperative(verb, sentence):
            return True
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in verb.children):
            return True
        if _to_be_done(verb):
            return True
    return False


def _to_be_done(verb: Any) -> bool:
    """ "X is (not) to be listed", "they are to describe": an order given with "be to"."""
    return (
        verb.dep_ == "xcomp"
        and verb.head.lemma_ == "be"
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    )


def _this_text(sentence: list[Any]) -> str:
    """The words by which ``sentence`` points at the very text it is in, or "": "this
    text", "this article", "this statement", "these pages", "the summary of this"."""
    for token in sentence:
        if token.lower_ not in ("this", "these"):
            continue
        if token.dep_ == "det" and _base(token.head) & SELF_NOUNS:
            return f"{token.text} {token.head.text}"
        if (
            token.dep_ == "pobj"
            and token.head.lower_ == "of"
            and _base(token.head.head) & OUTPUT_NOUNS
        ):
            return f"{token.head.head.text} of {token.text}"
    return ""


def _product_of_this_text(sentence: list[Any]) -> Any | None:
    """A noun of :data:`OUTPUT_NOUNS` that is the product of processing this very text:
    "summaries of this article", "any summary of this report", "the headline for this
    story", "your summary"."""
    for token in sentence:
        if not _base(token) & OUTPUT_NOUNS or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if any(c.dep_ == "poss" and c.lower_ == "your" for c in token.children):
            return token
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("of", "for", "about", "on"):
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                if obj.lower_ in ("this", "these"):
                    return token
                if _base(obj) & SELF_NOUNS and any(
                    c.dep_ == "det" and c.lower_ in ("this", "these") for c in obj.children
                ):
                    return token
    return None


def _asked_product(token: Any) -> bool:
    """True when ``token`` (a summary of this text) is the one asked or told: "the notice
    tells automated summaries of this page ...", "summaries of this piece are asked to"."""
    head = token.head
    if token.dep_ in ("dobj", "dative") or (token.dep_ == "pobj" and head.lower_ in ("to",)):
        head = head.head if token.dep_ == "pobj" else head
        return bool(_base(head) & ASK_VERBS)
    if token.dep_ == "nsubjpass":
        return bool(_base(head) & ASK_VERBS)
    return False


def _modal_subject(token: Any) -> bool:
    """True when ``token`` is (in) the subject of a verb with a modal, or of a bare verb of
    reporting, in any clause, reported or not ("a statement read: 'any automated system that
    processes this text must report ...'", "we ask that any system ... record ...")."""
    for verb in token.sent:
        modal = any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in verb.children)
        # or a bare verb of reporting: "we ask that any system ... record X as ..."
        subjunctive = verb.tag_ == "VB" and bool(_base(verb) & REPORT_VERBS)
        if not modal and not subjunctive:
            continue
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj") and token in child.subtree:
                return True
    return False


def _processor(token: Any) -> bool:
    """ "Anyone condensing ...", "whoever turns this article into ...", "those processing
    ...": a person word for the one who processes the text (a verb of
    :data:`PROCESS_VERBS`, or any verb with this text as its object)."""
    if token.lower_ not in ("anyone", "anybody", "whoever", "everyone", "those", "someone"):
        return False
    verbs = [c for c in token.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
    if token.lower_ == "whoever" and token.head.pos_ == "VERB":
        verbs.append(token.head)
    return any(
        _base(v) & PROCESS_VERBS
        or any(
            o.dep_ == "dobj" and (_base(o) & SELF_NOUNS or o.lower_ == "this") for o in v.children
        )
        for v in verbs
    )


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
    self_addressed = ""
    for sentence in sentences:
        deixis = deixis or _deixis(sentence)
        sentence_directive = _report_directive(sentence)
        directive = directive or sentence_directive
        software = [t for t in sentence if _software(t, sentence, earlier)]
        this_text = _this_text(sentence)
        if not self_addressed and this_text:
            # An order about this very text is no one's news, quoted or not: software told
            # what to do with it, or its summary dictated.
            addressed = [*software, *(t for t in sentence if _processor(t))]
            told = next(
                (
                    t
                    for t in addressed
                    if _modal_subject(t)
                    or _asked(t)
                    or _header(t, sentence)
                    or _vocative(t, sentence)
                ),
                None,
            )
            product = _product_of_this_text(sentence)
            if product is not None and not (sentence_directive or _asked_product(product)):
                product = None
            if told is not None:
                self_addressed = f"told what to do with {this_text!r}: {told.text!r}"
            elif product is not None:
                self_addressed = f"dictates the {product.text!r} of {this_text!r}"
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
    if "addressee" in layers and self_addressed:
        return "addressee", self_addressed
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
            findings += [
                Finding(
                    start + a,
                    start + b,
                    "foreign",
                    f"a quotation or sentence in another language ({lang})",
                )
                for a, b, lang in foreign_segments(paragraph)
            ]
        if not parsed:
            continue
        # A table row's cells are judged one by one, each as a paragraph of its own: the
        # parse of a whole row runs the cells together. A flagged cell is masked, not the
        # row, and a flagged row not the table.
        pieces = [(a, b, a, b, "table cell") for a, b in cells(paragraph)]
        hits = _judge_pieces(paragraph, pieces, layers) if len(pieces) > 1 else []
        if hits:
            findings += [
                Finding(start + a, start + b, layer, reason) for a, b, layer, reason in hits
            ]
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
            continue
        # Words inside markup (a link's title, an image's alt text) read on their own.
        pieces = [(*piece, "link or attribute text") for piece in embedded(paragraph)]
        findings += [
            Finding(start + a, start + b, layer, reason)
            for a, b, layer, reason in _judge_pieces(paragraph, pieces, layers)
        ]
    if "pointer" in layers:
        findings += _pointed(text, spans, findings)
    return tuple(sorted(_outermost(findings), key=lambda f: f.start))


def _judge_pieces(
    paragraph: str, pieces: list[tuple[int, int, int, int, str]], layers: frozenset[str]
) -> list[tuple[int, int, str, str]]:
    """Judge each piece of ``paragraph`` (words start, words end, masked start, masked end,
    what it is) as a paragraph of its own, parsed alone; (start, end, layer, reason) of the
    flagged ones. Pieces of fewer than three words are not parsed (figures, names)."""
    worth = [p for p in pieces if len(re.findall(r"[^\W\d_]{2,}", paragraph[p[0] : p[1]])) >= 3]
    if not worth:
        return []
    texts = [normalize(paragraph[a:b]) for a, b, *_ in worth]
    out: list[tuple[int, int, str, str]] = []
    for (_a, _b, start, end, what), piece, doc in zip(
        worth, texts, nlp.english().pipe(texts), strict=True
    ):
        verdict = _judge([list(s) for s in doc.sents], _quoted_chars(piece), 0, layers)
        if verdict is not None:
            out.append((start, end, verdict[0], f"{what}: {verdict[1]}"))
    return out


def _outermost(findings: list[Finding]) -> list[Finding]:
    """``findings`` without those inside another one (a cell of a flagged row)."""
    return [
        f
        for f in findings
        if not any(
            g.start <= f.start and f.end <= g.end and (g.start, g.end) != (f.start, f.end)
            for g in findings
        )
    ]


def pointed(text: str, flagged: list[tuple[int, int]]) -> list[Finding]:
    """Paragraphs of ``text`` that the flagged spans point to (see :func:`_pointed`), for a
    flag found without the parse (the model's yes of :mod:`summarize.defence.screening`)."""
    return _pointed(text, paragraphs(text), [Finding(a, b, "", "") for a, b in flagged])


def _pointed(text: str, spans: list[tuple[int, int]], flagged: list[Finding]) -> list[Finding]:
    """Paragraphs that a flagged paragraph points to by their place in the text, as "that
    sentence" / "the quote above" / "as follows" when the neighbour is one sentence long, or
    by ending with a colon (the next paragraph)."""
    taken = {(f.start, f.end) for f in flagged}
    out: list[Finding] = []
    for finding in flagged:
        here = next(
            (i for i, (a, b) in enumerate(spans) if a <= finding.start and finding.end <= b), None
        )
        if here is None:
            continue
        said = text[finding.start : finding.end]
        targets: list[tuple[int, str]] = []
        for m in _POINTER.finditer(said):
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
            targets.append((target, m.group(0)))
        for m in _ANAPHOR.finditer(said):
            target = here - 1 if m.group("back") else here + 1
            if 0 <= target < len(spans):
                a, b = spans[target]
                if len(_SENTENCE_ENDS.findall(text[a:b])) <= 1:
                    targets.append((target, m.group(0)))
        if text[spans[here][0] : spans[here][1]].rstrip().endswith(":"):
            targets.append((here + 1, "a flagged paragraph ending with a colon"))
        for target, words in targets:
            if 0 <= target < len(spans) and spans[target] not in taken:
                taken.add(spans[target])
                out.append(
                    Finding(
                        *spans[target], "pointer", f"pointed to by a flagged paragraph: {words!r}"
                    )
                )
    return out


# --- suspects: what a model is asked about -----------------------------------------------------
#: Verbs that report speech: a sentence with one is attributed, its orders are someone's news.
SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "announce",
        "claim",
        "argue",
        "write",
        "warn",
        "insist",
        "according",
        "note",
        "explain",
        "urge",
        "call",
        "demand",
        "ask",
        "reply",
        "respond",
    }
)
#: What a summariser writes, named anywhere in a unit: "summaries", "the headline".
SUMMARY_NOUNS = frozenset({"summary", "headline", "abstract", "synopsis", "recap", "tldr"})
#: Modals of an order in narration ("have" and "need" are left out: "has blocked").
ORDER_MODALS = frozenset({"must", "should", "shall", "ought"})
#: Words for the text's reader or processor without a software noun: "anyone condensing".
PROCESS_VERBS = frozenset(
    {
        "summarize",
        "summarise",
        "condense",
        "process",
        "index",
        "crawl",
        "scrape",
        "parse",
        "abridge",
        "excerpt",
        "aggregate",
        "digest",
        "compile",
        "extract",
        "republish",
        "repost",
        "syndicate",
        "shorten",
        "paraphrase",
        "rewrite",
        "ingest",
        "read",
        "handle",
    }
)


@dataclass(frozen=True)
class Suspect:
    """A paragraph, table cell or piece of markup that the parse marks as possibly speaking to
    software or giving unattributed orders, without meeting the bar for masking: a model is
    asked about it (:mod:`summarize.defence.screening`)."""

    start: int
    end: int
    reason: str


def suspects(text: str, masked: tuple[tuple[int, int], ...] = ()) -> list[Suspect]:
    """Units of ``text`` (paragraphs, table cells, link and alt text; page furniture left
    out) that hold one of: a software noun (with its modifier where it needs one), an
    unquoted order (an imperative, a modal order in a sentence nobody is reported to have
    said), a reference to this very text or its summary, or "you" outside quotation marks.
    Units inside ``masked`` (what the masking layers flag) are included even where they
    look like page furniture: the caller skips them. English text only; [] for other text."""
    return list(_suspects(text, tuple(masked)))


@lru_cache(maxsize=16)
def _suspects(text: str, masked: tuple[tuple[int, int], ...]) -> tuple[Suspect, ...]:
    if not text.strip() or len(text) > MAX_PARSE_CHARS or not looks_english(text):
        return ()
    doc = _parse(text)
    # page furniture ("Please try again later") is never evidence and is not asked about;
    # text the masking layers flag is (the caller skips it, a benchmark may not)
    junk = junk_spans(text, also=masked)
    out: list[Suspect] = []
    for start, end in paragraphs(text):
        if any(a <= start and end <= b for a, b in junk) and not any(
            a <= start and end <= b for a, b in masked
        ):
            continue
        paragraph = text[start:end]
        units = [(start + a, start + b) for a, b in cells(paragraph)]
        units = units if len(units) > 1 else [(start, end)]
        units += [(start + a, start + b) for a, b, _, _ in embedded(paragraph)]
        for a, b in units:
            unit = text[a:b]
            if (a, b) == (start, end) and normalize(paragraph) == paragraph:
                sentences = _sentences(doc, a, b, 0)
                offset = a
            else:
                sentences = [list(s) for s in nlp.english()(normalize(unit)).sents]
                offset = 0
            reason = _suspicion(sentences, _quoted_chars(unit), offset)
            if reason:
                out.append(Suspect(a, b, reason))
    return tuple(out)


def _said_by(verb: Any) -> bool:
    """True when a verb of speech with a subject hangs off ``verb`` ("The council must act,
    the mayor said" parsed with "said" as a parenthetical)."""
    return any(
        c.dep_ in ("parataxis", "advcl", "conj")
        and _base(c) & SPEECH_VERBS
        and any(g.dep_ == "nsubj" for g in c.children)
        for c in verb.children
    )


def _suspicion(sentences: list[list[Any]], quoted: list[bool], offset: int) -> str:
    """Why a unit of these sentences may speak to software or give orders, or ""."""
    earlier: set[str] = set()

    def unquoted(token: Any) -> bool:
        return not quoted[min(len(quoted) - 1, max(0, token.idx - offset))]

    for sentence in sentences:
        for token in sentence:
            if _software(token, sentence, earlier):
                return f"a software noun: {token.text!r}"
            if _base(token) & SUMMARY_NOUNS and token.pos_ in ("NOUN", "PROPN"):
                return f"a word for a summary: {token.text!r}"
        if words := _this_text(sentence):
            return f"refers to this text: {words!r}"
        if (product := _product_of_this_text(sentence)) is not None:
            return f"refers to its summary: {product.text!r}"
        according = any(t.lower_ == "according" for t in sentence)
        for token in sentence:
            if not unquoted(token):
                continue
            if token.lower_ in ("you", "your", "yourself", "please"):
                return f"second person or a request: {token.text!r}"
            if (
                token.pos_ in ("VERB", "AUX")
                and token.tag_ == "VB"
                and _imperative(token, sentence)
            ):
                return f"an imperative: {token.text!r}"
            if token.pos_ != "VERB":
                continue
            modal = any(
                c.dep_ in ("aux", "auxpass") and c.lower_ in ORDER_MODALS for c in token.children
            ) or (_to_be_done(token) and any(c.dep_ == "auxpass" for c in token.children))
            if modal and _main_clause(token) and not according and not _said_by(token):
                return f"an unattributed order: {token.text!r}"
            if (
                _base(token) & PROCESS_VERBS
                and token.dep_ in ("acl", "relcl")
                and token.head.lower_ in ("anyone", "whoever", "anybody", "everyone", "those")
            ):
                return f"whoever processes the text: {token.head.text} {token.text}"
    return ""


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
