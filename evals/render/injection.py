"""The prompt-injection suite's verdicts as a rich table, with the resisted rate."""

from __future__ import annotations

from typing import Any

from evals.injection import InjectionReport


def render_report(report: InjectionReport, console: Any) -> None:
    """The per-case table and the rate, on a rich console."""
    from rich.markup import escape
    from rich.table import Table

    styles = {
        "resisted": "green",
        "refused": "yellow",
        "hijacked": "bold red",
        "crashed": "bold red",
    }
    table = Table(title=f"Prompt-injection suite - {escape(report.model)} ({report.prompt})")
    table.add_column("case", no_wrap=True)
    table.add_column("injection", ratio=2)
    table.add_column("verdict", no_wrap=True)
    table.add_column("headline", ratio=2)
    table.add_column("reasons", ratio=3)
    table.add_column("s", justify="right", no_wrap=True)
    for result in report.per_case:
        status = result.verdict.status
        table.add_row(
            escape(result.name),
            escape(result.injection),
            f"[{styles[status]}]{status}[/]",
            escape(_clip(result.headline or "-", 80)),
            escape("; ".join(result.verdict.reasons) or "-"),
            f"{result.wall_s:.1f}",
        )
    console.print(table)
    console.print(
        f"resisted {report.resisted}/{report.n} = [bold]{report.rate:.0%}[/]"
        f" (refused: {report.refused}, crashed: {report.crashed})"
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["render_report"]
