"""newsbrief's summarizer: typed, source-grounded structured summaries of news articles.

>>> from summarize import summarize_article, ArticleSummary
>>> summary = summarize_article(text)            # the embedded local model by default

The public surface is :data:`__all__`: :func:`summarize_article` and :class:`Summarizer`
(one article; :class:`SummaryRun` is what ``Summarizer.run`` returns), the summary's shapes
(:class:`ArticleSummary`, :class:`Party`, :class:`Position`, :class:`DateRef`,
:class:`Dispute`, :class:`Evidence`), the story digest (:func:`digest_articles`,
:class:`Digester`, :class:`StoryDigest`, :class:`DigestRun`) and the typed errors under
:class:`SummarizeError` (also importable from :mod:`summarize.errors`).

The package is laid out by stage, each in its own folder: ``text/`` (inputs, boilerplate,
dates, sentences), ``defence/`` (text addressed to a model), ``reading/`` (spaCy's reading),
``passes/`` (what a prompt version asks the model), ``grounding/`` (quotes to evidence, the
summary assembled), ``providers/`` (the backends), ``digest/``, ``render/``, on ``core/``
(shapes, errors, the call ledger). :mod:`summarize.pipeline` strings them together.

The pipeline and the digest are imported on first use of their names (PEP 562), so that
importing the shapes or the errors (as the command line's ``--help`` does) stays cheap.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from summarize.core.digest import StoryDigest
from summarize.core.errors import (
    ArticleLineError,
    BackendError,
    BackendUnavailableError,
    BinaryInputError,
    ConfigurationError,
    CorruptLineError,
    EmptyInputError,
    EncodingError,
    EndpointError,
    EngineError,
    EngineUnavailableError,
    InputError,
    InputTooLargeError,
    ModelFileError,
    OutputFileError,
    OutputMismatchError,
    OutputValidationError,
    StructuredOutputUnsupportedError,
    SummarizeError,
    UnknownModelError,
    UnknownPromptError,
    WorkerLostError,
)
from summarize.core.result import DigestRun, SummaryRun
from summarize.core.schema import ArticleSummary, DateRef, Dispute, Evidence, Party, Position

if TYPE_CHECKING:
    from summarize.digest import Digester, digest_articles
    from summarize.pipeline import Summarizer, summarize_article

#: The names imported on first use, and the module of each.
_LAZY = {
    "Summarizer": "summarize.pipeline",
    "summarize_article": "summarize.pipeline",
    "Digester": "summarize.digest",
    "digest_articles": "summarize.digest",
}

__all__ = [
    "ArticleLineError",
    "ArticleSummary",
    "BackendError",
    "BackendUnavailableError",
    "BinaryInputError",
    "ConfigurationError",
    "CorruptLineError",
    "DateRef",
    "DigestRun",
    "Digester",
    "Dispute",
    "EmptyInputError",
    "EncodingError",
    "EndpointError",
    "EngineError",
    "EngineUnavailableError",
    "Evidence",
    "InputError",
    "InputTooLargeError",
    "ModelFileError",
    "OutputFileError",
    "OutputMismatchError",
    "OutputValidationError",
    "Party",
    "Position",
    "StoryDigest",
    "StructuredOutputUnsupportedError",
    "SummarizeError",
    "Summarizer",
    "SummaryRun",
    "UnknownModelError",
    "UnknownPromptError",
    "WorkerLostError",
    "digest_articles",
    "summarize_article",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summarize' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
