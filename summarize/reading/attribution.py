"""Who says what about whom, from the dependency parse.

For each sentence that reports speech or stance, the speaker is the subject of the
reporting verb ("X said", "X warned"), the object of "according to", or the one quoted in
"X quoted Y as saying" (Y, not the outlet that relays him); the target is the object of a
verb that sets the speaker against someone ("X accused Y", "X urged Y to", "X criticised
Y's plan"). A pronoun or a description ("he", "the minister", "the company") resolves to
the last named candidate that fits. The verbs below are the ordinary English reporting
verbs, not words taken from any article.
"""

from __future__ import annotations

from typing import Any

from summarize.core.names import fold_text
from summarize.core.reading import Attribution, AttributionMode, Candidate, CandidateLabel

#: Verbs that report what someone says, thinks or announces.
SPEECH_VERBS = frozenset(
    """
say tell state add note explain write announce claim insist argue warn stress emphasise
emphasize deny confirm acknowledge admit declare comment reply respond suggest predict vow
pledge promise threaten believe think hope fear complain report reiterate assert maintain
describe express mention recall signal indicate estimate expect caution contend testify
opine allege recommend propose request complain plan intend vote
""".split()
)
#: Verbs that set the speaker for or against someone or something (the object is the target).
TARGETED_VERBS = frozenset(
    """
accuse urge criticise criticize condemn blame call ask demand press reject oppose support
back endorse welcome praise slam attack sue dismiss defend thank congratulate challenge
appeal refuse want seek push protest object decry denounce question concern veto block
threaten sanction warn fault rebuke lambast berate applaud hail disagree dispute contest
""".split()
)
#: Targeted verbs that set the speaker against the target whatever the stance's wording.
AGAINST_VERBS = frozenset(
    """
accuse criticise criticize condemn blame reject oppose slam attack sue dismiss challenge
protest object decry denounce question veto block sanction fault rebuke lambast berate
dispute contest threaten disagree
""".split()
)
#: Nouns that describe a person by role ("the minister said") or an organisation by kind.
PERSON_NOUNS = frozenset(
    """
minister president spokesman spokeswoman spokesperson official leader chief secretary
senator governor lawyer attorney judge prosecutor mayor chairman chairwoman chair director
executive ceo founder premier chancellor ambassador envoy diplomat commander general
analyst economist expert professor adviser advisor aide candidate lawmaker legislator
politician representative congressman congresswoman mp king queen prince monarch pope
""".split()
)
ORG_NOUNS = frozenset(
    """
company firm ministry government court party union agency group bank department council
commission committee board administration organisation organization association
federation authority authorities regulator parliament army military police office
alliance coalition network broadcaster newspaper channel state country nation bloc
""".split()
)
#: Plural nouns for people who can speak as a group ("analysts said", "voters in Ohio ...").
PEOPLE_NOUNS = frozenset(
    """
analyst expert official observer critic resident voter supporter opponent protester
protestor demonstrator worker employee member lawmaker legislator politician diplomat
general leader economist investor shareholder activist campaigner scientist researcher
doctor teacher student parent farmer citizen challenger witness victim family rebel
militant fighter soldier police officer minister senator representative delegate
negotiator mediator prosecutor lawyer attorney judge executive director manager owner
customer consumer passenger union unionist striker ally partner neighbour neighbor
authority administrator regulator spokesman spokeswoman spokesperson source insider
""".split()
)
_PRONOUNS_PERSON = {"he", "she", "him", "her"}
_PRONOUNS_THING = {"it"}
_PRONOUNS_PLURAL = {"they", "them"}
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_TARGET_PREPS = {"on", "against", "of", "at", "over", "to", "with", "for", "by", "about"}
_QUOTE_MARKS = '"“”«»„'


