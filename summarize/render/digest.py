"""One self-contained HTML page for a story digest: the story across its sources, grounded.

The page shows what the sources say together and where each one says it: the timeline
(events in order, each source's own date words and precision), a party × source matrix
(which article names which party, each mark linking to the words that name it), the
positions, the disputes and the discrepancies (each version beside the others, with its own
evidence), and the text of every article with every evidence span highlighted. Links go both
ways: an item's evidence links to its span in its article, and a small tag before each span
links back to the item (a discrepancy's spans link to their version).

Like the per-article view (:mod:`summarize.render.html`, whose segmentation, palette and
shared styles it reuses) the page has no script and loads nothing; autoescaping is on, since
article text is untrusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.core.digest import SourceEvidence
from summarize.core.result import DigestRun
from summarize.render.html import NEUTRAL, PALETTE, EvidenceRef, Segment, environment, segment_text

#: Discrepancy versions: their own colour, never a party's.
DISCREPANCY: tuple[str, str] = ("#fde2e2", "#9b1c1c")
#: Timeline value length -> the precision the sources agree on.
PRECISION = {4: "year", 7: "month", 10: "day"}


@dataclass
class Source:
    """One article of the story as the page names it: ``A1``, ``A2``... in story order."""

    index: int
    id: str
    label: str
    anchor: str
    title: str | None
    published: str | None
    source: str | None


@dataclass
class SpanRef(EvidenceRef):
    """An evidence span in one article of the story."""

    source: Source


@dataclass
class Item:
    """One party, position, event, dispute or discrepancy version, with its spans."""

    id: str
    kind: str
    label: str
    colors: tuple[str, str]
    evidence: list[SpanRef]
    sources: list[Source]
    data: Any = None
    versions: list[Item] = field(default_factory=list)


@dataclass
class ArticleView:
    """One article's text cut at its spans (empty when the run did not record the text)."""

    source: Source
    segments: list[Segment]
    spans: int


@dataclass
class EventView:
    """A timeline event: its item, precision and each source's own dating."""

    item: Item
    value: str | None
    precision: str
    dates: list[tuple[Source, str, str | None]]


@dataclass
class MatrixCell:
    """Whether an article names a party: the name it uses and the span to link to."""

    source: Source
    name: str | None = None
    evidence: SpanRef | None = None


def precision(value: str | None) -> str:
    """``day``, ``month`` or ``year`` for an ISO date value; ``undated`` for None."""
    return "undated" if value is None else PRECISION.get(len(value), "date")


class _Builder:
    def __init__(self, run: DigestRun) -> None:
        digest = run.digest
        self.sources = {
            a.id: Source(
                i,
                a.id,
                f"A{i + 1}",
                f"article-{i}",
                a.title,
                str(a.published) if a.published else None,
                a.source,
            )
            for i, a in enumerate(digest.articles)
        }
        self.spans: dict[str, list[SpanRef]] = {a: [] for a in self.sources}
        self.party_colors = {
            p.name: PALETTE[i % len(PALETTE)] for i, p in enumerate(digest.parties)
        }

    def item(
        self,
        item_id: str,
        kind: str,
        label: str,
        colors: tuple[str, str],
        evidence: list[SourceEvidence],
        articles: list[str],
        data: Any = None,
    ) -> Item:
        refs = []
        for k, e in enumerate(evidence):
            ref = SpanRef(
                f"ev-{item_id}-{k}",
                item_id,
                kind,
                label,
                e.start,
                e.end,
                e.quote,
                colors,
                self.sources[e.article],
            )
            refs.append(ref)
            self.spans[e.article].append(ref)
        ordered = sorted({self.sources[a].index: self.sources[a] for a in articles}.items())
        return Item(item_id, kind, label, colors, refs, [s for _, s in ordered], data)

    def color(self, party: str) -> tuple[str, str]:
        return self.party_colors.get(party, NEUTRAL)


