"""A comparison as a rich table in the terminal: values, intervals, deltas and verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evals.compare import Comparison, MetricCell, MetricSpec

if TYPE_CHECKING:
    from rich.console import Console


def format_value(spec: MetricSpec, value: float | None) -> str:
    """A metric value as a reader wants it: 3 decimals for scores, 1 for seconds."""
    if value is None:
        return "—"
    if spec.unit == "seconds":
        return f"{value:.1f}"
    if spec.unit == "tokens":
        return f"{value:.0f}"
    return f"{value:.3f}"


def format_delta(spec: MetricSpec, cell: MetricCell) -> str:
    """``Δ -0.052 [-0.090, -0.011]`` (empty for the reference or an unpaired metric)."""
    if cell.delta is None:
        return ""
    digits = {"seconds": 1, "tokens": 0}.get(spec.unit, 3)
    return f"Δ {cell.delta:+.{digits}f} [{cell.ci_low:+.{digits}f}, {cell.ci_high:+.{digits}f}]"


def cell_flag(comp: Comparison, spec: MetricSpec, cell: MetricCell) -> str:
    """A short verdict word: ``regression``, ``regression (n.s.)``, ``better``, ``worse``."""
    if cell.regression:
        return "regression" if cell.significant else "regression (n.s.)"
    if cell.improvement:
        return "better"
    if cell.significant:
        return "worse"
    return ""


def render_comparison(comp: Comparison, console: Console) -> None:
    """Print the comparison as a rich table (metrics × runs), then notes and the gate."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{len(comp.articles)} article(s) · paired bootstrap {comp.confidence:.0%} CI "
        f"({comp.n_boot} resamples, seed {comp.seed})",
        show_lines=True,
    )
    table.add_column("metric", style="bold", overflow="fold")
    for i, run in enumerate(comp.runs):
        head = Text()
        head.append(run.run_id, style="bold")
        head.append(f"\n{run.model}\n{run.prompt}")
        if i == 0:
            head.append("\n(reference)", style="dim")
        table.add_column(head, justify="right", overflow="fold")  # run ids are never cut
    for row in comp.rows:
        cells: list[Text] = []
        for cell in row.cells:
            text = Text(format_value(row.spec, cell.value))
            if cell.value_low is not None and cell.value_high is not None:
                text.append(f" [{cell.value_low:.2f}, {cell.value_high:.2f}]", style="dim")
            delta = format_delta(row.spec, cell)
            if delta:
                flag = cell_flag(comp, row.spec, cell)
                style = (
                    "bold red"
                    if cell.regression
                    else "green"
                    if cell.improvement
                    else "yellow"
                    if cell.significant
                    else "dim"
                )
                text.append(f"\n{delta}", style=style)
                if flag:
                    text.append(f"\n{flag}", style=style)
                if cell.regression:
                    text.stylize("bold red", 0, len(format_value(row.spec, cell.value)))
            cells.append(text)
        table.add_row(row.spec.label, *cells)
    console.print(table)
    for note in comp.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if comp.failures:
        for failure in comp.failures:
            console.print(Text(f"FAIL: {failure}", style="bold red"))
        console.print(Text(f"gate failed (exit {comp.exit_code})", style="bold red"))
    elif comp.fail_under is not None or comp.max_drop is not None:
        console.print(Text("gate passed (exit 0)", style="bold green"))


__all__ = ["cell_flag", "format_delta", "format_value", "render_comparison"]
