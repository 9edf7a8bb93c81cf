"""Name folding shared by validation, merging and evaluation.

Predictions, gold and the article itself spell the same party differently: "Viktor Orbán",
"Orban", the mangled "Orbn" of a scraped page, "President Xi Jinping", "Mr. Orbn". Every
component that decides whether two names are the same party goes through :func:`fold_name`
so that the rule is stated once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Titles and honorifics that articles put in front of names; they say nothing about identity.
_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "president",
    "prime",
    "minister",
    "premier",
    "chancellor",
    "chairman",
    "chairwoman",
    "secretary",
    "general",
    "leader",
    "king",
    "queen",
    "prince",
    "pope",
    "sen",
    "senator",
    "rep",
    "gov",
    "governor",
    "vice",
    "foreign",
    "state",
    "deputy",
    "us",
    "u.s.",
    "uk",
    "u.k.",
    "eu",
    "the",
    "spokesman",
    "spokeswoman",
    "mayor",
}
# A nationality or regional adjective ("Hungarian", "Chinese", "Turkish", "Israeli"): by
# its form, not from a list, so a nationality no article so far used is one too.
_DEMONYM = re.compile(r"^[a-z]+(?:ian|ean|ese|ish|an|ic|i)$")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def strip_diacritics(text: str) -> str:
    """ "Orbán" -> "Orban": decompose and drop combining marks; other characters are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_text(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form of any short text."""
    folded = strip_diacritics(text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def fold_name(name: str) -> str:
    """A party name reduced to what identifies it: no titles, case, diacritics or punctuation.

    Titles are removed only in front of what still reads as a proper name (see
    :func:`split_title`): "President Xi Jinping" -> "xi jinping", but "Hungarian government"
    stays "hungarian government" and never collides with "Chinese government".
    """
    return fold_text(split_title(name)[1])


def same_name(a: str, b: str, *, persons: bool = True) -> bool:
    """True when two names plausibly denote the same party.

    Equal folded forms match; so do forms whose consonant skeletons agree when both have at
    least three consonants and the same first letter (mangled diacritics: "Orbn" /
    "Orbán"). A full name and its surname ("Viktor Orban" / "Orban", "President Xi" / "Xi
    Jinping") match only with ``persons``: one word of a state's or an organisation's
    name is another party ("Sudan" / "South Sudan", "China" / "Republic of China"), so for
    those (``persons=False``) only a legal form may differ ("Caterpillar" / "Caterpillar
    Inc").
    """
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    ta, tb = fa.split(), fb.split()
    if not persons:
        ta, tb = _without_legal_form(ta), _without_legal_form(tb)
        return (
            bool(ta)
            and len(ta) == len(tb)
            and all(_token_match(x, y) for x, y in zip(ta, tb, strict=True))
        )
    # A one-word name against the surname of a multi-word name: the last word ("Orban" for
    # "Viktor Orban"), or the first of a two-word name where the family name comes first
    # ("Xi" for "Xi Jinping").
    for one, many in ((ta, tb), (tb, ta)):
        if (
            len(one) == 1
            and len(many) > 1
            and (_token_match(one[0], many[-1]) or (len(many) == 2 and one[0] == many[0]))
        ):
            return True
    return len(ta) == len(tb) and all(_token_match(x, y) for x, y in zip(ta, tb, strict=True))


def resolve_name(name: str, parties: Sequence[tuple[Sequence[str], bool]]) -> int | None:
    """The index of the party in ``parties`` (each its names and whether it is a person)
    that ``name`` refers to: an exact folded name first, so "Smith" in a part that had "Jane
    Smith" does not slide to an earlier "John Smith"; then :func:`same_name`, by surname for
    people only. None when no party goes by that name."""
    folded = fold_name(name)
    for i, (names, _) in enumerate(parties):
        if any(fold_name(n) == folded for n in names):
            return i
    for i, (names, person) in enumerate(parties):
        if any(same_name(name, n, persons=person) for n in names):
            return i
    return None


#: Words of a company's legal form, which every register treats as no part of its identity.
_LEGAL_FORMS = frozenset(
    "inc incorporated corp corporation co company ltd limited plc llc lp ag sa nv se gmbh".split()
)


def _without_legal_form(words: list[str]) -> list[str]:
    """An organisation's name without its trailing legal form ("caterpillar inc")."""
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words = words[:-1]
    return words


def _token_match(x: str, y: str) -> bool:
    """Equal words, or one that a scraper mangled by dropping a letter or two ("Orbn" for
    "Orbán"): the shorter is the longer with up to two letters left out. A different
    letter in the same place ("Biden" / "Baden", "Merkel" / "Markel") is another name."""
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    if len(short) < 3 or not 1 <= len(long) - len(short) <= 2 or short[0] != long[0]:
        return False
    if re.sub(r"[aeiouy]", "", short) != re.sub(r"[aeiouy]", "", long):
        return False  # only vowels go missing ("Orbán" -> "Orbn")
    letters = iter(long)
    return all(ch in letters for ch in short)


# Words that open a title in front of a name ("Hungarian Prime Minister Viktor Orban").
_TITLE_WORDS = _TITLES | {
    "french",
    "dutch",
    "greek",
    "swiss",
    "thai",
    "welsh",
    "commission",
    "national",
    "security",
    "council",
    "former",
    "acting",
    "top",
    "chief",
    "head",
    "spokesperson",
    "ambassador",
    "envoy",
    "official",
    "dictator",
    "mr.",
    "mrs.",
    "dr.",
    # ordinary English titles of office and rank (no article's names)
    "councillor",
    "councilor",
    "councilman",
    "councilwoman",
    "shadow",
    "home",
    "interior",
    "finance",
    "defence",
    "defense",
    "justice",
    "health",
    "trade",
    "attorney",
    "executive",
    "officer",
    "director",
    "commissioner",
    "judge",
    "lieutenant",
    "colonel",
    "captain",
    "sergeant",
    "major",
    "inspector",
    "detective",
    "professor",
    "prof",
    "prof.",
    "bishop",
    "cardinal",
    "archbishop",
    "rabbi",
    "imam",
    "congressman",
    "congresswoman",
    "representative",
    "lord",
    "lady",
    "baroness",
    "baron",
    "dame",
    "mp",
    "mep",
    "ceo",
    "economy",
    "education",
    "energy",
    "labour",
    "labor",
    "transport",
    "environment",
    "agriculture",
    "culture",
    "industry",
    "treasury",
    "opposition",
    "party",
    "deputy",
    "assistant",
    "associate",
    "managing",
    "founder",
    "co-founder",
    "president-elect",
    "speaker",
    "whip",
    "sheriff",
    "marshal",
    "admiral",
    "superintendent",
    "adviser",
    "advisor",
    "political",
    "reverend",
    "honour",
    "honor",
    "his",
    "her",
}


_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "mr.", "mrs.", "ms.", "dr."}
_PERSON_TITLES = _HONORIFICS | {
    "councillor",
    "councilor",
    "councilman",
    "councilwoman",
    "commissioner",
    "judge",
    "professor",
    "bishop",
    "cardinal",
    "archbishop",
    "rabbi",
    "imam",
    "congressman",
    "congresswoman",
    "representative",
    "lord",
    "lady",
    "dame",
    "sheriff",
    "detective",
    "inspector",
    "captain",
    "colonel",
    "lieutenant",
    "sergeant",
    "admiral",
    "director",
    "officer",
    "executive",
    "ceo",
    "chief",
    "speaker",
    "president",
    "minister",
    "premier",
    "chancellor",
    "king",
    "queen",
    "pope",
    "senator",
    "governor",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "dictator",
    "ambassador",
    "envoy",
    "chairman",
    "chairwoman",
    "mayor",
}
_PARTICLES = {"von", "van", "der", "de", "da", "del", "la", "le", "bin", "al", "el"}


def _title_word(word: str) -> bool:
    folded = word.casefold().strip(",")
    return folded in _TITLE_WORDS | _HONORIFICS or bool(_DEMONYM.match(folded))


def is_person_title(title: str) -> bool:
    """True when a title can only belong to a person ("President", "Mr.", "Chief Executive")."""
    words = title.casefold().strip(",. ").split()
    return bool(words) and words[-1].strip(",.") in _PERSON_TITLES


def is_title_only(name: str) -> bool:
    """True for a title with no name ("President", "Chief Executive", "Home Secretary")."""
    words = [w.casefold().strip(",.") for w in name.split()]
    return bool(words) and all(
        w in _TITLE_WORDS | _HONORIFICS | _PARTICLES | {"of", "the"} for w in words
    )


def split_title(name: str) -> tuple[str, str]:
    """("Hungarian Prime Minister", "Viktor Orban") from "Hungarian Prime Minister Viktor Orban".

    The longest run of leading title words is split off when what remains still reads as a
    proper name: capitalised words (name particles such as "von der" allowed), at least two
    of them unless a person's title precedes ("Mr. Orbn", "President Xi"), and not only
    title words. So
    "European Union", "Chinese state broadcaster CCTV" and "Hungarian Foreign Minister" stay
    whole.
    """
    words = name.split()
    for cut in range(len(words) - 1, 0, -1):
        head, rest = words[:cut], words[cut:]
        # a nationality may open a title ("Hungarian Prime Minister") but never end one, so
        # "Brian Adam Smith" keeps its first name
        last = head[-1].casefold().strip(",")
        if not all(_title_word(w) for w in head) or last not in _TITLE_WORDS | _HONORIFICS:
            continue
        if not all(w[:1].isupper() or w in _PARTICLES for w in rest):
            continue
        if all(w.casefold() in _TITLE_WORDS for w in rest):
            continue
        if len(rest) < 2 and head[-1].casefold() not in _PERSON_TITLES:
            continue
        return " ".join(head), " ".join(rest)
    return "", name.strip()
