"""Statements clause by clause: who holds which position, in the article's own words.

The first reading (:mod:`summarize.reading.attribution`) gives each sentence one speaker,
the subject of its first reporting verb. News reports positions in more forms than that,
and a small model handed the wrong speaker writes someone else's position. Here every
clause whose verb reports speech *or* a stance without speech ("refused to", "approved",
"plans to", "voted against", "imposed") is a statement, and its holder is read from the
form the parse shows:

- the subject ("X said", "X refused to"), through coordination and relative clauses
  ("Orban - who said ... - wrote" is Orban's) and participles ("with Kirby saying");
- the agent of a passive ("hailed as fair by officials in the US");
- a relay: "X quoted Y as saying", "X said in a readout: 'Y stressed ...'", "Y told Z,
  according to X" are Y's words, relayed by X;
- a noun that reports a statement: "claims by X that", "a U.S. statement added";
- "officials in X" and "X's government" speak for the state X; a plural of people
  ("campaigners against the bill", "voters in Ohio") is a group of its own.

A pronoun or a description ("he", "the company") resolves to the candidates that fit; when
more than one does, they become ``options`` for the model to choose among. The content
(what is said or done) and the topic (what it is about) are spans of the sentence, so the
position is stated in the article's words. The verb lists are ordinary English verbs of
speech and stance, not words of any article.
"""

from __future__ import annotations

from typing import Any

from summarize.core.names import fold_text, same_name
from summarize.core.reading import Attribution, Candidate, Statement, StatementKind
from summarize.reading.attribution import (
    ORG_NOUNS,
    PEOPLE_NOUNS,
    PERSON_NOUNS,
    SPEECH_VERBS,
    TARGETED_VERBS,
    _dateline,
    _inside_quotes,
    _quoted_spans,
    _speaking_group,
    _subject,
    _target,
)

#: Nouns that name a conflict between parties (general English, not fitted to an article).
CONFLICT_NOUNS = frozenset(
    """
dispute row strike walkout conflict war feud battle standoff stand-off lawsuit protest clash
fight rift spat boycott showdown confrontation tension disagreement quarrel controversy
lockout impasse deadlock rivalry sanction complaint
""".split()
)

#: Verbs that report a stance, a decision or an act on something without speech.
STANCE_VERBS = frozenset(
    """
plan intend seek want aim hope wish try approve adopt pass ratify reject refuse decline vote
back support oppose endorse favour favor welcome condemn denounce criticise criticize agree
decide pledge promise vow threaten demand urge call ask press push order impose lift ban
halt suspend fine sue strike boycott veto block resist challenge dismiss accept acknowledge
recognise recognize deem consider regard insist refuse accuse blame deny defend praise
applaud hail protest object appeal investigate probe announce launch propose recommend
allow permit prohibit revoke cancel withdraw rule sentence convict overturn uphold
""".split()
)
#: Verbs of telling beyond the first reading's list ("the union informed the company that").
SPEECH_MORE = frozenset("inform notify brief assure reassure remind concede acknowledge".split())
#: Kinds of organisation a description names ("the airline", "the carmaker"), beyond the
#: first reading's list: ordinary English nouns for bodies that act.
ORG_KINDS = ORG_NOUNS | frozenset(
    """
airline carrier automaker carmaker manufacturer maker retailer insurer lender operator
exchange watchdog consortium utility producer supplier publisher club team league school
university hospital charity campaign organiser organizer network institute foundation
""".split()
)
#: Nouns that report a statement or stance ("claims by X", "X's decision to", "a statement").
STATEMENT_NOUNS = frozenset(
    """
statement claim allegation accusation decision proposal plan call demand warning pledge
promise criticism complaint vote readout announcement position view stance objection
refusal request appeal threat
""".split()
)
#: Heads that make a phrase speak for the state it names ("officials in the US").
GOVERNMENT_NOUNS = frozenset(
    """
official government administration authority authorities ministry diplomat spokesman
spokeswoman spokesperson leadership cabinet embassy
""".split()
)
#: Verbs whose passive's subject holds the view and whose "by" phrase is its cause.
PSYCH_VERBS = frozenset(
    """
concern worry alarm surprise disappoint please anger frustrate shock trouble dismay encourage
satisfy upset outrage delight
""".split()
)
_RELATIVE = {"who", "which", "that"}
_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "i", "we", "you"}
#: Sentences before a pronoun searched for the candidates that fit it.
_WINDOW_SENTENCES = 3
#: Statements kept per sentence at most (the first cues: news leads with the main one).
_PER_SENTENCE = 2
_MAX_CONTENT_WORDS = 30
_MAX_TOPIC_WORDS = 10


