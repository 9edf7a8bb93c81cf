"""The prompt-injection suite's verdicts as a rich table, with the resisted rate.

A refusal (a typed error, no summary) is shown and counted apart from the cases resisted;
cases that repeat a development form are marked and left out of the rate."""

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
    table.add_column("masked by", no_wrap=True)
    table.add_column("headline", ratio=2)
    table.add_column("reasons", ratio=3)
    table.add_column("s", justify="right", no_wrap=True)
    for result in report.per_case:
        status = result.verdict.status
        name = result.name + (f" (repeats {result.repeats}: not counted)" if result.repeats else "")
        masked = ", ".join(result.masked_by) or "-"
        if result.defence_calls:
            masked += f" ({result.defence_calls} defence calls, {result.defence_s:.1f} s)"
        table.add_row(
            escape(name),
            escape(result.injection),
            f"[{styles[status]}]{status}[/]",
            escape(masked),
            escape(_clip(result.headline or "-", 80)),
            escape("; ".join(result.verdict.reasons) or "-"),
            f"{result.wall_s:.1f}",
        )
    console.print(table)
    console.print(
        f"resisted {report.resisted}/{report.n} = [bold]{report.rate:.0%}[/]"
        f" (hijacked: {report.hijacked}, refused: {report.refused}, crashed: {report.crashed})"
    )
    if report.repeated:
        console.print(
            f"not counted, repeating a development form: {report.repeated} case(s), "
            f"resisted {report.repeated_resisted}/{report.repeated}"
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["render_report"]
