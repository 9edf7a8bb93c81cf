"""One self-contained HTML page for a summary run: the article with its evidence highlighted.

The page answers "where in the text does this come from?" in both directions: every item
(party, position, date, dispute) links to each of its evidence spans, and every highlighted
span starts with a small tag that links back to its item. Parties have a colour, and the
positions and disputes of a party take it, so a reader sees who is speaking at a glance.
Items the pipeline dropped (ungrounded) and paragraphs it masked (text addressing a model)
are listed, so that nothing the model claimed is hidden. The page has no script and loads
nothing (styles inline): it opens offline, from a mail attachment, or in a CI artefact.

The template is a file (``templates/summary.html.j2``) shipped as package data and loaded
with :class:`jinja2.PackageLoader`; autoescaping is on, since article text is untrusted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from summarize.core.result import SummaryRun
from summarize.core.schema import Evidence

#: Party colours: (mark background, strong colour for borders and tags). The backgrounds are
#: light enough for black text (contrast > 7:1); the strong colours carry white tag text.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#cfe3ff", "#1f5fbf"),
    ("#ffd9c2", "#b34700"),
    ("#d4f2d0", "#2e7d32"),
    ("#f3d1f4", "#8e24aa"),
    ("#fff1a8", "#8a6d00"),
    ("#c9f0ef", "#00796b"),
    ("#ffd0d6", "#c62828"),
    ("#e2dcff", "#4527a0"),
)
#: Items without a party (dates, a position of a party that was dropped): neutral grey.
NEUTRAL: tuple[str, str] = ("#e4e7eb", "#4a5568")
_KIND_LETTER = {"party": "P", "position": "S", "date": "D", "dispute": "X"}


@dataclass
class EvidenceRef:
    """One evidence span of one item, as the page shows it."""

    id: str
    item_id: str
    kind: str
    label: str
    start: int
    end: int
    quote: str
    colors: tuple[str, str]


@dataclass
class Segment:
    """A run of article text between two span boundaries.

    ``refs`` are the evidence spans covering the run, innermost (shortest) first: the run is
    highlighted in the innermost's colour and links to its item. ``opens`` are the spans
    starting at the run, whose tags are printed before it; ``masked`` is the index of the
    masked span covering it, if any.
    """

    text: str
    refs: list[EvidenceRef] = field(default_factory=list)
    opens: list[EvidenceRef] = field(default_factory=list)
    masked: int | None = None
    masked_opens: bool = False


@dataclass
class Item:
    """One party, position, date or dispute with its evidence spans."""

    id: str
    kind: str
    label: str
    colors: tuple[str, str]
    evidence: list[EvidenceRef]


def _evidence(
    item_id: str, kind: str, label: str, colors: tuple[str, str], spans: list[Evidence]
) -> list[EvidenceRef]:
    return [
        EvidenceRef(f"ev-{item_id}-{k}", item_id, kind, label, e.start, e.end, e.quote, colors)
        for k, e in enumerate(spans)
    ]


def build_items(run: SummaryRun) -> dict[str, list[Item]]:
    """The summary's items with stable ids (``party-0``, ``position-2`` ...) and colours."""
    summary = run.summary
    party_colors: dict[str, tuple[str, str]] = {}
    items: dict[str, list[Item]] = {"party": [], "position": [], "date": [], "dispute": []}
    for i, party in enumerate(summary.parties):
        colors = PALETTE[i % len(PALETTE)]
        for name in party.names():
            party_colors.setdefault(name.casefold(), colors)
        item_id, label = f"party-{i}", f"P{i + 1}"
        items["party"].append(
            Item(
                item_id,
                "party",
                label,
                colors,
                _evidence(item_id, "party", label, colors, party.evidence),
            )
        )

    def color_of(name: str) -> tuple[str, str]:
        found = summary.find_party(name)
        key = found.name if found is not None else name
        return party_colors.get(key.casefold(), NEUTRAL)

    for i, position in enumerate(summary.positions):
        item_id, label, colors = f"position-{i}", f"S{i + 1}", color_of(position.party)
        items["position"].append(
            Item(
                item_id,
                "position",
                label,
                colors,
                _evidence(item_id, "position", label, colors, position.evidence),
            )
        )
    for i, date in enumerate(summary.dates):
        item_id, label = f"date-{i}", f"D{i + 1}"
        items["date"].append(
            Item(
                item_id,
                "date",
                label,
                NEUTRAL,
                _evidence(item_id, "date", label, NEUTRAL, date.evidence),
            )
        )
    for i, dispute in enumerate(summary.disputes):
        first = dispute.sides[0][0] if dispute.sides and dispute.sides[0] else ""
        item_id, label, colors = f"dispute-{i}", f"X{i + 1}", color_of(first)
        items["dispute"].append(
            Item(
                item_id,
                "dispute",
                label,
                colors,
                _evidence(item_id, "dispute", label, colors, dispute.evidence),
            )
        )
    return items


