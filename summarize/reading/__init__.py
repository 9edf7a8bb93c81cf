"""The reading layer: spaCy reads the article, so the model is asked only for judgement.

:func:`read_article` gives one :class:`~summarize.core.reading.Reading` per text: the one
sentence segmentation that grounding, chunking and the statement list share; the party
candidates from named entities; and the attributed statements. English text goes through
the English pipeline; text in another language through the documented fallback (a rule
sentencizer and capitalised names, no attributions), since no multilingual parser ships
with the project.
"""

from __future__ import annotations

from functools import lru_cache

from summarize.core.reading import Candidate, Reading
from summarize.defence import untrusted_spans
from summarize.reading.checklists import candidate_groups
from summarize.reading.options import DEFAULT_READING, READINGS, ReadingOptions, reading_options
from summarize.text.dates import dateline_span
from summarize.text.nlp import MAX_PARSE_CHARS, looks_english, parse
from summarize.text.sentences import rule_sentence_spans, sentence_spans

__all__ = [
    "DEFAULT_READING",
    "READINGS",
    "ReadingOptions",
    "event_clause",
    "figures",
    "looks_english",
    "read_article",
    "reading_options",
    "rule_sentence_spans",
    "sentence_spans",
    "speaks_of_future",
]


def read_article(text: str, options: ReadingOptions | None = None) -> Reading:
    """Sentences, party candidates and attributed statements of ``text`` (cached), read
    with the levers of ``options`` (``reading.v1`` when None)."""
    return _read(text, options or READINGS[DEFAULT_READING])


def speaks_of_future(text: str, offset: int) -> bool:
    """True when the clause around ``offset`` speaks of what is still to come: its verb has
    "will"/"shall" or is "due/set/expected/scheduled to", or is in the present tense ("the
    strike begins on Monday"). English text only; False elsewhere."""
    if not looks_english(text) or len(text) > MAX_PARSE_CHARS:
        return False
    doc = parse(text)
    token = next((t for t in doc if t.idx <= offset < t.idx + len(t.text) + 1), None)
    seen = 0
    while token is not None and token.pos_ not in ("VERB", "AUX") and seen < 6:
        token, seen = (token.head if token.head is not token else None), seen + 1
    if token is None:
        return False
    words = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
    if words & {"will", "shall", "'ll", "wo"}:
        return True
    if token.lower_ == "to" or "to" in words:
        head = token.head
        return head.lemma_.lower() in ("due", "set", "expect", "schedule", "plan", "go")
    return token.tag_ in ("VBZ", "VBP") and not words & {"has", "have", "had", "did", "was"}


def event_clause(text: str, start: int, end: int, limit: int = 10) -> str | None:
    """What a date at ``start:end`` dates, in the words of its sentence: the clause the date
    belongs to, from its subject to its object, without the date words and cut to ``limit``
    words ("Chinese President Xi Jinping told Hungarian Prime Minister Viktor Orban" for
    "on Monday"); None when the date governs no verb (a list, a heading). English only."""
    if not looks_english(text) or len(text) > MAX_PARSE_CHARS:
        return None
    from summarize.text.dates import publication_spans

    doc = parse(text)
    sentence = next(
        ((a, b) for a, b in _read(text, READINGS[DEFAULT_READING]).sentences if a <= start < b),
        None,
    )
    if sentence is None:
        return None
    lo = max([sentence[0], *(b for _, b in publication_spans(text) if b <= start)])
    dateline = dateline_span(text)
    if dateline is not None and dateline[1] <= start:
        lo = max(lo, dateline[1])
    token = next((t for t in doc if t.idx <= start < t.idx + len(t.text) + 1), None)
    seen = 0
    while token is not None and token.pos_ not in ("VERB", "AUX") and seen < 6:
        token, seen = (token.head if token.head is not token else None), seen + 1
    if token is None or token.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    first = subject.left_edge.i if subject is not None else token.i
    if subject is None and token.dep_ in ("acl", "relcl") and token.head.i < token.i:
        first = token.head.left_edge.i  # "the run-off election held on November 21"
    last = token.i
    for child in token.children:
        if child.dep_ in ("dobj", "attr", "xcomp", "acomp", "dative", "prt") and child.i > last:
            last = child.right_edge.i
    words = [
        t
        for t in doc[first : last + 1]
        if lo <= t.idx < sentence[1] and not (start <= t.idx < end) and not t.is_space
    ]
    while words and (words[0].is_punct or words[0].pos_ in ("CCONJ", "SCONJ", "ADP")):
        words.pop(0)
    words = words[:limit]
    while words and (
        words[-1].is_punct
        or words[-1].pos_ in ("DET", "ADP", "CCONJ", "SCONJ", "PART", "PRON", "AUX")
    ):
        words.pop()
    if len(words) < 2:  # the words before the date in its sentence, from the last comma
        before = [t for t in doc if lo <= t.idx < start and t.idx >= sentence[0] and not t.is_space]
        cut = max((i for i, t in enumerate(before) if t.text in (",", ";", ":")), default=-1)
        words = [t for t in before[cut + 1 :] if not t.is_punct][-limit:]
        while words and words[-1].pos_ in ("ADP", "DET", "CCONJ", "SCONJ", "PART"):
            words.pop()
        if len(words) < 2:
            return None
    out = ""
    for t in words:
        out += t.text + t.whitespace_
    return " ".join(out.split()).strip(' ,;:-–—"“”')


