"""Countries, capitals and places: which named places are parties of a story.

The annotation guide makes a state a party and its capital an alias of it when the capital
speaks for the government ("Beijing said" is China); a city the story only happens in is no
party, and a country is never an organisation. Which names are countries and which cities
are their capitals is general knowledge, read from the ``countryinfo`` package (names,
other spellings, capitals, demonyms of 250 countries), not a list fitted to any article. How
a place is used is read from the parse: the subject of a verb acts, the object of "in" or
"at" is where something happens, the object of "on" after "wrote" is a medium.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from summarize.core.names import fold_text
from summarize.core.reading import Candidate
from summarize.reading.lexicon import is_english_word

#: Prepositions whose object is where something happens, not who takes part ("talks in
#: Geneva", "a blast at Homs"); "to", "from" and "with" are left out: "aid to Ukraine".
LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "across",
        "throughout",
        "inside",
        "outside",
        "around",
        "within",
        "into",
        "onto",
        "via",
    }
)
#: Verbs after which "on X" names the medium of a statement ("wrote on X").
#: Verbs whose object is whom a speaker addressed ("told Reuters").
_TELLING = frozenset("tell inform brief".split())
_MEDIUM_VERBS = frozenset(
    """
say write post tweet publish share announce tell state add comment report broadcast air
appear speak declare reply respond
""".split()
)
#: Nouns for those who speak or act for a place ("officials in X", "authorities in X").
_GOVERNMENT = frozenset(
    """
official government administration authority leader minister diplomat lawmaker politician
legislator embassy regime spokesman spokeswoman spokesperson
""".split()
)
#: Nouns of a medium ("his Instagram page", "her X account").
_MEDIUM_NOUNS = frozenset("page account feed channel post profile site website blog".split())
#: Conventional short names that the country data leaves out.
_SHORT_NAMES = {"britain": "United Kingdom", "america": "United States", "holland": "Netherlands"}
#: Country abbreviations English news prints ("US", "U.S.", "UK"); ISO codes in general
#: are not names in prose.
_CODES = {
    "US": "United States",
    "USA": "United States",
    "UK": "United Kingdom",
    "UAE": "United Arab Emirates",
    "DRC": "Democratic Republic of the Congo",
    "PRC": "China",
    "DPRK": "North Korea",
    "ROK": "South Korea",
}
_ABBREVIATED = re.compile(r"\s+(?:D\.?\s?C\.?|City)$")


class Gazetteer:
    """Countries by every name the data gives, and capitals to their states."""

    def __init__(self) -> None:
        from countryinfo import CountryInfo

        self._states: dict[str, str] = {}
        self._capitals: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        for data in CountryInfo.all().values():
            name = data.get("name")
            if not name or not data.get("ISO"):
                continue
            for form in [name, *data.get("altSpellings", [])]:
                if form and form.isascii() and (len(form) > 3 or not form.isupper()):
                    self._states.setdefault(_key(form), name)  # codes: see _CODES
            capitals = data.get("capital") or []
            for capital in [capitals] if isinstance(capitals, str) else capitals:
                for form in {capital, _ABBREVIATED.sub("", capital)}:
                    if form and _key(form) not in self._states:
                        self._capitals.setdefault(_key(form), name)
        for short, name in _SHORT_NAMES.items():
            self._states.setdefault(short, name)
        for code, name in _CODES.items():
            self._codes[code] = name

    def state(self, name: str) -> str | None:
        """The country ``name`` names ("US", "U.S.", "the United States" -> United States).

        ISO codes are not names in prose ("MP", "MR" would make an MP and "Mr." states):
        only the abbreviations English news writes (:data:`_CODES`) count, in capitals.
        """
        bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
        letters = "".join(ch for ch in bare if ch.isalpha())
        if letters.isupper() and len(letters) <= 4 and len(bare.split()) == 1:
            return self._codes.get(letters)
        return self._states.get(_key(name))

    def capital_of(self, name: str) -> str | None:
        """The country whose capital ``name`` is ("Beijing" -> China)."""
        return self._capitals.get(_key(name))


def _key(name: str) -> str:
    folded = fold_text(re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE))
    letters = folded.replace(" ", "")
    # "U.S." and "US", "U.K." and "UK": an acronym is its letters
    return letters if len(letters) <= 4 and len(folded.split()) == len(letters) else folded


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer of the process (about 0.1 s to build)."""
    return Gazetteer()


