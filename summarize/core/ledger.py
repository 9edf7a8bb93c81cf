"""The ledger of one run: every call, raw answer and dropped item, passed down the passes.

One object travels down through the passes and the grounding step, so the cost of an
answer (failed re-asks included) is never lost on the way up an exception: a backend error
is given the ledger's calls before it leaves the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summarize.core.backend import CallRecord, StructuredResult
from summarize.core.errors import BackendError
from summarize.core.result import Choice, DroppedItem


@dataclass
class Ledger:
    """What a run spent and what it set aside, in order."""

    calls: list[CallRecord] = field(default_factory=list)
    raw_outputs: list[str] = field(default_factory=list)
    dropped: list[DroppedItem] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    def record(self, result: StructuredResult) -> None:
        """A call that produced an answer."""
        self.calls += result.calls
        self.raw_outputs.append(result.raw_output or "")

    def record_failure(self, exc: BackendError) -> None:
        """A call that failed: its tries are paid for, and the error no longer carries them."""
        self.calls += exc.calls
        exc.calls = []
        self.raw_outputs.append(getattr(exc, "raw_output", None) or "")

    def choose(
        self, kind: str, about: str, options: list[str], chosen: str | None, *, by: str
    ) -> None:
        """Record a choice among options code offered (who chose, and what)."""
        self.choices.append(Choice(kind=kind, about=about, options=options, chosen=chosen, by=by))  # type: ignore[arg-type]

    def drop(self, field_name: str, item: dict, reason: str) -> None:
        self.dropped.append(DroppedItem(field=field_name, item=item, reason=reason))
