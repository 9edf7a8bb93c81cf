"""A released reading version reads every fixture article exactly as it did when released.

The prompt versions that read with ``reading.v1`` (summary/v7 and v8) or ``reading.v2``
(summary/v9) or ``reading.v3`` (summary/v10) are frozen: their
recorded runs are only comparable with new ones while the reading they were given stays
the same. A change to the reading layer therefore goes behind a new reading version's
options; this snapshot (made once, when the version was released, over the seeds and
dev/tune) fails on any change to what v1 finds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.reading import READINGS, read_article
from tests.helpers.paths import ROOT

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _fixtures() -> list[str]:
    return [
        f"{d}/{p.name}"
        for d in ("seeds", "evals/suites/dev/tune")
        for p in sorted((ROOT / d).glob("*.txt"))
    ]


@pytest.mark.parametrize("version", ["reading.v1", "reading.v2", "reading.v3"])
def test_a_released_reading_version_reads_the_fixtures_as_when_released(version: str) -> None:
    snapshot = json.loads((SNAPSHOTS / f"{version}.json").read_text(encoding="utf-8"))
    assert sorted(snapshot) == sorted(_fixtures())
    changed = []
    for name in _fixtures():
        text = (ROOT / name).read_text(encoding="utf-8")
        now = read_article(text, READINGS[version]).model_dump(mode="json", exclude_defaults=True)
        if json.loads(json.dumps(now)) != snapshot[name]:
            changed.append(name)
    assert not changed, (
        f"{version} reads {changed} differently from its release snapshot: put the change "
        f"behind a new reading version's options instead (see summarize/reading/options.py)"
    )