def usage(doc: Any, start: int, end: int) -> str:
    """How the mention at ``start:end`` is used: "acts" (a subject, an agent, an owner),
    "place" (where something happens), "medium" (where something was written), "audience"
    (whom a speaker told) or "other"."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "other"
    root = span.root
    while (
        root.dep_ in ("compound", "nmod", "amod")
        and root.head is not root
        and (root.head.pos_ in ("NOUN", "PROPN"))
    ):
        if root.head.lower_ in _MEDIUM_NOUNS:
            root = root.head
            break
        if root.head.pos_ == "PROPN":
            root = root.head
            continue
        break
    if root.dep_ in ("nsubj", "nsubjpass", "csubj", "poss"):
        return "acts"
    head = root.head
    if root.dep_ in ("dobj", "dative") and head.lemma_.lower() in _TELLING:
        return "audience"  # "he told Reuters": whom a speaker addressed
    if root.dep_ == "pobj" and head.lower_ == "with" and head.head.lemma_.lower() == "interview":
        return "audience"  # "in an interview with Reuters"
    if root.dep_ == "pobj":
        prep = head.lower_
        verb = head.head
        if prep in ("on", "via") and verb.lemma_.lower() in _MEDIUM_VERBS:
            return "medium"
        if prep in ("by", "to") and head.dep_ == "agent":
            return "acts"
        if prep == "to" and verb.lower_ == "according":
            return "acts"
        if prep in LOCATIVE_PREPS and verb.lemma_.lower() in _GOVERNMENT:
            return "acts"  # "officials in the United States": its government
        if prep in LOCATIVE_PREPS:
            return "place"
    if (
        root.dep_ in ("appos", "npadvmod")
        and head.dep_ == "pobj"
        and (head.head.lower_ in LOCATIVE_PREPS)
    ):
        return "place"  # "in Amman, Jordan"
    return "other"


def settle_places(
    doc: Any, candidates: list[Candidate], *, places: bool, media: bool
) -> list[Candidate]:
    """Candidates with places and media settled.

    With ``places``: a country is a state whatever the recogniser said (and no party when
    every mention only says where something happens); a capital that acts
    in the story becomes a form of its state ("Beijing said" -> China, merged with China
    when the article names it); any other place named by the recogniser (a city, a region,
    a capital only used as a place) is dropped unless it acts. With ``media``: a name only
    ever used as the medium of a statement ("wrote on his Instagram page") is dropped, and
    so is an organisation only ever addressed ("he told Reuters", "in an interview with").
    """
    gaz = gazetteer()
    kept: list[Candidate] = []
    for candidate in candidates:
        uses = [usage(doc, a, b) for a, b in candidate.mentions]
        if media and uses and all(u == "medium" for u in uses):
            continue
        if (
            media
            and candidate.label == "organization"
            and uses
            and all(u in ("medium", "audience") for u in uses)
        ):
            continue  # an outlet only ever told things ("he told Reuters") is no party
        if not places:
            kept.append(candidate)
            continue
        country = (
            next((gaz.state(n) for n in candidate.names if gaz.state(n)), None)
            if candidate.label in ("state", "organization", "unknown")
            else None
        )
        if country is not None:
            if uses and all(u == "place" for u in uses):
                continue  # "embassies in Kenya": a country only ever where things happen
            kept.append(candidate.model_copy(update={"label": "state"}))
            continue
        capital = next((gaz.capital_of(n) for n in candidate.names if gaz.capital_of(n)), None)
        acts = "acts" in uses
        if capital is not None and acts and candidate.label in ("state", "unknown"):
            kept.append(
                candidate.model_copy(
                    update={
                        "name": capital,
                        "label": "state",
                        "forms": list(dict.fromkeys([candidate.name, *candidate.forms])),
                    }
                )
            )
            continue
        if candidate.label == "state" and not acts:
            continue  # a city or region the story happens in
        if (
            candidate.label == "state"
            and len(candidate.name.split()) == 1
            and (is_english_word(candidate.name))
        ):
            continue  # "Concerns": a common word the recogniser took for a place
        kept.append(candidate)
    return _merge_same_state(kept) if places else kept


def _merge_same_state(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per country: "Beijing" (acting) joins "China"."""
    gaz = gazetteer()
    out: list[Candidate] = []
    by_state: dict[str, Candidate] = {}
    for candidate in candidates:
        state = gaz.state(candidate.name) if candidate.label == "state" else None
        home = by_state.get(state) if state else None
        if home is None:
            out.append(candidate)
            if state:
                by_state[state] = candidate
            continue
        home.forms = list(
            dict.fromkeys(
                [*home.forms, *(n for n in candidate.names if fold_text(n) != fold_text(home.name))]
            )
        )
        home.mentions = sorted({*home.mentions, *candidate.mentions})
        home.affiliations = list(dict.fromkeys([*home.affiliations, *candidate.affiliations]))
    return out


__all__ = ["LOCATIVE_PREPS", "Gazetteer", "gazetteer", "settle_places", "usage"]
