"""llama-cpp-python, imported with its two ``/dev/null`` handles closed when the process exits.

``llama_cpp._utils`` opens ``os.devnull`` twice at import time (``outnull_file`` and
``errnull_file``, where its ``suppress_stdout_stderr`` sends llama.cpp's log while a model
loads) and never closes them, so every process that imports it ends with
``ResourceWarning: unclosed file <_io.TextIOWrapper name='/dev/null'>`` on stderr (shown
under ``python -X dev`` and at the end of a pytest run). :func:`llama_cpp_module` imports the
package and closes both files at exit, before the interpreter's shutdown collects them;
nothing loads a model after that. Every import of ``llama_cpp`` in the library goes through
it (``tests/newsbrief/test_resource_warnings.py`` runs a command that imports it under
``python -X dev`` and finds no warning).
"""

from __future__ import annotations

import atexit
from types import ModuleType

_registered = False


def llama_cpp_module() -> ModuleType:
    """``import llama_cpp`` (ImportError when it is not installed), its ``/dev/null``
    handles closed at exit."""
    global _registered
    import llama_cpp

    if not _registered:
        atexit.register(_close_devnull_files)
        _registered = True
    return llama_cpp


def _close_devnull_files() -> None:
    try:
        from llama_cpp import _utils
    except ImportError:  # pragma: no cover - imported above
        return
    for name in ("outnull_file", "errnull_file"):
        handle = getattr(_utils, name, None)
        if handle is not None and not handle.closed:
            handle.close()
