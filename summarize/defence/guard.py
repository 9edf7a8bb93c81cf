"""Text inside an article that addresses a model instead of a reader.

Prompt injection hides instructions in the data ("Ignore previous instructions...", a fake
``SYSTEM:`` turn, a chat-template token, a ready-made JSON answer, "Note to AI: ..."). The
prompts already tell the model the article is data, and grounding already drops a party the
text never names; but a small model still follows a payload that names a real-looking entity
*in* the text. This is the third layer: paragraphs that speak to a model are found by
well-known surface forms, hidden from the model (replaced by :data:`MASK`) and never used
as evidence (:func:`summarize.defence.untrusted_spans` adds them to the boilerplate).

The patterns are deliberately generic: second-person talk about "your summary/output",
role prefixes, chat-template tokens, "ignore/disregard ... instructions" in a few languages,
"output exactly ...", HTML comments (never article text), and a fenced code block that
assigns the summary's own fields ("parties: ...", "headline: ..."). A news article that quotes
such a sentence verbatim loses that paragraph from the model's view, which is the price of
the defence; :attr:`summarize.core.result.SummaryRun.masked` reports every masked span.

The patterns are the first layer only: they know the attacker's usual words, so a payload in
other words passes them. :func:`flags` adds the layers of
:mod:`summarize.defence.addressee`, which find text addressed to *software* by its grammar
(a tool, crawler or digest service as the one addressed, an unquoted order to write, a
paragraph in another language, disguised letters, a paragraph pointed to by a flagged one),
and :mod:`summarize.defence.provenance` prunes what the model returns by where it comes from.
:data:`LAYERS` lists them; ``NEWSBRIEF_DEFENCE`` chooses some, to measure them one by one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from summarize.defence import addressee
from summarize.text.boilerplate import junk_spans

#: What the model sees in place of a masked paragraph.
MASK = "[text addressed to a model removed]"  # no capitals: never a candidate name

_MODEL_WORDS = (
    r"(?:ai|a\.i\.|assistants?|models?|llms?|chatbots?|language models?|bots?|"
    r"automated systems?|summari[sz]ers?|summari[sz]ation (?:tools?|systems?|models?))"
)
_CUES = re.compile(
    "|".join(
        (
            # "Ignore (all) previous instructions", "disregard the article", "forget the article"
            r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:instructions?|prompts?|"
            r"article|task|rules|directions)\b",
            r"\bignora\b[^.\n]{0,30}\binstrucciones\b",  # es
            r"\bignorier\w*\b[^.\n]{0,30}\banweisungen\b",  # de
            r"\bignore[zr]?\b[^.\n]{0,30}\bconsignes\b",  # fr
            # A chat turn: "SYSTEM:", "User:", "Assistant:" opening a line.
            r"^[ \t>*-]*(?:system|assistant|user|developer|human)\s*:",
            # Chat-template tokens: <|im_start|>, <|eot_id|>, [INST], <<SYS>>
            r"<\|[a-z_]+\|>|\[/?inst\]|<<\s*/?sys\s*>>",
            # "Note to AI", "Instructions for AI summarizers", "nota para el asistente"
            r"\b(?:note|message|instructions?|important instruction)\s+(?:to|for)\s+"
            r"(?:the\s+|any\s+|all\s+)?" + _MODEL_WORDS + r"\b",
            r"\bnota para (?:el|la) (?:asistente|ia|modelo)\b",
            # Second-person talk about the model's output: "your summary", "your headline"
            r"\byour (?:summary|summaries|headline|output|answer|response|json|reply)\b",
            r"\b(?:output|return|reply|respond|answer|print)\b[^.\n]{0,20}\b(?:exactly|only)\b"
            r"[^.\n]{0,20}\b(?:this|the following|with)\b",
            r"\b(?:new instructions|previous task is cancell?ed|as an ai\b)",
            # A ready-made JSON answer in the text.
            r'^\s*\{\s*"(?:headline|summary|parties|positions)"\s*:',
        )
    ),
    re.IGNORECASE | re.MULTILINE,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
#: A fenced code block (``` or ~~~) ...
_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
#: ... that assigns the summary's own fields ("parties: ...", "headline = ...") is a ready-made
#: answer in another dress than JSON.
_ANSWER_KEY = re.compile(
    r"^[ \t>*#-]*[\"']?(?:headline|summary|parties|party|positions|position|stance|polarity|"
    r"disputes|dispute|dates|topic)[\"']?[ \t]*[:=]",
    re.IGNORECASE | re.MULTILINE,
)


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` of the paragraphs (lines) and HTML comments of
    ``text`` that address a model."""
    spans = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(text)]
    spans += [(m.start(), m.end()) for m in _FENCE.finditer(text) if _ANSWER_KEY.search(m.group(0))]
    for match in _CUES.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        spans.append((start, len(text) if end < 0 else end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span replaced by :data:`MASK` (what the model is shown)."""
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        pieces += [text[at:start], MASK]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


# --- the layers --------------------------------------------------------------------------------
#: Every layer of the defence, in the order they are applied. ``patterns`` is the list above;
#: the next five find text addressed to software by its grammar
#: (:mod:`summarize.defence.addressee`); ``judge`` asks the model one yes/no question about
#: each passage the parse only suspects (:mod:`summarize.defence.screening`); ``furniture`` masks
#: the passages a probe reads as page furniture rather than the story (``defence/v5``, where
#: the version has a furniture probe for the model); ``provenance`` prunes what the model
#: returns (:mod:`summarize.defence.provenance`).
LAYERS = (
    "patterns",
    "addressee",
    "imperative",
    "foreign",
    "disguise",
    "pointer",
    "judge",
    "furniture",
    "provenance",
)
#: The environment variable that picks layers, comma-separated ("patterns,addressee"); unset
#: or "all" means every layer, "none" no layer (only the sandboxed prompt that fences the
#: article as data). It exists to measure the layers one by one
#: (``NEWSBRIEF_DEFENCE=patterns newsbrief eval injection ...``), not to turn them off.
LAYERS_ENV = "NEWSBRIEF_DEFENCE"


@dataclass(frozen=True)
class Flag:
    """A span of the text that addresses a model or a program, and the layer that found it."""

    start: int
    end: int
    layer: str
    reason: str


#: The layers in force when :data:`LAYERS_ENV` is unset: every layer. The judge runs by default
#: only where the model has a probe (``defence/v3``: no paragraph of the seeds or the dev
#: suite flagged); its question, for a model without one, is opt-in (:func:`chosen`): with
#: the 1.5B the question said yes to all 5 clean passages it was asked about (defence/v1) or,
#: calibrated, to no payload (defence/v2).
DEFAULT_LAYERS = LAYERS


def chosen(layer: str) -> bool:
    """Whether ``layer`` was asked for by name (or by "all") in :data:`LAYERS_ENV`, rather than
    being in force by default."""
    raw = os.environ.get(LAYERS_ENV, "").strip()
    return raw == "all" or layer in {part.strip() for part in raw.split(",")}


def active_layers() -> frozenset[str]:
    """The layers in force: :data:`LAYERS_ENV` if set ("all" is every layer, the judge
    too), else :data:`DEFAULT_LAYERS`; "none" is the empty set (a baseline to measure the
    layers against)."""
    raw = os.environ.get(LAYERS_ENV, "").strip()
    if not raw:
        return frozenset(DEFAULT_LAYERS)
    if raw == "all":
        return frozenset(LAYERS)
    if raw == "none":
        return frozenset()
    chosen = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = chosen - set(LAYERS)
    if unknown:
        raise ValueError(f"{LAYERS_ENV}: unknown layer(s) {sorted(unknown)}; known: {LAYERS}")
    return chosen


def flags(text: str, layers: frozenset[str] | None = None) -> list[Flag]:
    """Every flagged span of ``text`` by the chosen layers (default :func:`active_layers`),
    sorted; a span two layers flag is reported once, by the first layer in :data:`LAYERS`."""
    return list(_flags(text, active_layers() if layers is None else frozenset(layers)))


@lru_cache(maxsize=32)
def _flags(text: str, layers: frozenset[str]) -> tuple[Flag, ...]:
    found: list[Flag] = []
    if "patterns" in layers:
        found += [
            Flag(a, b, "patterns", "a known form of address to a model")
            for a, b in instruction_spans(text)
        ]
    parse_layers = layers & {"addressee", "imperative", "foreign", "disguise", "pointer"}
    if parse_layers:
        known = [(f.start, f.end) for f in found]
        for finding in addressee.find(text, frozenset(parse_layers)):
            if not any(a <= finding.start and finding.end <= b for a, b in known):
                found.append(Flag(finding.start, finding.end, finding.layer, finding.reason))
    return tuple(sorted(found, key=lambda f: (f.start, f.end)))


def untrusted_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` of the text nothing may be drawn from: the page's
    boilerplate (:func:`summarize.text.boilerplate.junk_spans`) and everything the layers in
    force flag (:func:`masked_spans`). The reading layer offers no candidate from it and
    grounding takes no evidence from it."""
    return junk_spans(text, also=masked_spans(text))


def masked_spans(text: str, layers: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` of everything the chosen layers flag: what the model
    is not shown and what is never evidence."""
    return merge_spans([(flag.start, flag.end) for flag in flags(text, layers)])


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
