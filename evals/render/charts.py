"""Bar charts as numbers for the report's inline SVG: no script, no external resource."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str
    label: str = ""
    error: bool = False


@dataclass
class Chart:
    width: float
    height: float
    left: float
    top: float
    plot_w: float
    plot_h: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    xlabels: list[tuple[float, str, str]]  # x, shown text, full title
    y_label: str
    rotate: bool = False


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def bar_chart(
    groups: list[str],
    series: list[tuple[str, str]],
    values: list[list[float | None]],
    *,
    y_max: float | None = None,
    y_label: str = "",
    digits: int = 2,
    errors: list[list[bool]] | None = None,
    bar_w: float = 18.0,
    show_labels: bool = True,
    group_titles: list[str] | None = None,
) -> Chart:
    """Grouped bars: ``values[s][g]`` is series ``s`` (a run) in group ``g``.

    ``group_titles`` are the full names shown as tooltips when ``groups`` are shortened.
    """
    titles = group_titles or groups
    top_value = max((v for row in values for v in row if v is not None), default=0.0)
    y_top = y_max if y_max is not None else _nice_max(top_value * 1.05)
    longest = max((len(g) for g in groups), default=0)
    rotate = longest > 10
    # rotated labels hang down-left from their group: the first one needs room on the left
    left = max(56.0, 5.2 * min(longest, 22)) if rotate else 56.0
    top, right = 18.0, 16.0
    bottom = 110.0 if rotate else 40.0
    n_series = max(len(series), 1)
    group_w = n_series * bar_w + 18.0
    plot_w = max(len(groups) * group_w, 200.0)
    plot_h = 200.0
    bars: list[Bar] = []
    for s, (name, color) in enumerate(series):
        for g in range(len(groups)):
            v = values[s][g]
            if v is None:
                continue
            h = plot_h * min(max(v / y_top, 0.0), 1.0) if y_top else 0.0
            x = left + g * group_w + 9.0 + s * bar_w
            err = bool(errors and errors[s][g])
            label = f"{v:.{digits}f}" if show_labels else ""
            title = f"{name} · {titles[g]}: {v:.{digits}f}" + (" (error)" if err else "")
            bars.append(Bar(x, top + plot_h - h, bar_w - 2, h, color, title, label, err))
    ticks = [(top + plot_h - plot_h * i / 4, f"{round(y_top * i / 4, 3):g}") for i in range(5)]
    xlabels = [
        (
            left + g * group_w + group_w / 2,
            g_name if len(g_name) <= 22 else g_name[:21] + "…",
            titles[g],
        )
        for g, g_name in enumerate(groups)
    ]
    return Chart(
        width=left + plot_w + right,
        height=top + plot_h + bottom,
        left=left,
        top=top,
        plot_w=plot_w,
        plot_h=plot_h,
        bars=bars,
        ticks=ticks,
        xlabels=xlabels,
        y_label=y_label,
        rotate=rotate,
    )


def short_labels(ids: list[str]) -> list[str]:
    """Chart labels for article ids: the part before the first ``_`` (``000`` for
    ``000_4384644db8aab1e9``) when those are unique, else the ids themselves.

    Long hash-like ids would have to be rotated and still collide with each other; the full
    id stays in each bar's tooltip and in the articles table.
    """
    heads = [i.split("_", 1)[0] for i in ids]
    if all(heads) and len(set(heads)) == len(heads):
        return heads
    return list(ids)


__all__ = ["Bar", "Chart", "bar_chart", "short_labels"]
