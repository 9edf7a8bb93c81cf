"""Story digests: one grounded view of a story told by several articles.

>>> from summarize.digest import digest_articles
>>> digest = digest_articles([Path("a.txt"), Path("b.txt")])   # a StoryDigest

Layout: :mod:`.sources` (what a user hands over), :mod:`.parties` (unified by name, code
only), :mod:`.positions`, :mod:`.timeline`, :mod:`.disputes`, :mod:`.discrepancies` (merged
across articles), :mod:`.judge` (the only model calls: small yes/no questions, asked only with
``ask_model=True``),
:mod:`.pipeline` (per-article summaries from the cache, then the digest).
"""

from summarize.core.digest import StoryDigest
from summarize.core.result import DigestRun
from summarize.digest.pipeline import (
    ASK_MODEL_MEASURED,
    DEFAULT_DIGEST_PROMPT,
    Digester,
    digest_articles,
)
from summarize.digest.sources import StoryArticle

__all__ = [
    "ASK_MODEL_MEASURED",
    "DEFAULT_DIGEST_PROMPT",
    "DigestRun",
    "Digester",
    "StoryArticle",
    "StoryDigest",
    "digest_articles",
]
