"""A comparison as GitHub-flavoured Markdown, for a README or a pull-request comment."""

from __future__ import annotations

from evals.compare import Comparison
from evals.render.console import cell_flag, format_delta, format_value


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def comparison_markdown(comp: Comparison) -> str:
    """The comparison as GitHub-flavoured Markdown, for a README or a PR comment."""
    lines: list[str] = []
    status = (
        "❌ gate failed"
        if comp.failures
        else ("✅ gate passed" if comp.fail_under is not None or comp.max_drop is not None else "")
    )
    lines.append(
        f"**Eval comparison** — {len(comp.articles)} article(s), paired bootstrap "
        f"{comp.confidence:.0%} CI ({comp.n_boot} resamples, seed {comp.seed})"
        + (f" — {status}" if status else "")
    )
    lines.append("")
    head = ["metric"] + [
        f"`{_md_escape(r.run_id)}`<br>{_md_escape(r.model)}<br>{_md_escape(r.prompt)}"
        + ("<br>*(reference)*" if i == 0 else "")
        for i, r in enumerate(comp.runs)
    ]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|---" + "|---:" * len(comp.runs) + "|")
    for row in comp.rows:
        cells = [row.spec.label]
        for cell in row.cells:
            text = format_value(row.spec, cell.value)
            if cell.value_low is not None and cell.value_high is not None:
                text += f" [{cell.value_low:.2f}, {cell.value_high:.2f}]"
            delta = format_delta(row.spec, cell)
            if delta:
                text += f"<br>{delta}"
                flag = cell_flag(comp, row.spec, cell)
                if cell.regression:
                    text = f"**{text}**<br>🔻 {flag}"
                elif flag:
                    text += f"<br>{flag}"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    if comp.notes:
        lines.append("")
        lines.extend(f"> note: {_md_escape(n)}" for n in comp.notes)
    if comp.failures:
        lines.append("")
        lines.append("**Gate failures:**")
        lines.extend(f"- {_md_escape(f)}" for f in comp.failures)
    lines.append("")
    return "\n".join(lines)


__all__ = ["comparison_markdown"]