def find_statements(
    doc: Any,
    candidates: list[Candidate],
    owner: dict[int, str],
    skip: list[tuple[int, int]],
    sentence_spans: list[tuple[int, int]],
) -> list[Statement]:
    """Every clause of the article that reports a position, in text order.

    ``sentence_spans`` are the reading's sentences (never across a line break), so a
    quotation mark that closes the paragraph before does not open this one.
    """
    by_name = {c.name: c for c in candidates}
    sentences = [
        s
        for s in (doc.char_span(a, b, alignment_mode="contract") for a, b in sentence_spans)
        if s is not None
    ]
    subjects = [
        (t.idx, owner[t.i]) for t in doc if t.i in owner and t.dep_ in ("nsubj", "nsubjpass")
    ]
    found: list[Statement] = []
    for index, sent in enumerate(sentences):
        if any(a <= sent.start_char < b for a, b in skip) or len(sent) < 4:
            continue
        window_start = sentences[max(0, index - _WINDOW_SENTENCES)].start_char
        mine: list[Statement] = []
        quoted = _quoted_spans(sent)
        for token in sent:
            if len(mine) >= _PER_SENTENCE:
                break
            kind = _cue_kind(token)
            if kind is None:
                continue
            inside = _inside_quotes(token, sent)
            statement = _statement(
                token,
                kind,
                sent,
                candidates,
                owner,
                by_name,
                quoted,
                window_start,
                inside,
                subjects,
            )
            if statement is None:
                continue
            if any(
                s.holder == statement.holder
                and (
                    s.cue == statement.cue
                    or (s.content and s.content[0] <= token.idx < s.content[1])
                )
                for s in mine
            ):
                continue  # the same holder's cue inside their own words ("refused to condemn")
            mine.append(statement)
            for other in _co_holders(token, kind, statement, owner, candidates):
                mine.append(statement.model_copy(update={"holder": other, "options": []}))
        found += _relays_folded(mine)
    return _continuations(doc, found, skip, sentences)


def _co_holders(
    cue: Any,
    kind: StatementKind,
    statement: Statement,
    owner: dict[int, str],
    candidates: list[Candidate],
) -> list[str]:
    """Others who hold the same statement through a coordinated subject: "Kloet and Rolet
    said", "hailed as fair by officials in the US and EU", "he and Rice recommended"."""
    if statement.holder is None:
        return []
    head = _holder_token(cue, kind)
    if head is None:
        return []
    tokens = [*head.conjuncts]
    if head.lemma_.lower() in GOVERNMENT_NOUNS:  # "officials in the US and EU"
        tokens += [c for t in head.subtree for c in t.conjuncts if t.i in owner]
    found: list[str] = []
    for token in tokens:
        name = _named(token, owner, candidates)
        if name is not None and name != statement.holder and name not in found:
            found.append(name)
    return found[:2]


def _cue_kind(token: Any) -> StatementKind | None:
    lemma = token.lemma_.lower()
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        return "according"
    if (
        token.pos_ in ("VERB", "AUX")
        and lemma in ("quote", "cite")
        and any(c.dep_ in ("dobj", "nsubjpass") for c in token.children)
    ):
        return "relay"
    if token.pos_ == "VERB" and (lemma in SPEECH_VERBS or lemma in SPEECH_MORE):
        return "speech"
    if token.pos_ == "VERB" and (lemma in STANCE_VERBS or lemma in TARGETED_VERBS):
        return "stance"
    if token.pos_ == "NOUN" and lemma in STATEMENT_NOUNS and _nominal_holder(token) is not None:
        return "nominal"
    return None


