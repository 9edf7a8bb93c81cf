"""Reading versions: named sets of the reading layer's levers, frozen once released.

A prompt version that reads with ``reading.v1`` must get the same reading for as long as it
is used, or its recorded runs stop being comparable with new ones. So a change to the
reading layer is a lever here, off in every released version and on in a new one (as
spacy-llm registers ``spacy.NER.v3`` beside ``v2``);
``tests/summarize/reading/test_reading_versions.py`` pins what each released version reads
on the fixture articles. Each lever can be switched
on alone, which is how its effect is measured (``benchmarks/bench_reading.py --lever``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ReadingOptions(BaseModel):
    """The levers of the reading layer; all off is ``reading.v1``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: A name joined by hyphens is one name ("Anti-Corruption Bill", not "Anti").
    hyphen_names: bool = False
    #: A name broken over a line of hard-wrapped copy ("Ministry of International Trade
    #: and\nIndustry") is one name, written on one line.
    wrapped_names: bool = False
    #: A capitalised word that is a common noun ("Dock workers", "Lawyer Ann Lee") is no
    #: name, nor part of one: the sentence is parsed again with the word in lower case.
    common_nouns: bool = False
    #: Singular and plural of one name ("Democrat", "Democrats") are one candidate.
    plurals: bool = False
    #: Laws, bills, programmes and reports (by their head noun) are no parties.
    works: bool = False
    #: Countries are states; a capital speaks for its state; other places are no parties.
    places: bool = False
    #: A platform named as the medium ("wrote on X", "on his Instagram page") is no party.
    media: bool = False
    #: The dateline's words ("Bejing, China - ") name no party and no speaker.
    datelines: bool = False
    #: Date words also where a month follows a preposition ("in April", "since late April")
    #: or a period is relative to the date before ("the following month").
    date_words: bool = False
    #: Statements found clause by clause: relays, relative clauses, passives, stance verbs
    #: without speech, nominal claims; several possible holders are kept as options.
    statements: bool = False
    #: Long organisation names the small recogniser cuts or misreads are whole: a run of
    #: proper nouns goes on over a plural possessive ("Boat Dwellers' Association", not
    #: "Boat Dwellers" and "Association"), and a "work of art" whose head names no work is
    #: offered as a name of unknown kind, for the model to judge.
    long_names: bool = False


READINGS: dict[str, ReadingOptions] = {
    "reading.v1": ReadingOptions(),
    # every lever up to ``statements``; summary/v9 reads with it
    "reading.v2": ReadingOptions(
        **{name: True for name in ReadingOptions.model_fields if name != "long_names"}
    ),
    # every lever; summary/v10 reads with it
    "reading.v3": ReadingOptions(**{name: True for name in ReadingOptions.model_fields}),
}
#: The reading used when a prompt version names none.
DEFAULT_READING = "reading.v1"


def reading_options(name: str) -> ReadingOptions:
    """The options of a registered reading version (KeyError names the known ones)."""
    try:
        return READINGS[name]
    except KeyError:
        raise KeyError(f"unknown reading version {name!r}; known: {sorted(READINGS)}") from None


__all__ = ["DEFAULT_READING", "READINGS", "ReadingOptions", "reading_options"]