#: Entity labels that state a checkable figure (a count, an amount, a share, a measure).
FIGURE_LABELS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")


def figures(text: str, start: int, end: int) -> list[tuple[str, str, str]]:
    """(figure as written, the noun it counts, entity label) for every figure in
    ``text[start:end]``.

    From the parse's entities ("1,000 troops" -> ("1,000", "troop", "CARDINAL")); the noun
    is the lemma of the figure's head when the figure modifies one, so two sources counting
    the same thing can be compared; else the figure's own lemma. English text only; an
    empty list elsewhere.
    """
    if not looks_english(text) or len(text) > MAX_PARSE_CHARS:
        return []
    out = []
    for ent in parse(text).ents:
        if ent.label_ in FIGURE_LABELS and start <= ent.start_char and ent.end_char <= end:
            head = ent.root.head if ent.root.dep_ == "nummod" else ent.root
            out.append((ent.text, head.lemma_.lower(), ent.label_))
    return out


@lru_cache(maxsize=16)
def _read(text: str, options: ReadingOptions) -> Reading:
    if not looks_english(text) or len(text) > MAX_PARSE_CHARS:
        return _fallback(text)
    from summarize.reading.attribution import attribute
    from summarize.reading.entities import find_mentions, group_mentions, resolve_affiliations

    doc = parse(text)
    skip = untrusted_spans(text)
    named_skip = list(skip)
    if options.datelines and (dateline := dateline_span(text)) is not None:
        named_skip.append(dateline)
    if options.places or options.media:
        from summarize.reading.entities import MAX_CANDIDATES
        from summarize.reading.places import settle_places

        # places are settled before the cut, so cities named often crowd out no actor
        candidates = group_mentions(
            find_mentions(doc, named_skip, options), text, limit=None, options=options
        )
        candidates = settle_places(doc, candidates, places=options.places, media=options.media)[
            :MAX_CANDIDATES
        ]
    else:
        candidates = group_mentions(find_mentions(doc, named_skip, options), text, options=options)
    resolve_affiliations(candidates)
    owner = _token_owner(doc, candidates)
    if not options.statements:
        attributions = attribute(doc, candidates, owner, skip)
        return Reading(
            language="en",
            sentences=sentence_spans(text),
            candidates=candidates,
            attributions=attributions,
            date_mentions=_date_mentions(text, options),
        )
    from summarize.reading.statements import as_attributions, find_conflicts, find_statements

    sentences = sentence_spans(text)
    statements = find_statements(doc, candidates, owner, skip, sentences)
    return Reading(
        language="en",
        sentences=sentences,
        candidates=candidates,
        attributions=as_attributions(statements, candidates),
        statements=statements,
        date_mentions=_date_mentions(text, options),
        conflicts=find_conflicts(doc, sentences),
    )


def _date_mentions(text: str, options: ReadingOptions) -> list[tuple[int, int, str]]:
    if not options.date_words:
        return []
    from summarize.text.dates import find_date_mentions, publication_spans

    lines = publication_spans(text)
    return [
        (a, b, w)
        for a, b, w in find_date_mentions(text, extended=True)
        if not any(a < e and s < b for s, e in lines)
    ]


def _fallback(text: str) -> Reading:
    """Sentences by rule and candidates from capitalised names, for non-English text."""
    candidates = [
        Candidate(
            name=g.name, label="unknown", role=g.role, forms=[f for f in g.forms if f != g.name]
        )
        for g in candidate_groups(text)
    ]
    return Reading(language="xx", sentences=rule_sentence_spans(text), candidates=candidates)


def _token_owner(doc, candidates: list[Candidate]) -> dict[int, str]:
    """Token index -> the candidate whose mention covers the token."""
    owner: dict[int, str] = {}
    for candidate in candidates:
        for start, end in candidate.mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for token in span:
                    owner.setdefault(token.i, candidate.name)
    return owner
