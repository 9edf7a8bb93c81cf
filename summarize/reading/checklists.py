"""Checklists code finds in an article and hands to the model, so a small model chooses
instead of recalls.

A 1.5B model asked "when did what happen?" recalls a few dates and repeats itself; given the
date words code finds it only has to pick and label them, and everything it picks is
already anchored in the text. The capitalised names grouped by actor are the reading
layer's candidates for text no parser reads (not English). Each function here is pure and
cheap; none of them decides anything the model is asked to decide.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from summarize.core.names import fold_name, same_name, split_title
from summarize.text import dates as date_rules
from summarize.text.sentences import rule_sentence_spans

_CANDIDATE = re.compile(
    r"\b[A-Z][\w’'-]*(?:[ ](?:(?:of|the|de|du|da|von|van|der|den|al|bin|el)[ ])*[A-Z][\w’'-]*)*"
)
_POSSESSIVE = re.compile(r"['’]s$")
# "Russia-Ukraine war", "Sino-Russian": two names joined into an adjective, not a party.
_COMPOUND = re.compile(r"^[A-Z][\w’']*-[A-Z][\w’'-]*$")


def capitalised_names(article: str, limit: int = 30) -> list[str]:
    """Capitalised word runs, most frequent first: the names of text no parser reads.

    A word that is capitalised only where a sentence starts ("Finally", "Every") is an
    ordinary word, not a name: alone it is no candidate, and at the front of a longer run
    it is dropped when the text also writes it in lower case. The rule holds in any
    language that capitalises names, so no word list is needed.
    """
    starts = {_first_word(article, start, end) for start, end in rule_sentence_spans(article)}
    mid_sentence = {m.group(0) for m in _CANDIDATE.finditer(article) if m.start() not in starts}
    mid_words = {w for run in mid_sentence for w in run.split()} | {
        w
        for m in _CANDIDATE.finditer(article)
        if len(m.group(0).split()) > 1
        for w in m.group(0).split()[1:]
    }
    counts: dict[str, int] = {}
    for match in _CANDIDATE.finditer(article):
        words = match.group(0).split()
        if match.start() in starts:
            if len(words) == 1 and words[0] not in mid_words:
                continue
            while (
                len(words) > 1
                and words[0] not in mid_words
                and re.search(rf"\b{re.escape(words[0].lower())}\b", article)
            ):
                words.pop(0)
        name = _POSSESSIVE.sub("", " ".join(words))
        if len(name) >= 2 and not name.isdigit() and not _COMPOUND.match(name):
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda n: (-counts[n], article.find(n)))
    return ranked[:limit]


def _first_word(text: str, start: int, end: int) -> int:
    """Where a sentence's first word begins, after opening quotes or brackets."""
    while start < end and not text[start].isalnum():
        start += 1
    return start


class NameGroup(BaseModel):
    """The forms under which an article names one candidate party.

    ``name`` is the fullest form without a title ("Viktor Orban" for "Hungarian Prime
    Minister Viktor Orban", "Orban"), ``role`` the title that came with a form, if any.
    """

    name: str
    role: str = ""
    forms: list[str]


# One capitalised adjective of nationality or region ("Chinese", "Hungarian", "European",
# "Western"): it qualifies a party ("Chinese President Xi") and is never one by itself.
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ese|ish|ean|ern|ic)$")

#: Name groups a cast pass asks about, at most (the most mentioned first).
MAX_CAST = 24


def candidate_groups(article: str, limit: int = MAX_CAST) -> list[NameGroup]:
    """The article's candidate names grouped by the party they denote, most mentioned first.

    Grouping in code (by :func:`~summarize.core.names.same_name`, titles aside) means the
    model is asked once per actor, not once per spelling, and the grouping gives the
    aliases and the role without a model token.
    """
    groups: list[list[str]] = []
    for form in capitalised_names(article, limit=3 * limit):
        if _DEMONYM.match(form):
            continue
        bare = split_title(form)[1]
        home = next((g for g in groups if any(same_name(bare, split_title(f)[1]) for f in g)), None)
        if home is None:
            groups.append([form])
        else:
            home.append(form)
    named: list[NameGroup] = []
    for forms in groups[:limit]:
        split = [split_title(f) for f in forms]
        name = max((bare for _, bare in split), key=lambda b: len(fold_name(b).split()))
        role = next((title for title, _ in sorted(split, key=lambda t: -len(t[0])) if title), "")
        named.append(NameGroup(name=name, role=role, forms=forms))
    return named


def date_words(article: str) -> list[str]:
    """The date words code finds in the article, once each: the dates pass's checklist.
    The publication date line is left out: it gives `published`, not a date of the story."""
    lines = date_rules.publication_spans(article)
    return list(
        dict.fromkeys(
            words
            for start, end, words in date_rules.find_date_mentions(article)
            if not any(start < b and a < end for a, b in lines)
        )
    )
