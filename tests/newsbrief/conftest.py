"""The command line's tests run with resource warnings as errors: a file, socket or
subprocess a command leaves open fails the test that ran it (an unclosed object collected
later is an "unraisable" exception, which pytest reports as a warning: an error here too)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("error::ResourceWarning"))
            item.add_marker(
                pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
            )