def _statement(
    cue: Any,
    kind: StatementKind,
    sent: Any,
    candidates: list[Candidate],
    owner: dict[int, str],
    by_name: dict[str, Candidate],
    quoted: list[tuple[int, int]],
    window_start: int,
    inside: bool,
    subjects: list[tuple[int, str]],
) -> Statement | None:
    """The statement a cue makes, or None when nobody can be credited with it."""
    relayed_by: str | None = None
    holder_token = _holder_token(cue, kind)
    if holder_token is None:
        return None
    if inside:
        # a cue inside a quotation is the quoted speaker's own verb ("we will fight"),
        # unless it names a third party: "CCTV said in a readout: 'Xi stressed ...'"
        if holder_token.pos_ == "PRON" or _named(holder_token, owner, candidates) is None:
            return None
        kind = "relay"
    holder, options = _holder(
        holder_token, candidates, owner, by_name, quoted, window_start, subjects
    )
    if holder is None and not options:
        return None
    if kind == "relay" and cue.lemma_.lower() in ("quote", "cite"):
        subject = _subject(cue)
        if subject is not None:
            relayed_by = _named(subject, owner, candidates)
    target = _target(cue, candidates, owner, by_name) if cue.pos_ == "VERB" else None
    if target is not None and (
        target == holder
        or (
            holder in by_name and target in by_name and by_name[holder].allied_with(by_name[target])
        )
    ):
        target = None
    content = _content(cue, kind, holder_token, sent, quoted)
    return Statement(
        start=sent.start_char,
        end=sent.end_char,
        cue=cue.lemma_.lower(),
        kind=kind,
        holder=holder,
        options=options,
        content=content,
        topic=_topic(cue.doc, content) if content else None,
        target=target,
        negated=any(c.dep_ == "neg" for c in cue.children),
        relayed_by=relayed_by,
    )


# --- who holds it ------------------------------------------------------------------------------
def _holder_token(cue: Any, kind: StatementKind) -> Any | None:
    """The token that names whoever holds the statement of ``cue``."""
    if kind == "according":
        prep = next(c for c in cue.children if c.lower_ == "to")
        return next((c for c in prep.children if c.dep_ == "pobj"), None)
    if kind == "relay" and cue.lemma_.lower() in ("quote", "cite"):
        return next((c for c in cue.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if kind == "nominal":
        return _nominal_holder(cue)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in cue.children)
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if passive and cue.lemma_.lower() in PSYCH_VERBS:
        # "it was concerned by the meeting": the one concerned holds the view
        return next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
    if passive or (agent is not None and cue.tag_ == "VBN"):
        if agent is None:
            return None  # "supported by X" without auxiliary is passive too
        return next((c for c in agent.children if c.dep_ == "pobj"), None)
    subject = _subject(cue)
    if subject is not None and subject.lower_ in _RELATIVE and cue.dep_ == "relcl":
        return cue.head  # "Orban - who said ..." : the relative clause's antecedent
    if subject is None and cue.dep_ in ("acl", "advcl") and cue.head.pos_ in ("NOUN", "PROPN"):
        head = cue.head
        if (
            head.pos_ == "NOUN"
            and head.dep_ == "dobj"
            and head.lemma_.lower() not in (PERSON_NOUNS | ORG_NOUNS)
        ):
            return _subject(head.head)  # "China released a paper calling for ..."
        return head  # "with spokesman John Kirby saying ..."
    if subject is not None and subject.lemma_.lower() in STATEMENT_NOUNS:
        owner_token = _nominal_holder(subject)
        if owner_token is not None:
            return owner_token  # "A U.S. statement added ..."
    return subject


def _nominal_holder(noun: Any) -> Any | None:
    """Who a statement noun belongs to: "X's decision", "claims by X", "a U.S. statement"."""
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN", "PRON"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if (
                pobj is not None
                and pobj.pos_ in ("PROPN", "NOUN")
                and (pobj.lemma_.lower() not in STATEMENT_NOUNS)
            ):
                return pobj
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.pos_ == "PROPN":
            return child
    return None


