"""Is a capitalised word a common noun? Asked of the English pipeline, not of a word list.

A capital letter marks a name, a sentence's first word or a title ("Dock workers walked
out", "Lawyer Tom Reyes said"). The pipeline's lemmatizer carries the English noun lexicon
(WordNet's noun index) and its tagger reads words in context, so a word is taken for a
common noun when the lexicon knows it as a noun *and* the tagger, shown the word in lower
case in a neutral frame, reads it as one. The lexicon alone is not enough: it lists many
first names ("tom", "maria") and places ("ohio") too, which the tagger keeps as names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _nouns() -> frozenset[str]:
    from summarize.text import nlp

    table = nlp.english().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["noun"])


@lru_cache(maxsize=4096)
def _tagged_common(frame: str, index: int) -> bool:
    from summarize.text import nlp

    token = nlp.english()(frame)[index]
    return token.pos_ in ("NOUN", "ADJ", "VERB") and token.tag_ not in ("NNP", "NNPS")


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    from summarize.text import nlp

    table = nlp.english().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for pos in table.values() for w in pos)


def is_english_word(word: str) -> bool:
    """True when ``word`` (or its lemma by the pipeline's rules) is in the English lexicon
    of nouns, verbs, adjectives and adverbs, or is a function word."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from summarize.text import nlp

    lower = word.lower()
    if lower in STOP_WORDS or lower in _lexicon():
        return True
    lemma = nlp.english()(lower)[0].lemma_.lower() if lower.isalpha() else lower
    return lemma in _lexicon()


def is_common_noun_title(word: str, rest: str) -> bool:
    """True when ``word`` before the name ``rest`` is a common noun used as a title
    ("Lawyer" in "Lawyer Tom Reyes", "Alderman" in "Alderman Maria Keane")."""
    lower = word.lower().rstrip(".")
    if not lower.isalpha() or lower not in _nouns():
        return False
    return _tagged_common(f"He met {lower} {rest} on Monday.", 2)


def opens_with_common_noun(span: Any) -> bool:
    """True for a one-word run that opens its sentence and, in lower case, is a noun or an
    adjective modifying a common noun after it ("Dock workers", "Rail unions")."""
    if len(span) != 1:
        return False
    token = span[0]
    sent = token.sent
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    if first is None or first.i != token.i:
        return False
    head = token.head
    if head.i <= token.i or head.pos_ != "NOUN" or token.dep_ not in ("compound", "amod"):
        return False
    lower = token.text.lower()
    if lower not in _nouns():
        return False
    words = [t.text for t in sent[: head.i - sent.start + 1]]
    words[0] = lower
    return _tagged_common(" ".join(words) + " said so.", 0)


__all__ = ["is_common_noun_title", "is_english_word", "opens_with_common_noun"]
