"""newsbrief's summarizer: typed, source-grounded structured summaries of news articles.

>>> from summarize import summarize_article, ArticleSummary
>>> summary = summarize_article(text)            # the embedded local model by default
"""

from summarize.core.schema import ArticleSummary, DateRef, Dispute, Evidence, Party, Position
from summarize.errors import SummarizeError
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