def attribute(
    doc: Any, candidates: list[Candidate], token_owner: dict[int, str], skip: list[tuple[int, int]]
) -> list[Attribution]:
    """One attribution per sentence that reports a party's speech or stance, in text order.

    ``token_owner`` maps a token index to the candidate whose mention covers it.
    """
    by_name = {c.name: c for c in candidates}
    subjects = _subject_mentions(doc, token_owner)
    found: list[Attribution] = []
    for sent in doc.sents:
        if any(a <= sent.start_char < b for a, b in skip) or len(sent) < 5:
            continue
        speaker: tuple[str, str, AttributionMode, bool] | None = None
        target: str | None = None
        for token in sent:
            cue = _cue(token)
            if cue is None:
                continue
            mode, speaker_token = cue
            if _inside_quotes(token, sent):
                continue  # "we will fight", said inside a quote: the speaker is outside
            who, resolved = _resolve(
                speaker_token, candidates, token_owner, by_name, _quoted_spans(sent), subjects
            )
            if who is None and mode != "according":
                who = _speaking_group(speaker_token, candidates, token_owner, by_name)
            if who is not None and speaker is None:
                speaker = (who, token.lemma_.lower(), mode, resolved)
            if target is None and token.lemma_.lower() in TARGETED_VERBS:
                target = _target(token, candidates, token_owner, by_name)
                owner = who or (speaker[0] if speaker else None)
                if (
                    target is not None
                    and owner is not None
                    and (target == owner or by_name[owner].allied_with(by_name[target]))
                ):
                    target = None
        if speaker is None:
            continue
        who, cue_word, mode, resolved = speaker
        if target == who:
            target = None
        found.append(
            Attribution(
                start=sent.start_char,
                end=sent.end_char,
                speaker=who,
                target=target,
                cue=cue_word,
                mode=mode,
                resolved=resolved,
            )
        )
        by_name[who].speaks += 1
    found += _quoted_continuations(doc, found, skip)
    return sorted(found, key=lambda a: a.start)


def _quoted_continuations(
    doc: Any, found: list[Attribution], skip: list[tuple[int, int]]
) -> list[Attribution]:
    """Sentences of a quotation with no reporting verb of their own ("We call on him to
    return to talks.") belong to whoever the same paragraph says is speaking."""
    text = doc.text
    attributed = {a.start for a in found}
    extra: list[Attribution] = []
    for sent in doc.sents:
        start = sent.start_char
        if start in attributed or len(sent) < 5 or any(a <= start < b for a, b in skip):
            continue
        if text[start] not in _QUOTE_MARKS:
            continue
        paragraph = (text.rfind("\n", 0, start) + 1, _end_of_line(text, sent.end_char))
        owners = {
            a.speaker
            for a in found
            if paragraph[0] <= a.start < paragraph[1] and a.mode != "according"
        }
        if len(owners) == 1:  # one speaker in the paragraph: the quotation is theirs
            owner = next(a for a in found if a.speaker in owners)
            extra.append(
                Attribution(
                    start=start,
                    end=sent.end_char,
                    speaker=owner.speaker,
                    cue="quote",
                    mode="speech",
                    resolved=True,
                )
            )
    return extra