def build_view(run: DigestRun) -> dict[str, Any]:
    """Everything the template shows, with stable ids (``party-0``, ``event-3``,
    ``discrepancy-1-0`` for a version, ``ev-<item>-<k>`` for a span)."""
    digest, texts = run.digest, run.texts
    b = _Builder(run)
    parties = [
        b.item(f"party-{i}", "party", f"P{i + 1}", b.color(p.name), p.evidence, p.articles, p)
        for i, p in enumerate(digest.parties)
    ]
    positions = [
        b.item(
            f"position-{i}", "position", f"S{i + 1}", b.color(p.party), p.evidence, p.articles, p
        )
        for i, p in enumerate(digest.positions)
    ]
    events = []
    for i, e in enumerate(digest.timeline):
        item = b.item(f"event-{i}", "event", f"T{i + 1}", NEUTRAL, e.evidence, e.articles, e)
        events.append(
            EventView(
                item,
                e.value,
                precision(e.value),
                [(b.sources[d.article], d.text, d.value) for d in e.dates],
            )
        )
    disputes = []
    for i, d in enumerate(digest.disputes):
        first = d.sides[0][0] if d.sides and d.sides[0] else ""
        disputes.append(
            b.item(
                f"dispute-{i}", "dispute", f"X{i + 1}", b.color(first), d.evidence, d.articles, d
            )
        )
    discrepancies = []
    for i, d in enumerate(digest.discrepancies):
        versions = [
            b.item(
                f"discrepancy-{i}-{j}",
                "discrepancy",
                f"D{i + 1}{_letter(j)}",
                DISCREPANCY,
                v.evidence,
                [v.article],
                v,
            )
            for j, v in enumerate(d.versions)
        ]
        discrepancies.append(
            Item(
                f"discrepancy-{i}",
                "discrepancy",
                f"D{i + 1}",
                DISCREPANCY,
                [r for v in versions for r in v.evidence],
                [s for v in versions for s in v.sources],
                d,
                versions,
            )
        )
    matrix = []
    for party, item in zip(digest.parties, parties, strict=True):
        named = {m.article: m.name for m in party.mentions}
        row = []
        for source in b.sources.values():
            ref = next((r for r in item.evidence if r.source is source), None)
            if source.id in named or source.id in party.articles or ref is not None:
                row.append(MatrixCell(source, named.get(source.id, party.name), ref))
            else:
                row.append(MatrixCell(source))
        matrix.append((item, row))
    articles = []
    for source in b.sources.values():
        text = texts.get(source.id, "")
        summary_run = run.summaries.get(source.id)
        masked = [(m.start, m.end) for m in summary_run.masked] if summary_run else []
        refs = b.spans[source.id]
        segments = segment_text(text, list(refs), masked) if text else []
        if segments and not segments[-1].refs and segments[-1].masked is None:
            segments[-1].text = segments[-1].text.rstrip()  # no blank tail under pre-wrap
        articles.append(ArticleView(source, segments, len(refs)))
    return {
        "sources": list(b.sources.values()),
        "parties": parties,
        "positions": positions,
        "events": events,
        "disputes": disputes,
        "discrepancies": discrepancies,
        "matrix": matrix,
        "articles": articles,
    }


def _letter(j: int) -> str:
    return chr(ord("a") + j) if j < 26 else f"-{j + 1}"


def render_digest_html(run: DigestRun) -> str:
    """The page for a digest run (texts from ``run.summaries``)."""
    template = environment().get_template("digest.html.j2")
    cached = [a for a in run.digest.articles if a.id in set(run.cached)]
    return template.render(
        run=run,
        digest=run.digest,
        n_cached=len(cached),
        n_summarized=len(run.digest.articles) - len(cached),
        **build_view(run),
    )


def write_digest_html(run: DigestRun, path: Path) -> Path:
    """Write :func:`render_digest_html` to ``path`` (UTF-8) and return it."""
    path.write_text(render_digest_html(run), encoding="utf-8")
    return path


__all__ = ["build_view", "precision", "render_digest_html", "write_digest_html"]
