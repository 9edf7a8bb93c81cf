"""Text inside an article that addresses a model instead of a reader.

Prompt injection hides instructions in the data ("Ignore previous instructions...", a fake
``SYSTEM:`` turn, a chat-template token, a ready-made JSON answer, "Note to AI: ..."). The
prompts already tell the model the article is data, and grounding already drops a party the
text never names; but a small model still follows a payload that names a real-looking entity
*in* the text. This is the third layer: paragraphs that speak to a model are found by
well-known surface forms, hidden from the model (replaced by :data:`MASK`) and never used
as evidence (:func:`summarize.inputs.junk_spans` includes them).

The patterns are deliberately generic: second-person talk about "your summary/output",
role prefixes, chat-template tokens, "ignore/disregard ... instructions" in a few languages,
"output exactly ...", and HTML comments (never article text). A news article that quotes
such a sentence verbatim loses that paragraph from the model's view, which is the price of
the defence; :attr:`summarize.core.result.SummaryRun.masked` reports every masked span.
"""

from __future__ import annotations

import re

#: What the model sees in place of a masked paragraph.
MASK = "[text addressed to a model removed]"  # no capitals: never a candidate name

_MODEL_WORDS = (r"(?:ai|a\.i\.|assistants?|models?|llms?|chatbots?|language models?|bots?|"
                r"automated systems?|summari[sz]ers?|summari[sz]ation (?:tools?|systems?|models?))")
_CUES = re.compile(
    "|".join((
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
    )),
    re.IGNORECASE | re.MULTILINE,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` of the paragraphs (lines) and HTML comments of
    ``text`` that address a model."""
    spans = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(text)]
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
