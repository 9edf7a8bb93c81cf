"""Page furniture that survives HTML extraction: where it is, never cut out of the text.

Widget errors ("Oops! Something went wrong"), links to other stories, share and cookie
prompts, donation appeals, bylines, wire credits and photo credits are boilerplate: shown to
the model they waste tokens and invite false parties, used as evidence they ground nothing.
The text itself is never changed (evidence offsets must keep pointing into what the user
passed); :func:`junk_spans` reports where the boilerplate is. Text addressed to a model is
found by the defence (:mod:`summarize.defence`), which adds it to these spans
(:func:`summarize.defence.untrusted_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Web junk that survives extraction. Each entry: (name, pattern, scope). "line" patterns must
# match a whole line (bullets and surrounding spaces ignored) of at most _JUNK_LINE_WORDS
# words; "tail" patterns mark from where they match to the end of the line. Keep the table
# small and specific: a false hit hides real article text from the model.
_JUNK_LINE_WORDS = 25
JUNK_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # Widget error text scraped along with the article ("Oops! Something went wrong.").
    (
        "error widget",
        re.compile(
            r"(?:oops!?|something went wrong\.?|please try again(?: later)?\.?|"
            r"an error (?:has )?occurred\.?|(?:oops!?\s*)?something went wrong\.?\s*"
            r"please try again(?: later)?\.?)",
            re.I,
        ),
        "line",
    ),
    # Links to other stories: "Read also: ...", "READ MORE: ...", "Related: ...".
    (
        "related link",
        re.compile(
            r"(?:read (?:also|more|next)|also read|see also|related(?: articles?| stories| news)?|"
            r"more on this(?: story)?|recommended(?: for you)?|watch)\s*[:|»>–—-].*",
            re.I,
        ),
        "line",
    ),
    # Share, subscribe, follow, cookie and ad prompts.
    (
        "share prompt",
        re.compile(
            r"(?:share (?:this|on|via)\b.*|subscribe(?: now| today| to (?:our|the) \w+.*)?|"
            r"sign up (?:for|to)\b.*newsletters?.*|follow us on\b.*|click here\b.*|advertisement|"
            r"skip to (?:main )?content|we use cookies\b.*|accept (?:all )?cookies|"
            r"(?:print|email|tweet|copy link)(?: this)?(?: article| story)?)",
            re.I,
        ),
        "line",
    ),
    # Donation appeals: "Consider supporting the Kyiv Independent."
    (
        "support appeal",
        re.compile(
            r"(?:^|(?<=[.!?]\s))(?:we[’']ve been working hard to bring you\b|consider supporting\b|"
            r"support (?:our|independent) journalism\b|become a (?:member|patron|supporter)\b|"
            r"donate (?:now|today)\b).*",
            re.I,
        ),
        "tail",
    ),
    # A byline: "By Matt Falloon and Kate Holton", "By Jane Doe, Staff Writer".
    (
        "byline",
        re.compile(
            r"by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|and|&)\s*"
            r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}){0,3}",
            re.I,
        ),
        "line",
    ),
    # A wire service's credit line: "(Reporting by Jo Doe; Editing by Ann Roe)".
    (
        "wire credits",
        re.compile(
            r"\(?(?:additional )?(?:reporting|writing|editing|compiled|graphics) by\b.*", re.I
        ),
        "tail",
    ),
    # Photo credits at the end of a caption: "... negotiations. © IMAGO / Xinhua".
    (
        "photo credit",
        re.compile(
            r"(?:©|\(c\)|(?:photo|image|picture)(?: credit)?:|credit:)\s*(?:[^\s]+[ \t]*){1,8}$",
            re.I,
        ),
        "tail",
    ),
)
_BULLETS = "•·‣◦▪▫●○*-–—>|"


def junk_spans(text: str, also: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where boilerplate sits in ``text``, as sorted, merged ``(start, end)`` offsets.

    The text itself is never changed: evidence offsets must keep pointing into what the
    user passed. Spans separated only by whitespace are merged, so a block of three
    "Oops!"/"Something went wrong."/"Please try again later." lines is one span. ``also``
    are more spans to merge in the same way (the defence adds what it masks:
    :func:`summarize.defence.untrusted_spans`).
    """
    spans: list[tuple[int, int]] = list(also)
    pos = 0
    for line in text.splitlines(keepends=True):
        spans.extend(_line_junk(line, pos))
        pos += len(line)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _line_junk(line: str, offset: int) -> list[tuple[int, int]]:
    body = line.rstrip("\r\n")
    stripped = body.strip()
    if not stripped:
        return []
    lead = len(body) - len(body.lstrip())
    core = stripped.lstrip(_BULLETS).lstrip()
    line_start = offset + lead
    line_end = offset + lead + len(stripped)
    found: list[tuple[int, int]] = []
    for _name, pattern, scope in JUNK_PATTERNS:
        if scope == "line":
            if len(core.split()) <= _JUNK_LINE_WORDS and pattern.fullmatch(core):
                return [(line_start, line_end)]
        else:
            match = pattern.search(stripped)
            if match:
                start = line_start + match.start()
                found.append((start, line_end))
    return found
