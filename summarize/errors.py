"""The typed errors of newsbrief, where users import them: ``from summarize.errors import ...``.

They live in :mod:`summarize.core.errors` (the core every layer may import); this module is
their public address, kept on purpose and without a deprecation warning: the README, the
harness and users' ``except`` clauses name it, and the top-level package re-exports the same
classes (``from summarize import SummarizeError``).
"""

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

__all__ = [
    "ArticleLineError",
    "BackendError",
    "BackendUnavailableError",
    "BinaryInputError",
    "ConfigurationError",
    "CorruptLineError",
    "EmptyInputError",
    "EncodingError",
    "EndpointError",
    "EngineError",
    "EngineUnavailableError",
    "InputError",
    "InputTooLargeError",
    "ModelFileError",
    "OutputFileError",
    "OutputMismatchError",
    "OutputValidationError",
    "StructuredOutputUnsupportedError",
    "SummarizeError",
    "UnknownModelError",
    "UnknownPromptError",
    "WorkerLostError",
]