def _named(token: Any, owner: dict[int, str], candidates: list[Candidate]) -> str | None:
    """The candidate a name token belongs to, by mention or, failing that, by its words
    (the recogniser sometimes labels a known name differently inside a quotation)."""
    if token.i in owner and not _dateline(token):
        return owner[token.i]
    if token.pos_ != "PROPN":
        # a capitalised name the tagger read as a noun ("Torres opined"): by its words
        if token.text[:1].isupper() and token.pos_ == "NOUN":
            return next(
                (
                    c.name
                    for c in candidates
                    if any(fold_text(token.text) == fold_text(n) for n in c.names)
                ),
                None,
            )
        return None
    phrase = " ".join(
        t.text
        for t in token.subtree
        if t.pos_ == "PROPN" and t.i <= token.i and t.i >= token.left_edge.i
    )
    return next((c.name for c in candidates if any(same_name(phrase, n) for n in c.names)), None)


def _holder(
    token: Any,
    candidates: list[Candidate],
    owner: dict[int, str],
    by_name: dict[str, Candidate],
    quoted: list[tuple[int, int]],
    window_start: int,
    subjects: list[tuple[int, str]],
) -> tuple[str | None, list[str]]:
    """(holder, options) for a holder token: the candidate it names when sure; else the
    candidates that fit a pronoun or description, most recent first, as options."""
    named = _named(token, owner, candidates)
    lemma = token.lemma_.lower()
    if named is not None and (
        token.pos_ == "PROPN" or token.i in owner or token.text[:1].isupper()
    ):
        return named, []
    if token.pos_ in ("NOUN", "PROPN"):
        state = _government_of(token, owner, by_name)
        if state is not None:
            return state, []  # "officials in the US", "the Chinese government"
        if token.tag_ in ("NNS", "NNPS") and lemma in PEOPLE_NOUNS:
            group = _speaking_group(token, candidates, owner, by_name, named_inside=True)
            if group is not None:
                return group, []  # "campaigners against the bill": a group of its own
        if lemma in ("group", "coalition", "alliance") and token.tag_ == "NN":
            members = next(
                (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None
            )
            plural = (
                next((c for c in members.children if c.dep_ == "pobj"), None)
                if (members is not None)
                else None
            )
            if plural is not None and plural.tag_ == "NNS" and plural.i not in owner:
                group = _speaking_group(plural, candidates, owner, by_name, named_inside=True)
                if group is not None:
                    return group, []  # "a group of retired generals and senior diplomats"
        if lemma in ("spokesman", "spokeswoman", "spokesperson", "representative"):
            body = next(
                (
                    owner[t.i]
                    for c in token.children
                    if c.dep_ == "prep" and c.lower_ in ("for", "of")
                    for t in c.subtree
                    if t.i in owner
                ),
                None,
            )
            if body is not None:
                return body, []  # "a spokesperson for the association": its words
        if (
            lemma in PERSON_NOUNS
            and token.tag_ == "NN"
            and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)
        ):
            person = _speaking_group(
                token, candidates, owner, by_name, named_inside=True, label="person"
            )
            if person is not None:
                return person, []  # "a senior U.S. defense official said": unnamed
        inside = _owners_in(token, owner)
        if lemma not in PERSON_NOUNS | ORG_KINDS | STATEMENT_NOUNS and token.pos_ == "NOUN":
            return None, []  # "setbacks in Ukraine (are expected to)": nobody's statement
        if lemma in PERSON_NOUNS | ORG_KINDS or token.tag_ in ("NNS", "NNPS"):
            fitting = _fitting(token, candidates, window_start, quoted)
            choices = list(dict.fromkeys([*inside, *fitting]))
            if len(choices) == 1:
                return choices[0], []
            if choices:
                return None, choices[:4]
            if lemma in ORG_KINDS and token.tag_ == "NN":
                body = _speaking_group(
                    token, candidates, owner, by_name, named_inside=True, label="organization"
                )
                if body is not None:
                    return body, []  # "the city council": a body the article never names
        if inside:
            return inside[0], ([] if len(inside) == 1 else inside[:4])
        return None, []
    if token.pos_ == "PRON" and token.lower_ in _PRONOUNS:
        fitting = _fitting(token, candidates, window_start, quoted)
        reporter = _reporting_subject(token, owner)
        if reporter is not None and reporter in fitting:
            return reporter, []  # "The US said it was concerned": it is the US
        if len(fitting) <= 1:
            return (fitting[0] if fitting else None), []
        # the last fitting candidate that was a clause's subject, when nobody who fits has
        # been named since: "Orban wrote ... 'I came to meet President Xi,' he said"
        last = next(
            (
                (at, name)
                for at, name in reversed(subjects)
                if window_start <= at < token.idx
                and name in fitting
                and not any(a <= at < b for a, b in quoted)
            ),
            None,
        )
        if last is not None and not any(
            window_start <= start
            and end <= token.idx
            and start > last[0]
            and not any(a <= start < b for a, b in quoted)
            for c in candidates
            if c.name in fitting and c.name != last[1]
            for start, end in c.mentions
        ):
            return last[1], []
        return None, fitting[:4]
    return None, []


