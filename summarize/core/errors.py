"""Every error a user of newsbrief can act on, in one place.

All of them derive from [SummarizeError][summarize.core.errors.SummarizeError], so
``except SummarizeError`` is enough for a caller that only wants to log and move on; the
subclasses exist so that a caller can tell a bad input (fix the input) from a bad
configuration (fix the call) from a faulty endpoint (retry later). Messages name the thing
to fix. No message ever contains an API key.
"""

from __future__ import annotations


class SummarizeError(Exception):
    """Base class of every error newsbrief raises on purpose."""


# --- input -------------------------------------------------------------------------------
class InputError(SummarizeError):
    """The article itself cannot be summarized as given."""


class EmptyInputError(InputError):
    """The article is empty or only whitespace."""


class BinaryInputError(InputError):
    """The input looks like binary data (an image, a PDF, a zip), not text."""


class EncodingError(InputError):
    """The bytes could not be decoded as text in any encoding we could detect."""


class InputTooLargeError(InputError):
    """The article is over the configured size limit; raised before any model call."""


# --- configuration -----------------------------------------------------------------------
class ConfigurationError(SummarizeError):
    """The call names something that does not exist or cannot be used."""


class UnknownModelError(ConfigurationError):
    """The model string does not name a known provider or embedded model."""


class UnknownPromptError(ConfigurationError):
    """No prompt of that name/version exists under ``prompts/``."""


class BackendUnavailableError(ConfigurationError):
    """A backend's optional dependency (llama-cpp-python, model weights) is not installed."""


class ModelFileError(ConfigurationError):
    """A model file is missing, incomplete or fails its checksum."""


# --- the model call ----------------------------------------------------------------------
class BackendError(SummarizeError):
    """A model call failed. ``attempts`` says how many tries were made before giving up.

    ``calls`` holds the ledger of every request made before the failure (``CallRecord``
    objects), so that the cost of failed work is accounted for, not lost.
    """

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.calls: list = []


class EndpointError(BackendError):
    """The endpoint could not be reached, timed out, refused or kept failing (5xx, 429)."""


class OutputValidationError(BackendError):
    """The model kept returning output that does not fit the schema, after every re-ask.

    ``raw_output`` keeps the last thing the model said, so it can be inspected or stored.
    """

    def __init__(self, message: str, *, attempts: int = 1, raw_output: str | None = None) -> None:
        super().__init__(message, attempts=attempts)
        self.raw_output = raw_output


class StructuredOutputUnsupportedError(BackendError):
    """The endpoint refused every structured-output form we know (tools, JSON schema, JSON)."""


# --- files newsbrief writes -----------------------------------------------------------------
class OutputFileError(SummarizeError):
    """A file newsbrief appends to (a batch output, a run's records) cannot be used as it is."""


class CorruptLineError(OutputFileError):
    """A line of a JSONL file is not valid (and is not the trailing fragment of a kill)."""

    def __init__(self, path: object, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: corrupt record: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class OutputMismatchError(OutputFileError):
    """An output file holds the work of another model or prompt than the one asked for."""


# --- batches: a JSONL file of articles, and where the work runs (engines) ----------------------
class ArticleLineError(InputError):
    """A line of a JSONL file of articles (``{"id", "text", "published"}``) is not usable."""

    def __init__(self, path: object, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class EngineError(ConfigurationError):
    """The engine asked for (``--engine ray``) cannot run as asked: a flag without it, a
    cluster that cannot be reached, workers whose summarizer differs from the driver's."""


class EngineUnavailableError(EngineError):
    """The engine's optional dependency is not installed (Ray: ``newsbrief[ray]``)."""


class WorkerLostError(SummarizeError):
    """An article whose worker process died on every attempt (recorded as an error)."""