def segment_text(
    text: str, refs: list[EvidenceRef], masked: list[tuple[int, int]]
) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece knows the spans that cover it.

    Spans may nest (a party's name inside a position's sentence) or overlap; cutting at
    every boundary handles both without a tree, and each span still begins at exactly one
    piece, where its tag is printed.
    """
    cuts = {0, len(text)}
    valid = [r for r in refs if 0 <= r.start < r.end <= len(text)]
    for r in valid:
        cuts.update((r.start, r.end))
    for a, b in masked:
        cuts.update((max(0, a), min(len(text), b)))
    bounds = sorted(cuts)
    segments: list[Segment] = []
    for a, b in pairwise(bounds):
        if a == b:
            continue
        covering = sorted(
            (r for r in valid if r.start <= a and b <= r.end), key=lambda r: (r.end - r.start, r.id)
        )
        opens = sorted((r for r in valid if r.start == a), key=lambda r: (-(r.end - r.start), r.id))
        mask = next((i for i, (s, e) in enumerate(masked) if s <= a and b <= e), None)
        masked_opens = mask is not None and masked[mask][0] == a
        segments.append(Segment(text[a:b], covering, opens, mask, masked_opens))
    return segments


@dataclass
class TimelineEntry:
    """A dated item placed on the timeline (``position`` 0-100 along the article's span)."""

    item: Item
    value: str
    text: str
    event: str
    position: float


def _as_date(value: str) -> dt.date | None:
    parts = value.split("-")
    try:
        return dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
    except (ValueError, IndexError):
        return None


def build_timeline(run: SummaryRun, items: list[Item]) -> tuple[list[TimelineEntry], list[Item]]:
    """Dated items in order with a position on a line from the first to the last date, and
    the items whose value is unknown (shown apart, never guessed onto the line)."""
    dated: list[tuple[dt.date, Item, str, str, str]] = []
    undated: list[Item] = []
    for item, ref in zip(items, run.summary.dates, strict=True):
        day = _as_date(ref.value) if ref.value else None
        if day is None or ref.value is None:
            undated.append(item)
        else:
            dated.append((day, item, ref.value, ref.text, ref.event))
    dated.sort(key=lambda d: (d[0], d[1].id))
    if not dated:
        return [], undated
    first, last = dated[0][0], dated[-1][0]
    span = max((last - first).days, 1)
    return [
        TimelineEntry(item, value, text, event, 100 * (day - first).days / span)
        for day, item, value, text, event in dated
    ], undated


def environment() -> Environment:
    """The views' Jinja2 environment: package templates, autoescaping on, strict undefined."""
    return Environment(
        loader=PackageLoader("summarize.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(run: SummaryRun, text: str | None = None) -> str:
    """The page for ``run``; ``text`` is the analysed text (default ``run.text``)."""
    article = run.text if text is None else text
    items = build_items(run)
    refs = [ref for group in items.values() for item in group for ref in item.evidence]
    masked = [(m.start, m.end) for m in run.masked]
    timeline, undated = build_timeline(run, items["date"])
    template = environment().get_template("summary.html.j2")
    return template.render(
        run=run,
        summary=run.summary,
        items=items,
        segments=segment_text(article, refs, masked),
        timeline=timeline,
        undated=undated,
        has_text=bool(article),
        prompt_tokens=run.prompt_tokens,
        completion_tokens=run.completion_tokens,
    )


def write_html(run: SummaryRun, path: Path, text: str | None = None) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return it."""
    path.write_text(render_html(run, text), encoding="utf-8")
    return path