def _reporting_subject(pronoun: Any, owner: dict[int, str]) -> str | None:
    """The named subject of the verb of speech whose complement holds ``pronoun`` ("The US
    said it was ...", "Kerry said he hoped ...")."""
    clause = pronoun.head
    for _ in range(3):
        if clause.dep_ in ("ccomp", "xcomp") and clause.head.lemma_.lower() in SPEECH_VERBS:
            subject = _subject(clause.head)
            if subject is not None and subject.i in owner:
                return owner[subject.i]
            return None
        if clause.head is clause:
            return None
        clause = clause.head
    return None


def _government_of(token: Any, owner: dict[int, str], by_name: dict[str, Candidate]) -> str | None:
    """The state a government phrase speaks for: "officials in the US", "the Chinese
    government", "Hungary's foreign ministry"."""
    if token.lemma_.lower() not in GOVERNMENT_NOUNS:
        return None
    for t in token.subtree:
        name = owner.get(t.i)
        if name is not None and by_name[name].label == "state" and t.i != token.i:
            return name
    return None


def _owners_in(token: Any, owner: dict[int, str]) -> list[str]:
    """Candidates named inside a phrase, the head's own first."""
    names = [owner[t.i] for t in token.subtree if t.i in owner and not _dateline(t)]
    return list(dict.fromkeys(names))


