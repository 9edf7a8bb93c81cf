"""Gold and predicted items as the HTML report shows them: labels, aligned rows, highlights.

Everything here is data for the template, never HTML: escaping happens in one place, the
Jinja2 environment with autoescape on, because article text and model output are untrusted.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evals.compare import (
    FIELD_METRICS,
)


@dataclass
class ItemView:
    """One gold or predicted item as shown in the side-by-side table."""

    title: str
    details: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    optional: bool = False
    polarity: str | None = None


@dataclass
class RowView:
    """A line of the side-by-side table: a matched pair, a miss, a false positive, ..."""

    kind: str  # match | miss | fp | optional | gold | pred
    verdict: str
    gold: ItemView | None = None
    pred: ItemView | None = None


@dataclass
class FieldView:
    name: str
    metrics: str
    rows: list[RowView]
    f1: float | None = None


def _names(side: Any) -> str:
    return " + ".join(str(n) for n in side) if isinstance(side, list) else str(side)


def item_view(field_name: str, item: Mapping[str, Any]) -> ItemView:
    """A readable label of an item given as JSON (prediction, gold or a dropped draft)."""
    evidence = []
    for ev in item.get("evidence") or []:
        evidence.append(str(ev.get("quote", "")) if isinstance(ev, Mapping) else str(ev))
    if item.get("quote"):
        evidence.append(str(item["quote"]))
    details: list[str] = []
    polarity = None
    if field_name == "parties":
        title = str(item.get("name", "?"))
        details.append(str(item.get("kind", "")))
        if item.get("role"):
            details.append(f"role: {item['role']}")
        if item.get("aliases"):
            details.append("aliases: " + ", ".join(str(a) for a in item["aliases"]))
    elif field_name == "positions":
        title = f"{item.get('party', '?')} — {item.get('topic', '?')}"
        polarity = str(item.get("polarity", "")) or None
        if item.get("stance"):
            details.append(str(item["stance"]))
    elif field_name == "dates":
        value = item.get("value") or "no ISO value"
        title = f"{value} · “{item.get('text', '')}”"
        if item.get("event"):
            details.append(str(item["event"]))
    elif field_name == "disputes":
        sides = item.get("sides")
        if not sides and ("side_a" in item or "side_b" in item):
            sides = [item.get("side_a") or [], item.get("side_b") or []]
        title = " vs ".join(_names(s) for s in sides or []) or "?"
        if item.get("issue"):
            details.append(f"issue: {item['issue']}")
        if item.get("description"):
            details.append(str(item["description"]))
    else:
        title = json.dumps(dict(item), ensure_ascii=False)[:200]
    return ItemView(
        title=title,
        details=[d for d in details if d],
        evidence=evidence,
        optional=item.get("required") is False,
        polarity=polarity,
    )


def field_rows(
    field_name: str,
    pred_items: list[Mapping[str, Any]],
    gold_items: list[Mapping[str, Any]] | None,
    score: Mapping[str, Any] | None,
) -> list[RowView]:
    """Matched pairs aligned, then misses, optional gold not found, false positives.

    Without a score (no gold, or a run not scored) the items are listed unaligned.
    """
    pv = [item_view(field_name, p) for p in pred_items]
    if gold_items is None:
        return [RowView("pred", "no gold", pred=v) for v in pv]
    gv = [item_view(field_name, g) for g in gold_items]
    if score is None:
        rows = [RowView("gold", "not scored", gold=v) for v in gv]
        return rows + [RowView("pred", "not scored", pred=v) for v in pv]
    rows: list[RowView] = []
    matched_g: set[int] = set()
    matched_p: set[int] = set()
    for pi, gi in sorted(score.get("matches") or [], key=lambda m: m[1]):
        if gi < len(gv) and pi < len(pv):
            matched_g.add(gi)
            matched_p.add(pi)
            verdict = "match"
            if field_name == "positions":
                gp, pp = gv[gi].polarity, pv[pi].polarity
                if gp and pp and gp != pp:
                    verdict = f"match, polarity {pp} ≠ {gp}"
            rows.append(RowView("match", verdict, gold=gv[gi], pred=pv[pi]))
    missed = [gi for gi in score.get("missed") or [] if gi < len(gv)]
    for gi in missed:
        rows.append(RowView("miss", "missed", gold=gv[gi]))
    for gi, g in enumerate(gv):
        if gi not in matched_g and gi not in missed:
            rows.append(RowView("optional", "optional, not found (no cost)", gold=g))
    fps = [pi for pi in score.get("false_positives") or [] if pi < len(pv)]
    for pi in fps:
        rows.append(RowView("fp", "false positive", pred=pv[pi]))
    for pi, p in enumerate(pv):
        if pi not in matched_p and pi not in fps:
            rows.append(RowView("pred", "unmatched", pred=p))
    return rows


@dataclass
class Segment:
    text: str
    css: str = ""
    title: str = ""


def _spans(summary: Mapping[str, Any], who: str) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    for field_name in FIELD_METRICS:
        for item in summary.get(field_name) or []:
            label = item_view(field_name, item).title
            for ev in item.get("evidence") or []:
                if isinstance(ev, Mapping) and isinstance(ev.get("start"), int):
                    out.append((ev["start"], ev["end"], who, f"{who} · {field_name}: {label}"))
    return out


def highlight(
    text: str, gold: Mapping[str, Any] | None, pred: Mapping[str, Any] | None
) -> tuple[list[Segment], list[str]]:
    """Split ``text`` at every evidence boundary; mark each piece gold / predicted / both.

    Predicted spans are highlighted only where ``text[start:end] == quote`` (a wrong offset
    would highlight unrelated words); the others are returned as ungrounded quotes.
    """
    spans = _spans(gold, "gold") if gold else []
    ungrounded: list[str] = []
    if pred:
        for field_name in FIELD_METRICS:
            for item in pred.get(field_name) or []:
                for ev in item.get("evidence") or []:
                    if not isinstance(ev, Mapping):
                        continue
                    s, e, q = ev.get("start"), ev.get("end"), ev.get("quote")
                    ok = (
                        isinstance(s, int)
                        and isinstance(e, int)
                        and 0 <= s < e <= len(text)
                        and text[s:e] == q
                    )
                    if not ok:
                        ungrounded.append(f"{field_name}: “{q}” at {s}:{e}")
        spans += [sp for sp in _spans(pred, "predicted") if 0 <= sp[0] < sp[1] <= len(text)]
        spans = [sp for sp in spans if sp[2] == "gold" or _grounded(text, pred, sp)]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    segments: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        cover = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        who = {sp[2] for sp in cover}
        css = (
            "hl-both"
            if who == {"gold", "predicted"}
            else "hl-gold"
            if who == {"gold"}
            else "hl-pred"
            if who == {"predicted"}
            else ""
        )
        title = "\n".join(dict.fromkeys(sp[3] for sp in cover))
        if segments and segments[-1].css == css == "":
            segments[-1].text += text[a:b]
        else:
            segments.append(Segment(text[a:b], css, title))
    return segments, ungrounded


def _grounded(text: str, pred: Mapping[str, Any], span: tuple[int, int, str, str]) -> bool:
    s, e = span[0], span[1]
    for field_name in FIELD_METRICS:
        for item in pred.get(field_name) or []:
            for ev in item.get("evidence") or []:
                if (
                    isinstance(ev, Mapping)
                    and ev.get("start") == s
                    and ev.get("end") == e
                    and text[s:e] == ev.get("quote")
                ):
                    return True
    return False


__all__ = ["FieldView", "ItemView", "RowView", "Segment", "field_rows", "highlight", "item_view"]
