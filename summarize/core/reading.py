"""What the reading layer found in an article, before any model is asked anything.

A parser does reliably what a 1.5B model does badly: find who is named, under which forms
and titles, and who says what about whom. These shapes carry those findings to the passes
that ask the model only for judgement (is this candidate a party, what is the stance). They
know nothing of spaCy, so the pipeline and tests can build them by hand.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

#: The party kind an entity label suggests; "unknown" for a name the fallback path found
#: without an entity recogniser (the model then chooses among every kind).
CandidateLabel = Literal["person", "organization", "state", "group", "unknown"]

#: How a statement was attributed: direct or reported speech, "according to X", or a
#: verb that sets the speaker against someone ("accused", "urged", "criticised").
AttributionMode = Literal["speech", "according", "targeted", "quoted"]


class Candidate(BaseModel):
    """One actor the article names, with every form it is named under.

    ``name`` is the fullest form without a title; ``forms`` every other way the article
    prints it (surname, acronym, "Ms X", an adjective of a group); ``role`` the title or
    apposition that came with a mention ("Deputy Prime Minister"); ``affiliations`` the
    names of other candidates this one speaks or works for ("spokesman for the ministry"),
    so that a speaker is never set against his own side.
    """

    name: str
    label: CandidateLabel
    role: str = ""
    forms: list[str] = Field(default_factory=list)
    mentions: list[tuple[int, int]] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    speaks: int = 0

    @property
    def names(self) -> list[str]:
        return [self.name, *self.forms]

    def allied_with(self, other: Candidate) -> bool:
        """True when one speaks or works for the other ("Kirby, spokesman for the US")."""
        return other.name in self.affiliations or self.name in other.affiliations


class Attribution(BaseModel):
    """A sentence that reports what a party says or wants, with who says it about whom.

    ``start``/``end`` are the sentence's offsets in the article; ``speaker`` and ``target``
    are candidate names (``target`` the party the speaker accuses, urges or criticises);
    ``resolved`` is True when the speaker was a pronoun or a description ("the minister")
    resolved to the last named candidate that fits.
    """

    start: int
    end: int
    speaker: str
    target: str | None = None
    cue: str
    mode: AttributionMode
    resolved: bool = False


#: What made a clause a statement: speech ("X said"), a stance without speech ("X refused
#: to", "X approved"), "according to X", a relay ("X quoted Y as saying", "X said in a
#: readout: 'Y stressed ...'" -- the position is Y's), or a noun ("claims by X that").
StatementKind = Literal["speech", "stance", "according", "relay", "nominal"]


class Statement(BaseModel):
    """One clause that reports what a party says, wants, decides or does about something.

    ``start``/``end`` are its sentence (the evidence); ``holder`` the candidate code credits
    with it, or None when code could not tell; ``options`` the candidates code offers the
    model when it is unsure (a pronoun two people fit, a description, a relay), code's own
    guess first; ``content`` the words that carry the position (the complement clause, the
    object of the stance verb, the quotation) and ``topic`` what it is about, both as
    offsets into the article, so that topic and stance are the article's own words;
    ``target`` the party the statement is aimed at; ``negated`` a "not" on the cue;
    ``relayed_by`` the outlet that relays the holder's words.
    """

    start: int
    end: int
    cue: str
    kind: StatementKind
    holder: str | None = None
    options: list[str] = Field(default_factory=list)
    content: tuple[int, int] | None = None
    topic: tuple[int, int] | None = None
    target: str | None = None
    negated: bool = False
    relayed_by: str | None = None


class Reading(BaseModel):
    """The reading layer's result for one text: its sentences, candidates and statements.

    ``language`` is "en" when the English pipeline read the text; any other value means the
    fallback path read it (sentences and capitalised names only, no attributions).
    """

    language: str
    sentences: list[tuple[int, int]]
    candidates: list[Candidate] = Field(default_factory=list)
    attributions: list[Attribution] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    #: (start, end, words) of every date reference, publication lines left out (filled by
    #: readings with the ``date_words`` lever; empty otherwise).
    date_mentions: list[tuple[int, int, str]] = Field(default_factory=list)
    #: (start, end) of every noun phrase that names a conflict ("the dispute over pay"), in
    #: text order (filled by readings with the ``statements`` lever; empty otherwise).
    conflicts: list[tuple[int, int]] = Field(default_factory=list)

    def candidate(self, name: str) -> Candidate | None:
        return next((c for c in self.candidates if c.name == name), None)

    def allied(self, a: str, b: str) -> bool:
        """True when candidates ``a`` and ``b`` are on one side (see ``allied_with``)."""
        ca, cb = self.candidate(a), self.candidate(b)
        return ca is not None and cb is not None and ca.allied_with(cb)
