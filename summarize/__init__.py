"""newsbrief's summarizer: typed, source-grounded structured summaries of news articles.

>>> from summarize import summarize_article, ArticleSummary
>>> summary = summarize_article(text)            # the embedded local model by default

The pipeline (and with it instructor and the openai client) is imported on first use, so
that importing the data shapes stays cheap.
"""

from typing import TYPE_CHECKING, Any

from summarize.core.errors import SummarizeError
from summarize.core.schema import ArticleSummary, DateRef, Dispute, Evidence, Party, Position

if TYPE_CHECKING:
    from summarize.pipeline import Summarizer, summarize_article

__all__ = [
    "ArticleSummary",
    "DateRef",
    "Dispute",
    "Evidence",
    "Party",
    "Position",
    "SummarizeError",
    "Summarizer",
    "summarize_article",
]


def __getattr__(name: str) -> Any:
    if name in ("summarize_article", "Summarizer"):
        from summarize import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")
