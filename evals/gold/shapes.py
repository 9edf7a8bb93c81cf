"""Gold items: the prediction shapes plus ``required``, with every validator inherited.

Gold obeys the rules a prediction obeys (quote length, ISO precision, references that
resolve) because it subclasses :mod:`summarize.core.schema`; ``required: false`` marks an
item a careful reader could omit, so missing it costs nothing (``ANNOTATION_GUIDE.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from summarize.core.schema import ArticleSummary, DateRef, Dispute, Party, Position

ITEM_FIELDS: tuple[str, ...] = ("parties", "positions", "dates", "disputes")


class GoldParty(Party):
    """A gold party; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldPosition(Position):
    """A gold position; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldDateRef(DateRef):
    """A gold date; ``required=False`` e.g. when resolving it needed outside knowledge."""

    required: bool = Field(default=True, strict=True)


class GoldDispute(Dispute):
    """A gold dispute; ``required=False`` when a careful reader could reasonably omit it."""

    required: bool = Field(default=True, strict=True)


class GoldSummary(ArticleSummary):
    """The gold structured summary of one article (``article`` is the seed's file name)."""

    article: str = Field(min_length=1)
    parties: list[GoldParty] = Field(default_factory=list)  # type: ignore[assignment]
    positions: list[GoldPosition] = Field(default_factory=list)  # type: ignore[assignment]
    dates: list[GoldDateRef] = Field(default_factory=list)  # type: ignore[assignment]
    disputes: list[GoldDispute] = Field(default_factory=list)  # type: ignore[assignment]


@dataclass
class GoldCase:
    """One article of a suite, with its gold when the suite has gold for it.

    ``path`` is the article file. ``gold_path`` and ``gold_sha256`` (of the exact gold
    bytes parsed) record where the gold came from, for run provenance.
    """

    article_id: str
    path: Path
    text: str
    gold: GoldSummary | None
    gold_path: Path | None = None
    gold_sha256: str | None = None