def _fitting(
    token: Any, candidates: list[Candidate], window_start: int, quoted: list[tuple[int, int]]
) -> list[str]:
    """Candidates a pronoun or a description can refer to, most recently named first:
    people for "he"/"she"/"the minister", others for "it"/"the company" (a description
    also fits a candidate whose name or role holds its noun, even named later: "the main
    rebel coalition ... the coalition known as the High Negotiations Committee")."""
    word, lemma, before = token.lower_, token.lemma_.lower(), token.idx
    if word in ("he", "she", "him", "her", "i"):

        def fits(c: Candidate) -> bool:  # a name the recogniser missed may be a person's
            return c.label == "person" or (c.label == "unknown" and len(c.name.split()) >= 2)
    elif word in ("it",):

        def fits(c: Candidate) -> bool:
            return c.label in ("organization", "state")
    elif word in ("they", "them", "we"):

        def fits(c: Candidate) -> bool:
            return c.label in ("group", "organization", "state")
    elif lemma in PERSON_NOUNS:

        def fits(c: Candidate) -> bool:
            return c.label == "person" and lemma in fold_text(c.role).split()
    elif lemma in ORG_KINDS - ORG_NOUNS:

        def fits(c: Candidate) -> bool:  # "the airline": any organisation named before
            return c.label in ("organization", "unknown") or (
                lemma in fold_text(" ".join([c.name, c.role])).split()
            )
    else:

        def fits(c: Candidate) -> bool:
            return c.label != "person" and lemma in fold_text(" ".join([c.name, c.role])).split()

    ranked: list[tuple[int, str]] = []
    for c in candidates:
        if not fits(c):
            continue
        ends = [
            end
            for start, end in c.mentions
            if window_start <= start
            and end <= before
            and not any(a <= start < b for a, b in quoted)
        ]
        if ends:
            ranked.append((max(ends), c.name))
        elif token.pos_ != "PRON" and c.mentions:
            ranked.append((-c.mentions[0][0], c.name))  # named later: less likely
    return [name for _, name in sorted(ranked, reverse=True)]