def _end_of_line(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _cue(token: Any) -> tuple[AttributionMode, Any] | None:
    """(mode, the token that names the speaker) when ``token`` reports speech or stance."""
    lemma = token.lemma_.lower()
    if token.lower_ == "according":
        for child in token.children:
            if child.lower_ == "to":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return "according", obj
        return None
    if token.pos_ not in ("VERB", "AUX", "ADJ") or (
        lemma not in SPEECH_VERBS and lemma not in TARGETED_VERBS and lemma not in ("quote", "cite")
    ):
        return None
    if lemma in ("quote", "cite"):
        obj = next((c for c in token.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None:
            return "quoted", obj
    agent = next((c for c in token.children if c.dep_ == "agent"), None)
    passive = any(c.dep_ == "nsubjpass" for c in token.children)
    if passive and agent is not None and lemma not in TARGETED_VERBS:
        obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if obj is not None:
            return "speech", obj
    if passive and lemma in TARGETED_VERBS:
        if agent is not None:
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return "targeted", obj
        return None
    subject = _subject(token)
    if subject is None:
        return None
    return ("targeted" if lemma in TARGETED_VERBS else "speech"), subject


def _subject(token: Any) -> Any | None:
    """The subject of a verb, inherited through coordination ("X met Y and said ...")."""
    seen = 0
    while token is not None and seen < 4:
        subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
        if token.dep_ in ("conj", "xcomp", "advcl", "acomp") and token.head is not token:
            token = token.head
            seen += 1
            continue
        return None
    return None


def _subject_mentions(doc: Any, owner: dict[int, str]) -> list[tuple[int, str]]:
    """(offset, candidate) of every candidate mention that is a clause's subject: a
    pronoun ("he said") refers to the last person who was the subject of a sentence before
    it rather than to one named in passing."""
    return [(t.idx, owner[t.i]) for t in doc if t.i in owner and t.dep_ in _SUBJECTS]


def _speaking_group(
    token: Any,
    candidates: list[Candidate],
    owner: dict[int, str],
    by_name: dict[str, Candidate],
    *,
    named_inside: bool = False,
    label: CandidateLabel = "group",
) -> str | None:
    """A group the article names only by a plural noun ("Analysts said", "retired generals
    urged"): it becomes a candidate of its own, named with the article's words.

    ``named_inside`` (later readings) allows a candidate inside the phrase ("voters in
    Ohio", "campaigners against the bill"), and ``label`` "person" a singular description
    that names nobody ("a senior defense official").
    """
    if label == "group" and (
        token.tag_ not in ("NNS",)
        or token.pos_ != "NOUN"
        or token.lemma_.lower() not in PEOPLE_NOUNS
    ):
        return None
    if not named_inside and any(t.i in owner for t in token.subtree):
        return None
    # the noun with its modifiers, coordinated nouns and an "in"/"of" phrase ("voters in
    # Ohio", "retired generals and senior diplomats"), never a relative clause
    keep = {token.i}
    for t in token.subtree:
        if (
            t.i < token.i
            or t.dep_ in ("conj", "cc", "amod", "compound")
            or (
                t.dep_ == "pobj"
                and t.head.dep_ == "prep"
                and t.head.head.i == token.i
                and t.head.lower_ in ("in", "of", "from")
            )
            or (t.dep_ == "prep" and t.head.i == token.i and t.lower_ in ("in", "of", "from"))
        ):
            keep.add(t.i)
    for t in list(token.subtree):
        if t.head.i in keep and t.dep_ in ("det", "amod", "compound", "poss") and t.i > token.i:
            keep.add(t.i)
    words = [t for t in token.subtree if t.i in keep]
    while (words and words[0].pos_ in ("DET", "PUNCT", "NUM")) or (
        words and words[0].lower_ in ("some", "many", "several", "other", "most", "few")
    ):
        words.pop(0)
    if not words or len(words) > 6 or any(t.pos_ == "PUNCT" for t in words):
        return None
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    name = token.doc.text[start:end]
    if name not in by_name:
        candidate = Candidate(name=name, label=label, mentions=[(start, end)])
        candidates.append(candidate)
        by_name[name] = candidate
    elif (start, end) not in by_name[name].mentions:
        by_name[name].mentions.append((start, end))
    return name


def _resolve(
    token: Any,
    candidates: list[Candidate],
    owner: dict[int, str],
    by_name: dict[str, Candidate],
    quoted: list[tuple[int, int]] | None = None,
    subjects: list[tuple[int, str]] | None = None,
) -> tuple[str | None, bool]:
    """The candidate a subject or object names: itself, one inside its phrase, or the last
    named candidate that fits a pronoun or description. Names inside the ``quoted`` spans
    are the speaker's words ("I came to meet President Xi," he said), never the speaker."""
    named = _named_in(token, owner, by_name)
    if named is not None:
        return named, False
    word = token.lower_
    before = token.idx
    quoted = quoted or []

    def _last(cands: list[Candidate], at: int, fits: Any) -> str | None:
        return _last_named(cands, at, fits, quoted)

    if token.pos_ == "PRON":
        if word in _PRONOUNS_PERSON:
            last_subject = next(
                (
                    name
                    for at, name in reversed(subjects or [])
                    if at < before
                    and by_name[name].label == "person"
                    and not any(a <= at < b for a, b in quoted)
                ),
                None,
            )
            return last_subject or _last(candidates, before, lambda c: c.label == "person"), True
        if word in _PRONOUNS_THING:
            return _last(candidates, before, lambda c: c.label != "person"), True
        if word in _PRONOUNS_PLURAL:
            return _last(
                candidates, before, lambda c: c.label in ("group", "organization", "state")
            ), True
        return None, False
    lemma = token.lemma_.lower()
    if (
        token.pos_ in ("NOUN", "PROPN")
        and lemma in PERSON_NOUNS
        and token.tag_ not in ("NNS", "NNPS")
    ):
        # "the minister said": the last person the article gave that title; an untitled
        # description ("the official") is nobody named, not whoever was named last
        fitting = _last(
            candidates, before, lambda c: c.label == "person" and lemma in fold_text(c.role).split()
        )
        return fitting, fitting is not None
    if token.pos_ in ("NOUN", "PROPN") and lemma in ORG_NOUNS:
        fitting = _last(
            candidates,
            before,
            lambda c: (
                c.label != "person" and (lemma in fold_text(" ".join([c.name, c.role])).split())
            ),
        )
        return fitting or _last(
            candidates, before, lambda c: c.label in ("organization", "state")
        ), True
    return None, False


def _named_in(token: Any, owner: dict[int, str], by_name: dict[str, Candidate]) -> str | None:
    """The candidate named by a phrase: its head word first, then a person inside it, then
    any candidate inside it ("a spokesman for the Foreign Ministry" -> the ministry).

    A nationality adjective inside a person's description ("the Hungarian prime minister")
    does not make the state the speaker: that description resolves to a person instead.
    """
    if token.i in owner and not _dateline(token):
        return owner[token.i]
    person_word = token.lemma_.lower() in PERSON_NOUNS and token.tag_ not in ("NNS", "NNPS")
    inside = [
        owner[t.i]
        for t in sorted(token.subtree, key=lambda t: t.dep_ == "poss" or t.head.dep_ == "poss")
        if t.i in owner and not _dateline(t) and not (person_word and t.dep_ == "amod")
    ]
    if not inside:
        return None
    people = [n for n in inside if by_name[n].label == "person"]
    return (people or inside)[0]


def _target(
    verb: Any, candidates: list[Candidate], owner: dict[int, str], by_name: dict[str, Candidate]
) -> str | None:
    """The party a targeted verb is aimed at: its object (or the object of "on", "against",
    "of"...), or the passive subject of "X was criticised by Y"."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass", "dative"):
            if (who := _object_party(child, owner)) is not None:
                return who
            if child.pos_ == "PRON" or child.lemma_.lower() in PERSON_NOUNS | ORG_NOUNS:
                who, _ = _resolve(child, candidates, owner, by_name)
                if who is not None:
                    return who
    for child in verb.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in _TARGET_PREPS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and (who := _object_party(obj, owner)) is not None:
                return who
    return None


def _object_party(obj: Any, owner: dict[int, str]) -> str | None:
    """The party an object phrase is about: the object itself, its owner ("Y's plan"), or
    who it is "of", "by" or "between" ("the meeting between Orban and Xi"); not a party
    further down ("aid to Ukraine" is aid, not Ukraine)."""
    if obj.i in owner:
        return owner[obj.i]
    for child in obj.children:
        if child.dep_ in ("poss", "compound", "appos") and (hit := _owned(child, owner)):
            return hit
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "by", "between", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and (hit := _owned(pobj, owner)):
                    return hit
    return None


def _owned(token: Any, owner: dict[int, str]) -> str | None:
    if token.i in owner:
        return owner[token.i]
    return next((owner[t.i] for t in token.subtree if t.i in owner), None)


def _dateline(token: Any) -> bool:
    """True for a word of a dateline ("Taipei, Taiwan —") that opens its sentence."""
    sent = token.sent
    for t in sent[:8]:
        if t.text in ("—", "–", "-", "--") and t.i > token.i:
            return all(x.pos_ in ("PROPN", "PUNCT", "NUM") for x in sent[: t.i - sent.start])
    return False


def _last_named(
    candidates: list[Candidate], before: int, fits: Any, quoted: list[tuple[int, int]]
) -> str | None:
    """The candidate satisfying ``fits`` whose latest mention (outside ``quoted``) ends
    before ``before``."""
    best: tuple[int, str] | None = None
    for c in candidates:
        if not fits(c):
            continue
        ends = [
            end
            for start, end in c.mentions
            if end <= before and not any(a <= start < b for a, b in quoted)
        ]
        if ends and (best is None or max(ends) > best[0]):
            best = (max(ends), c.name)
    return best[1] if best else None


def _quoted_spans(sent: Any) -> list[tuple[int, int]]:
    """Character spans of the sentence between quotation marks."""
    text, base = sent.text, sent.start_char
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i, ch in enumerate(text):
        if ch in _QUOTE_MARKS:
            if opened is None and ch != "”":
                opened = i
            elif opened is not None and ch != "“":
                spans.append((base + opened, base + i))
                opened = None
    return spans


def _inside_quotes(token: Any, sent: Any) -> bool:
    """True when an odd number of quotation marks precede the token in its sentence."""
    text = sent.doc.text[sent.start_char : token.idx]
    straight = text.count('"')
    opened = text.count("“") - text.count("”")
    return straight % 2 == 1 or opened > 0
