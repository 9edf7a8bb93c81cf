"""Party candidates from named entities: titles split off by the parse, aliases merged.

Candidates come from the entity recogniser (PERSON, ORG, GPE, NORP), never from a
capitalisation rule, so a word that opens a sentence ("Finally", "Every") is not a name
and a nationality adjective ("Dutch") is a form of a party at most, never one by itself.
Titles and appositions become the role ("Deputy Prime Minister X" -> X, role "Deputy
Prime Minister"); forms of one actor (surname, acronym, "Ms X", the plural or adjective of a
group) are merged in code, so the model is asked once per actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from summarize.core.names import (
    fold_name,
    fold_text,
    is_person_title,
    is_title_only,
    same_name,
    split_title,
)
from summarize.core.reading import Candidate, CandidateLabel
from summarize.reading.lexicon import is_common_noun_title, opens_with_common_noun
from summarize.reading.options import ReadingOptions
from summarize.text.dates import find_date_mentions

_V1 = ReadingOptions()

#: spaCy entity labels that can denote a party, and the party kind each suggests.
ENTITY_LABELS: dict[str, CandidateLabel] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "state",
    "NORP": "group",
}
#: Candidates handed to the model at most, the most mentioned first.
MAX_CANDIDATES = 24
_ROLE_DEPS = {"compound", "amod", "nmod", "poss", "npadvmod"}
_MAX_ROLE_WORDS = 8
_ACRONYM_SKIP = {"of", "the", "and", "for", "on", "in", "de", "&"}


@dataclass
class Mention:
    """One entity occurrence: its bare text, where it stands, and what the parse adds."""

    text: str
    label: CandidateLabel
    start: int
    end: int
    token_start: int
    token_end: int
    role: str = ""
    adjective: bool = False
    opens_sentence: bool = False
    affiliations: list[str] = field(default_factory=list)


def find_mentions(
    doc: Any, skip: list[tuple[int, int]], options: ReadingOptions = _V1
) -> list[Mention]:
    """Entity mentions that can denote a party, outside the ``skip`` spans (page junk).

    Also left out: mentions in a title-case line (a headline: every party it names is named
    again in the body, and the recogniser misreads title case), inside a date ("Thu Jul
    26"), across a line break, a dateline's capitalised city ("LONDON"), a ticker
    ("BAY.L").
    """
    skip = (
        skip
        + _title_case_lines(doc.text, alone=options.wrapped_names)
        + [(a, b) for a, b, _ in find_date_mentions(doc.text)]
    )
    found: list[Mention] = []
    works: list[tuple[int, int]] = []
    for ent in doc.ents:
        label = ENTITY_LABELS.get(ent.label_)
        if label is None and options.long_names and _misread_work(ent):
            label = "unknown"
        if label is None or _skipped(ent.start_char, ent.end_char, skip):
            continue
        span = _trimmed(ent)
        if span is not None and options.hyphen_names:
            span = _hyphen_joined(span)
        if (
            options.works
            and ent.label_ in ("ORG", "LAW", "WORK_OF_ART", "EVENT")
            and (_names_a_work(ent))
        ):
            works.append((ent.start_char, ent.end_char))
            continue
        if (
            span is None
            or _TICKER.match(span.text)
            or (label == "state" and span.text.isupper() and len(span.text) > 3)
            or ("\n" in span.text and not (options.wrapped_names and _wrapped(span.text)))
        ):
            continue
        title, bare = split_title(span.text)
        if options.places and _is_country(span.text):
            title, bare = "", span.text  # "US" alone is the state, not a title of nobody
        if options.common_nouns and label == "person":
            title, bare = _common_noun_title(span, title, bare)
        if not _is_name(bare) and not (options.places and not title and _is_country(bare)):
            continue
        role_span = _role_tokens(span)
        role = title or (role_span.text if role_span is not None else "")
        if is_person_title(role) and len(bare.split()) > 1:
            label = "person"  # "President Amara Diallo", even when the recogniser said ORG
        mention = Mention(
            text=bare,
            label=label,
            start=span.start_char + span.text.find(bare),
            end=span.start_char + span.text.find(bare) + len(bare),
            token_start=span.start,
            token_end=span.end,
            role=_clean_role(role),
            adjective=label == "group" and _is_adjective(span),
        )
        if role_span is not None:
            mention.affiliations = [
                e.text
                for e in doc.ents
                if e.label_ in ENTITY_LABELS and role_span.start <= e.start < role_span.end
            ]
        elif title:
            mention.affiliations = [title]
        found.append(mention)
    found += [
        m
        for m in _expansions(doc.text, found)
        if "\n" not in m.text or (options.wrapped_names and _wrapped(m.text))
    ]
    named = [(m.start, m.end) for m in found]
    # proper-noun runs only where no entity stands (not the pieces of a cut long name)
    found += [
        m
        for m in _proper_noun_runs(doc, skip + works, options)
        if not _skipped(m.start, m.end, named)
    ]
    if options.wrapped_names:
        for m in found:  # names are keys of a grammar and of JSON: one line each
            m.text = " ".join(m.text.split())
    return sorted(found, key=lambda m: m.start)


def _expansions(text: str, mentions: list[Mention]) -> list[Mention]:
    """The long form of an acronym given in parentheses ("Universities and Colleges
    Employers' Association (UCEA)"), as a mention of its own, when the words before the
    parenthesis spell the acronym: the recogniser often cuts such a long name apart."""
    found: list[Mention] = []
    for m in mentions:
        letters = _letters(m.text)
        if not (2 <= len(letters) <= 6 and letters.isupper()):
            continue
        if text[max(0, m.start - 2) : m.start].strip() != "(" or text[m.end : m.end + 1] != ")":
            continue
        before = text[max(0, m.start - 160) : m.start].rstrip(" (")
        words = re.findall(r"[\w’'&.-]+", before)
        for n in range(len(letters), min(len(words), 2 * len(letters) + 2) + 1):
            phrase = words[-n:]
            if phrase[0].casefold() in _ACRONYM_SKIP or _acronym(" ".join(phrase)) != letters:
                continue
            first = before.rfind(phrase[0], 0, len(before) - sum(map(len, phrase[1:])))
            long = before[first:]
            start = text.rfind(long, 0, m.start)
            if first >= 0 and start >= 0:
                found.append(
                    Mention(
                        text=long,
                        label=m.label if m.label != "unknown" else "organization",
                        start=start,
                        end=start + len(long),
                        token_start=m.token_start,
                        token_end=m.token_start,
                    )
                )
            break
    return found


def _proper_noun_runs(
    doc: Any, skip: list[tuple[int, int]], options: ReadingOptions = _V1
) -> list[Mention]:
    """Runs of proper nouns the recogniser gave no entity ("Riverton - Mayor Ana Lopez"):
    the small English model misses names, above all at the start of a text. They are
    offered with label "unknown", so the model chooses their kind or rejects them."""
    runs: list[Mention] = []
    i = 0
    while i < len(doc):
        if doc[i].pos_ != "PROPN" or doc[i].ent_type_ or not doc[i].text[:1].isupper():
            i += 1
            continue
        j = i
        while (
            j < len(doc)
            and doc[j].pos_ == "PROPN"
            and not doc[j].ent_type_
            and (doc[j].text[:1].isupper())
        ):
            j += 1
            if options.hyphen_names:
                j = _past_hyphens(doc, j)
            if options.long_names:
                j = _past_plural_possessive(doc, j)
        span = doc[i:j]
        i = j
        if (
            _skipped(span.start_char, span.end_char, skip)
            or "\n" in span.text
            or _TICKER.match(span.text)
            or (span.text.isupper() and len(span.text) > 3)
        ):
            continue
        title, bare = split_title(span.text)
        if options.places and _is_country(span.text):
            title, bare = "", span.text
        if not (_is_name(bare) or (options.places and not title and _is_country(bare))) or (
            bare.isupper() and len(bare) > 6
        ):
            continue
        if options.works and (
            span[-1].lower_ in _WORK_HEADS
            or (
                span.root.dep_ in ("compound", "amod", "nmod")
                and span.root.head.lower_ in _WORK_HEADS
            )
        ):
            continue  # "Transparency Bill", "Anti-Corruption" (... and Transparency Bill)
        if options.common_nouns:
            if opens_with_common_noun(span) or (
                span.root.dep_ in ("compound", "amod")
                and span.root.head.pos_ == "NOUN"
                and span.root.head.i >= span.end
                and not (options.places and _is_country(span.text))
            ):
                continue  # "Dock workers", "Anti-Corruption campaigners": a modifier
            title, bare = _common_noun_title(span, title, bare)
        start = span.start_char + span.text.find(bare)
        first = next((t.i for t in span.sent if not t.is_punct and not t.is_space), span.start)
        label: CandidateLabel = (
            "person" if is_person_title(title) and len(bare.split()) > 1 else "unknown"
        )
        runs.append(
            Mention(
                text=bare,
                label=label,
                start=start,
                end=start + len(bare),
                token_start=span.start,
                token_end=span.end,
                role=_clean_role(title),
                opens_sentence=span.start == first,
            )
        )
    return runs


def group_mentions(
    mentions: list[Mention],
    text: str,
    limit: int | None = MAX_CANDIDATES,
    options: ReadingOptions = _V1,
) -> list[Candidate]:
    """Mentions merged into candidates (one per actor), the most mentioned first."""
    groups: list[list[Mention]] = []
    adjectives: list[Mention] = []
    for mention in mentions:
        if mention.adjective:
            adjectives.append(mention)
            continue
        home = next(
            (
                g
                for g in groups
                if any(
                    _same_actor(mention, m)
                    or (options.plurals and _same_plural(mention, m))
                    or (options.wrapped_names and mention.start < m.end and m.start < mention.end)
                    for m in g
                )
            ),
            None,
        )
        if home is None:
            groups.append([mention])
        else:
            home.append(mention)
    # A group named in the plural ("Republicans") joins the organisation it stands for
    # ("Republican Party"); an adjective ("Russian") is a form of the party it derives from.
    merged: list[list[Mention]] = []
    for group in groups:
        home = next((g for g in merged if _derived(group, g)), None)
        if home is None:
            merged.append(group)
        else:
            home.extend(group)
    for adjective in adjectives:
        home = next((g for g in merged if _derived([adjective], g)), None)
        if home is not None:
            home.append(adjective)
    # A name only ever given in parentheses is a credit or a ticker ("(Reuters)"), not an
    # actor of the story: an acronym in parentheses has joined its long form above.
    merged = [
        g
        for g in merged
        if not all(text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] == ")" for m in g)
    ]
    # A lone capitalised word the parser took for a name only where it opens a sentence
    # ("Voters", "Sentencing") is an ordinary word.
    merged = [
        g
        for g in merged
        if not all(
            m.label == "unknown" and m.opens_sentence and len(m.text.split()) == 1 for m in g
        )
        or (options.places and any(_is_place_name(m.text) for m in g))
        or (options.common_nouns and not all(_common_word(m.text) for m in g))
    ]
    if options.common_nouns:  # "Plumber", "Challengers": a common word, no recognised name
        merged = [
            g
            for g in merged
            if not all(
                m.label in ("person", "unknown")
                and len(m.text.split()) == 1
                and not m.role
                and _common_word(m.text)
                and _written_lower(m.text, text)
                and not (options.places and _is_place_name(m.text))
                for m in g
            )
        ]
    candidates: list[Candidate] = []
    for candidate in map(_candidate, merged):  # names are keys of the cast answer: unique
        if all(fold_text(c.name) != fold_text(candidate.name) for c in candidates):
            candidates.append(candidate)
    ranked = sorted(
        range(len(candidates)),
        key=lambda i: (-len(candidates[i].mentions), candidates[i].mentions[0][0]),
    )
    return [candidates[i] for i in (ranked if limit is None else ranked[:limit])]


def resolve_affiliations(candidates: list[Candidate]) -> None:
    """Turn the raw affiliation texts of each candidate into names of other candidates."""
    for candidate in candidates:
        names: list[str] = []
        for text in candidate.affiliations:
            for other in candidates:
                if other is candidate or other.name in names:
                    continue
                words = fold_text(text).split()
                if any(_form_in(fold_text(form), words) for form in other.names):
                    names.append(other.name)
        candidate.affiliations = names


# --- levers of later reading versions (see summarize/reading/options.py) --------------------
#: Head nouns of an ORG entity that make it a text or a programme, not an actor.
_WORK_HEADS = frozenset(
    """
bill act law amendment treaty convention accord agreement directive regulation ordinance
code charter constitution programme program show series podcast documentary report review
study survey index strategy plan white paper manifesto
""".split()
)


def _wrapped(text: str) -> bool:
    """Line breaks inside a name that only wrap a line, never a blank line between two."""
    return "\n" in text and "\n\n" not in text.replace("\r", "")


def _is_country(name: str) -> bool:
    from summarize.reading.places import gazetteer

    return gazetteer().state(name) is not None


def _common_word(word: str) -> bool:
    """A capitalised sentence opener that is an ordinary English word ("Voters",
    "Sentencing", "Finally"), not a name the recogniser missed ("Haddad")."""
    from summarize.reading.lexicon import is_english_word

    return is_english_word(word)


def _written_lower(word: str, text: str) -> bool:
    """The article also writes the word in lower case: a common word, not a name."""
    return re.search(rf"(?<![\w'’-]){re.escape(word.lower())}(?![\w'’-])", text) is not None


def _is_place_name(name: str) -> bool:
    """A country or a capital by the gazetteer: a name even where it opens a sentence."""
    from summarize.reading.places import gazetteer

    return gazetteer().state(name) is not None or gazetteer().capital_of(name) is not None


def _names_a_work(ent: Any) -> bool:
    """An ORG entity whose head noun names a law, a programme or a document ("the Clean
    Streets Bill", "the Today programme", "the Hart Report"): a subject of the story, not
    one of its actors."""
    return ent.root.lemma_.lower() in _WORK_HEADS or ent[-1].lower_ in _WORK_HEADS


def _misread_work(ent: Any) -> bool:
    """A WORK_OF_ART entity that reads as an organisation's name: the small model gives that
    label to long capitalised names ("The Lessow Boat Dwellers' Association"), and then the
    party and everything it said are lost. A quoted title ("Hamlet") or one whose head names
    a work ("the Hart Report") stays a work."""
    text = ent.doc.text
    before = text[max(0, ent.start_char - 1) : ent.start_char]
    return (
        ent.label_ == "WORK_OF_ART"
        and before not in ('"', "\u201c", "'", "\u2018")
        and not _names_a_work(ent)
        and sum(t.pos_ == "PROPN" and t.text[:1].isupper() for t in ent) >= 2
        and not any(t.pos_ == "CCONJ" for t in ent)  # "Kloet and ... Xavier Rolet": two names
    )


def _attached(doc: Any, i: int) -> bool:
    """Token ``i`` is a hyphen written without spaces between two words ("Anti-Social")."""
    return (
        0 < i < len(doc) - 1
        and doc[i].text in ("-", "‐", "‑")
        and not doc[i - 1].whitespace_
        and not doc[i].whitespace_
    )


def _past_hyphens(doc: Any, j: int) -> int:
    """The end of a run extended over hyphen-joined capitalised words ("Anti-Corruption")."""
    while j < len(doc) - 1 and _attached(doc, j) and doc[j + 1].text[:1].isupper():
        j += 2
    return j


def _past_plural_possessive(doc: Any, j: int) -> int:
    """The end of a run extended over a plural possessive inside a name ("Boat Dwellers'
    Association"): the tagger ends the run at the apostrophe and leaves the head noun alone.
    Only a bare apostrophe after a plural: "Britain's Labour Party" is two names."""
    if (
        0 < j < len(doc) - 1
        and doc[j].tag_ == "POS"
        and doc[j].text in ("'", "\u2019")
        and doc[j - 1].lower_.endswith("s")
        and doc[j + 1].pos_ == "PROPN"
        and doc[j + 1].text[:1].isupper()
        and not doc[j + 1].ent_type_
    ):
        return j + 2
    return j


def _hyphen_joined(span: Any) -> Any:
    """An entity span widened to the whole of a hyphenated name it cuts ("Social Behaviour
    Bill" inside "Anti-Social Behaviour Bill")."""
    doc, start, end = span.doc, span.start, span.end
    while start >= 2 and _attached(doc, start - 1) and doc[start - 2].text[:1].isupper():
        start -= 2
    end = _past_hyphens(doc, end)
    return doc[start:end] if (start, end) != (span.start, span.end) else span


def _common_noun_title(span: Any, title: str, bare: str) -> tuple[str, str]:
    """Leading common nouns of a person's name are a title ("Lawyer Tom Reyes" -> "Tom
    Reyes", role "Lawyer"): a word of the English noun lexicon that the tagger reads as a
    common noun once it is written in lower case."""
    words = bare.split()
    moved: list[str] = []
    while len(words) > 1 and is_common_noun_title(words[0], " ".join(words[1:])):
        moved.append(words.pop(0))
    if not moved:
        return title, bare
    return " ".join([title, *moved]).strip(), " ".join(words)


def _same_plural(a: Mention, b: Mention) -> bool:
    """One name in the singular and the plural ("Democrat" / "Democrats"): one actor."""
    x, y = fold_text(a.text), fold_text(b.text)
    if not x or not y or x == y:
        return False
    short, long = sorted((x, y), key=len)
    return long in (short + "s", short + "es") or (
        short.endswith("y") and long == short[:-1] + "ies"
    )


# --- helpers ---------------------------------------------------------------------------------
_TICKER = re.compile(r"^[A-Z0-9]{1,6}\.[A-Z]{1,2}$")


def _skipped(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _title_case_lines(text: str, *, alone: bool = False) -> list[tuple[int, int]]:
    """Lines written in title case ("Kerry: Syrian Cease-fire Agreement Near"): headlines.

    With ``alone`` (later readings), only a line that stands alone (a blank line or the
    end after it): the first line of hard-wrapped wire copy is often mostly names
    ("TOKYO (Reuters) - Japan's Ministry of International Trade and") yet no headline.
    """
    spans: list[tuple[int, int]] = []
    at = 0
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
        if (
            len(words) >= 3
            and sum(w[0].isupper() for w in words) >= 0.75 * len(words)
            and (not alone or i + 1 >= len(lines) or not lines[i + 1].strip())
        ):
            spans.append((at, at + len(line)))
        at += len(line)
    return spans


def _trimmed(ent: Any) -> Any | None:
    """The entity without a leading article or a trailing possessive or punctuation."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].pos_ in ("DET", "PUNCT") or doc[start].lower_ == "the"):
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS"
        or doc[end - 1].pos_ == "PUNCT"
        or doc[end - 1].lower_ in ("'s", "’s")
    ):
        end -= 1
    if end <= start:
        return None
    return doc[start:end]


def _is_name(text: str) -> bool:
    """A proper name: capitalised, more than one stray letter, not a bare title."""
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(letters) >= 2
        and text[:1].isupper()
        and not is_title_only(text)
        and not all(w.casefold() in _ACRONYM_SKIP for w in text.split())
    )


def _is_adjective(span: Any) -> bool:
    """A nationality or group word used as a modifier ("Dutch officials"), not as a noun."""
    root = span.root
    # a single nationality word without a plural ("Japanese", "Dutch") names no group
    return (
        root.tag_ in ("JJ", "JJR", "JJS")
        or root.dep_ in ("amod", "compound", "nmod")
        or (len(span) == 1 and not root.text.endswith("s"))
    )


def _role_tokens(span: Any) -> Any | None:
    """The title before a name ("Deputy Prime Minister" X) or the apposition after it
    ("X, the White House spokesman"), as a span of the doc."""
    doc, root = span.doc, span.root
    lefts = [t for t in root.lefts if t.i < span.start and t.dep_ in _ROLE_DEPS]
    if lefts:
        first = min(t.left_edge.i for t in lefts)
        # a title never reaches back over punctuation ("Beijing, China - Chinese President")
        for i in range(first, span.start):
            if doc[i].pos_ == "PUNCT" and doc[i].tag_ != "POS":
                first = i + 1
        while first < span.start and doc[first].pos_ in ("DET", "PUNCT"):
            first += 1
        if first < span.start and _has_noun(doc[first : span.start]):
            return doc[first : span.start]
    for child in root.rights:
        if child.dep_ == "appos" and child.i >= span.end:
            first, last = child.left_edge.i, child.right_edge.i + 1
            while first < last and doc[first].pos_ in ("DET", "PUNCT"):
                first += 1
            while last > first and doc[last - 1].pos_ == "PUNCT":
                last -= 1
            if (
                first < last
                and doc[first].ent_type_ not in ("PERSON",)
                and _has_noun(doc[first:last])
            ):
                return doc[first:last]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < span.start:
        head = root.head
        first = head.left_edge.i
        while first <= head.i and doc[first].pos_ in ("DET", "PUNCT"):
            first += 1
        return doc[first : head.i + 1]
    return None


def _has_noun(span: Any) -> bool:
    return any(t.pos_ in ("NOUN", "PROPN") for t in span)


def _clean_role(role: str) -> str:
    words = role.strip(" ,;:-–—").split()
    return " ".join(words[:_MAX_ROLE_WORDS]) if words and len(words) <= 2 * _MAX_ROLE_WORDS else ""


def _acronym(name: str) -> str:
    return "".join(
        w[0] for w in name.split() if w.casefold() not in _ACRONYM_SKIP and w[:1].isupper()
    ).upper()


def _letters(name: str) -> str:
    return "".join(ch for ch in name if ch.isalpha())


#: Legal forms and generic words after a company's name: "TMX Group Inc" is "TMX".
_COMPANY_TAIL = re.compile(
    r"(?:\s+(?:inc|plc|ltd|llc|corp|corporation|co|company|group|holdings|sa|ag|nv|se|"
    r"limited)\.?)+$",
    re.IGNORECASE,
)


def _org_key(name: str) -> str:
    return fold_name(_COMPANY_TAIL.sub("", name.strip()) or name)


def _same_actor(a: Mention, b: Mention) -> bool:
    """Two mentions of one actor: people by name and surname, others by folded name (legal
    form aside: "TMX Group Inc" / "TMX") or acronym ("European Union" / "EU")."""
    if fold_name(a.text) == fold_name(b.text) and fold_name(a.text):
        return True
    if "person" not in (a.label, b.label) and _org_key(a.text) == _org_key(b.text):
        return True  # one spelling, whatever label the recogniser gave each time
    if {a.label, b.label} <= {"person", "unknown"}:
        return same_name(a.text, b.text)
    if (a.label == "person") != (b.label == "person"):
        # the recogniser sometimes labels a bare surname ORG: it joins the person
        person, other = (a, b) if a.label == "person" else (b, a)
        return (
            len(other.text.split()) == 1
            and len(person.text.split()) > 1
            and same_name(person.text, other.text)
        )
    if fold_name(a.text) == fold_name(b.text) and fold_name(a.text):
        return True
    if a.label == "person" or b.label == "person":
        return False
    for short, long in ((a.text, b.text), (b.text, a.text)):
        letters = _letters(short)
        bare = _COMPANY_TAIL.sub("", long.strip()) or long
        if (
            2 <= len(letters) <= 6
            and letters.isupper()
            and len(long.split()) >= 2
            and letters in (_acronym(long), _acronym(bare))
        ):
            return True
    return False


def _derived(group: list[Mention], home: list[Mention]) -> bool:
    """A plural or adjective form of a one-word name in ``home`` ("Russian" / "Russia",
    "Republicans" / "Republican", "Chinese" / "China"): one word each, a long common start,
    lengths close ("Solar" is not a form of "SolarWorld")."""
    if any(m.label == "person" for m in home) or any(m.label == "person" for m in group):
        return False
    for m in group:
        for h in home:
            x, y = fold_text(m.text), fold_text(h.text)
            if x == y or len(x.split()) != 1 or len(y.split()) != 1:
                continue
            short, long = sorted((len(x), len(y)))
            common = _common_prefix(x, y)
            if common >= 4 and common >= 0.55 * short and short >= 0.6 * long:
                return True
    return False


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _form_in(form: str, words: list[str]) -> bool:
    parts = form.split()
    if not parts:
        return False
    if any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
        return True
    # an adjective in a role ("Hungarian Foreign Minister") names the state it derives from
    return len(parts) == 1 and any(
        w != parts[0]
        and _common_prefix(w, parts[0]) >= 4
        and _common_prefix(w, parts[0]) >= 0.55 * min(len(w), len(parts[0]))
        for w in words
    )


def _candidate(group: list[Mention]) -> Candidate:
    nouns = [m for m in group if not m.adjective] or group
    votes: dict[CandidateLabel, int] = {}
    for m in nouns:
        # a recognised entity outvotes the parser's proper-noun runs
        weight = (2 if len(m.text.split()) > 1 else 1) * (1 if m.label == "unknown" else 3)
        votes[m.label] = votes.get(m.label, 0) + weight
    label = max(votes, key=lambda k: votes[k])
    # a state or organisation is named by its proper name, not by its people ("Hungarians")
    named = [m for m in nouns if m.label in (label, "unknown")] or nouns
    name = max((m.text for m in named), key=lambda t: (len(fold_name(t).split()), len(t)))
    role = next((m.role for m in sorted(nouns, key=lambda m: -len(m.role)) if m.role), "")
    forms = list(dict.fromkeys(m.text for m in group if fold_text(m.text) != fold_text(name)))
    return Candidate(
        name=name,
        label=label,
        role=role,
        forms=forms,
        mentions=sorted((m.start, m.end) for m in group),
        affiliations=list(dict.fromkeys(a for m in group for a in m.affiliations)),
    )