# --- what it says ------------------------------------------------------------------------------
def _content(
    cue: Any, kind: StatementKind, holder: Any, sent: Any, quoted: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The words that carry the position: the complement of a verb of speech, the quotation
    it introduces, or the predicate of a stance verb (the cue with its objects)."""
    doc = cue.doc
    if kind == "according":
        tokens = [t for t in sent if not (t.i >= cue.i and t.i <= cue.right_edge.i)]
        return _span(doc, tokens, sent)
    if kind == "relay" and cue.lemma_.lower() in ("quote", "cite"):
        saying = next(
            (t for t in cue.subtree if t.lemma_.lower() in SPEECH_VERBS and t.i > cue.i), None
        )
        if saying is not None:
            cue = saying  # "X quoted Y as saying <content>"
    if kind in ("speech", "relay") and cue.pos_ == "VERB":
        comp = next((c for c in cue.children if c.dep_ in ("ccomp", "xcomp")), None)
        if comp is not None:
            return _span(doc, list(comp.subtree), sent)
        after = [(a, b) for a, b in quoted if a > cue.idx or b < cue.idx]
        if after:
            a, b = max(after, key=lambda s: s[1] - s[0])
            return (a + 1, b) if b - a > 12 else None
        obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return _span(doc, list(obj.subtree), sent)
        # "Unions voted against the merger": no complement, the predicate says it
    if kind == "nominal":
        tokens = [t for t in cue.subtree if not (holder.left_edge.i <= t.i <= holder.right_edge.i)]
        return _span(doc, tokens, sent)
    skip = {
        t.i
        for c in cue.children
        if c.dep_ in ("nsubj", "nsubjpass", "agent", "punct", "cc", "conj", "mark", "advcl")
        for t in c.subtree
    }
    # the predicate starts at the verb group ("refused to ...", "has approved"), never
    # before it: a dateline or an opening phrase attached to the verb is not the stance
    first = min([cue.i, *(c.i for c in cue.children if c.dep_ in ("aux", "auxpass", "neg"))])
    tokens = [t for t in cue.subtree if t.i not in skip and t.i >= first]
    return _span(doc, tokens, sent)


#: Verbs that link a subject to what is said of it ("the trip does not seem productive"):
#: the subject is what the statement is about.
_LINKING = frozenset("be seem appear look become remain prove stay sound feel".split())


def _topic(doc: Any, content: tuple[int, int]) -> tuple[int, int] | None:
    """What a content span is about, as a noun phrase of it (ten words at most).

    The subject of a linking verb ("his trip to Beijing was a peace mission", "the trip
    does not seem productive"), unless it is a name or a pronoun, where what is said of it
    is the topic ("China was a key power in creating the conditions for peace"); otherwise
    the object of the innermost verb of the clause ("should help Russia and Ukraine
    re-start direct negotiations" is about direct negotiations), else of its main verb,
    else its subject.
    """
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None:
        return None
    root = span.root

    def inside(t: Any) -> bool:
        return span.start <= t.i < span.end

    def phrase(token: Any) -> tuple[int, int] | None:
        words = [t for t in token.subtree if inside(t)]
        if len(words) > _MAX_TOPIC_WORDS:
            words = [t for t in words if t.i <= token.i][-_MAX_TOPIC_WORDS:]
        return _span(doc, words, span)

    def nominal(t: Any | None) -> bool:
        # a date ("on Sunday") or a pronoun-like head ("our view that ...") says nothing
        return (
            t is not None
            and inside(t)
            and t.pos_ in ("NOUN", "PROPN")
            and t.ent_type_ not in _NOT_TOPICS
            and t.lemma_.lower() not in _MIND_NOUNS
            and not _opens_clause(t)
        )

    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if root.lemma_.lower() in _LINKING:
        if nominal(subject) and subject.pos_ == "NOUN":  # type: ignore[union-attr]
            return phrase(subject)
        attr = next((c for c in root.children if c.dep_ in ("attr", "acomp")), None)
        if nominal(attr):
            return phrase(attr)
    verb = root
    for _ in range(3):  # the innermost verb of "should help X re-start Y"
        inner = next(
            (
                c
                for c in verb.children
                if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX") and inside(c)
            ),
            None,
        )
        if inner is None:
            break
        verb = inner
    for head in (verb, root):
        obj = next((c for c in head.children if c.dep_ in ("dobj", "attr")), None)
        if nominal(obj):
            return phrase(obj)
        for prep in (c for c in head.children if c.dep_ in ("prep", "agent")):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if nominal(pobj):
                return phrase(pobj)
    inner_subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for candidate in (inner_subject, subject):
        if nominal(candidate):
            return phrase(candidate)
    return None


#: Nouns that name the holder's mind, not what it is about ("our view is that ...").
_MIND_NOUNS = frozenset("view position belief opinion stance hope feeling concern".split())

#: Entity types that are never what a position is about (when, how many).
_NOT_TOPICS = frozenset("DATE TIME CARDINAL ORDINAL PERCENT QUANTITY".split())


def _opens_clause(noun: Any) -> bool:
    """A noun whose content is the clause it introduces ("our view that X is not serious",
    "the hope that talks resume"): the clause, not the noun, is the topic."""
    return any(c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX") for c in noun.children)


#: Tokens of a conflict phrase at most (hyphens count: "cost - cutting").
_MAX_CONFLICT_TOKENS = 16


def find_conflicts(doc: Any, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Noun phrases in which the article names a conflict ("the long-running dispute over the
    airline's cost-cutting drive", "a strike by cabin crew"), in text order: the words a
    dispute's issue is taken from. A phrase is the conflict noun with its modifiers and the
    preposition that says what or whom it is about, cut to sixteen tokens."""
    found: list[tuple[int, int]] = []
    for start, end in sentences:
        sent = doc.char_span(start, end, alignment_mode="expand")
        if sent is None:
            continue
        for t in sent:
            if t.pos_ != "NOUN" or t.lemma_.lower() not in CONFLICT_NOUNS:
                continue
            words = [w for w in t.lefts if w.dep_ in ("amod", "compound", "nmod", "poss")]
            words = [x for w in words for x in w.subtree] + [t]
            for prep in (c for c in t.rights if c.dep_ == "prep"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.ent_type_ in _NOT_TOPICS:
                    continue  # "a trade war on Thursday": when, not what
                if prep.lower_ in ("over", "about", "with", "against", "between", "by", "on"):
                    words += list(prep.subtree)
            if len(words) < 2:
                continue  # a bare "the dispute" names nothing
            words = sorted(words, key=lambda w: w.i)[:_MAX_CONFLICT_TOKENS]
            span = _span(doc, words, sent)
            if span is not None:
                found.append(span)
    return found


def _span(doc: Any, tokens: list[Any], within: Any) -> tuple[int, int] | None:
    """The character span of ``tokens`` (taken as a contiguous run), trimmed of
    punctuation and connectives at its edges, and cut to its first words."""
    tokens = sorted(t for t in tokens if within.start <= t.i < within.end)
    if not tokens:
        return None
    first, last = tokens[0].i, tokens[-1].i
    while first <= last and (
        doc[first].is_punct
        or (doc[first].lower_ in ("that", "and", "but", "to", "whether", "if") and first < last)
    ):
        first += 1
    while last >= first and doc[last].is_punct:
        last -= 1
    if last < first:
        return None
    last = min(last, first + _MAX_CONTENT_WORDS - 1)
    while last > first and doc[last].is_punct:
        last -= 1
    return doc[first].idx, doc[last].idx + len(doc[last].text)


# --- relays and quotations -----------------------------------------------------------------------
def _relays_folded(statements: list[Statement]) -> list[Statement]:
    """In one sentence, a relayed statement replaces the outlet's own: "CCTV said in a
    readout: 'Xi stressed ...'" and "Xi told Orban, according to CCTV" are Xi's alone."""
    relays = [s for s in statements if s.kind == "relay"]
    speakers = [s for s in statements if s.kind not in ("relay", "according")]
    according = [s for s in statements if s.kind == "according"]
    if relays:
        outlets = {s.holder for s in statements if s.kind in ("speech", "according")}
        for relay in relays:
            if relay.relayed_by is None and len(outlets - {relay.holder}) == 1:
                relay.relayed_by = next(iter(outlets - {relay.holder}))
        return relays
    if according and speakers:
        for s in speakers:
            s.relayed_by = s.relayed_by or according[0].holder
        return speakers
    return statements


def _continuations(
    doc: Any, found: list[Statement], skip: list[tuple[int, int]], sentences: list[Any]
) -> list[Statement]:
    """A quoted sentence without a verb of its own belongs to the one speaker of its
    paragraph (as in the first reading)."""
    text = doc.text
    extra: list[Statement] = []
    for sent in sentences:
        start = sent.start_char
        if (
            any(s.start < sent.end_char and start < s.end for s in found)
            or len(sent) < 5
            or (any(a <= start < b for a, b in skip))
        ):
            continue
        if text[start] not in '"“«„':
            continue
        paragraph = (
            text.rfind("\n", 0, start) + 1,
            len(text) if text.find("\n", sent.end_char) < 0 else text.find("\n", sent.end_char),
        )
        holders = {
            s.holder
            for s in found
            if paragraph[0] <= s.start < paragraph[1] and s.holder and s.kind != "according"
        }
        if len(holders) == 1:
            content = _span(doc, list(sent), sent)
            extra.append(
                Statement(
                    start=start,
                    end=sent.end_char,
                    cue="quote",
                    kind="speech",
                    holder=next(iter(holders)),
                    content=content,
                    topic=_topic(doc, content) if content else None,
                )
            )
    return sorted(found + extra, key=lambda s: (s.start, s.end))


def as_attributions(statements: list[Statement], candidates: list[Candidate]) -> list[Attribution]:
    """The first reading's view of the statements (one per sentence with a sure holder), for
    the code that reads attributions (who speaks, who is allied); counts ``speaks``."""
    by_name = {c.name: c for c in candidates}
    out: list[Attribution] = []
    seen: set[int] = set()
    for s in statements:
        if s.holder is None or s.start in seen or s.holder not in by_name:
            continue
        seen.add(s.start)
        mode = {"according": "according", "relay": "quoted"}.get(
            s.kind, "targeted" if s.target else "speech"
        )
        out.append(
            Attribution(
                start=s.start,
                end=s.end,
                speaker=s.holder,
                target=s.target,
                cue=s.cue,
                mode=mode,
                resolved=False,
            )
        )
        by_name[s.holder].speaks += 1
    return out


__all__ = ["STANCE_VERBS", "STATEMENT_NOUNS", "as_attributions", "find_statements"]
