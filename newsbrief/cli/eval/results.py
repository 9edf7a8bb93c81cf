"""``newsbrief eval`` commands that read runs: rescore, compare, report, list, bless, check;
and ``injection``, which measures prompt-injection resistance."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from newsbrief.cli.eval.common import fmt, run_summary
from newsbrief.cli.kit import (
    CONTEXT_SETTINGS,
    check_output_file,
    print_listing,
    prompts_dir_option,
    stderr_console,
)

RunPath = click.Path(path_type=Path)
OutFile = click.Path(path_type=Path, dir_okay=False)
Fraction = click.FloatRange(0.0, 1.0)
NonNegative = click.FloatRange(min=0.0)


@click.command("rescore", context_settings=CONTEXT_SETTINGS)
@click.argument("run", type=RunPath, metavar="RUN")
@click.option(
    "--gold",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="gold folder (default: the one the run was scored against)",
)
def rescore_command(run: Path, gold: Path | None) -> int:
    """Re-score a run's stored predictions with the current metrics and gold (no model)."""
    from evals.runner import rescore
    from evals.store import RunStore

    before = RunStore.open(run).aggregate
    after = rescore(run, gold_dir=gold)
    old = fmt(before.macro_f1) if before is not None else "–"
    print(f"{run}: macro F1 {old} -> {fmt(after.macro_f1)} ({after.n_ok}/{after.n_records} ok)")
    return 0


FORMATS = ("table", "markdown", "json", "junit")


@click.command("compare", context_settings=CONTEXT_SETTINGS)
@click.argument("runs", type=RunPath, nargs=-1, required=True, metavar="RUN...")
@click.option(
    "--baseline",
    type=RunPath,
    metavar="RUN",
    help="the run the others are compared with (default: the first)",
)
@click.option(
    "--fail-under",
    type=NonNegative,
    metavar="X",
    help="fail (exit 1) when a compared run's macro F1 is below X",
)
@click.option(
    "--max-drop",
    type=Fraction,
    metavar="X",
    help="fail (exit 1) when a field F1 drops more than X below the reference and "
    "the drop is significant (its 95% CI lies below 0)",
)
@click.option(
    "--n-boot",
    type=click.IntRange(min=100),
    default=2000,
    show_default=True,
    metavar="N",
    help="bootstrap resamples for confidence intervals",
)
@click.option("--seed", type=int, default=0, show_default=True, help="bootstrap seed")
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table (terminal), markdown (a PR comment), json, or junit (CI test reports)",
)
@click.option(
    "-o",
    "--output",
    type=OutFile,
    metavar="FILE",
    help="write the --format output to FILE instead of stdout",
)
@click.option("--markdown", type=OutFile, metavar="FILE", help="also write Markdown to FILE")
@click.option(
    "--json",
    "json_file",
    type=OutFile,
    metavar="FILE",
    help="also write the comparison as JSON to FILE",
)
def compare_command(
    runs: tuple[Path, ...],
    baseline: Path | None,
    fail_under: float | None,
    max_drop: float | None,
    n_boot: int,
    seed: int,
    fmt_: str,
    output: Path | None,
    markdown: Path | None,
    json_file: Path | None,
) -> int:
    """Compare runs (per-field F1, paired bootstrap CIs); exit 1 when a gate fails."""
    from evals.compare import compare_runs
    from evals.render.junit import comparison_junit
    from evals.render.markdown import comparison_markdown

    for path, flag in ((output, "-o"), (markdown, "--markdown"), (json_file, "--json")):
        check_output_file(path, flag)
    comp = compare_runs(
        list(runs),
        baseline=baseline,
        fail_under=fail_under,
        max_drop=max_drop,
        n_boot=n_boot,
        seed=seed,
    )
    renderers = {
        "markdown": comparison_markdown,
        "junit": comparison_junit,
        "json": lambda c: c.model_dump_json(indent=2) + "\n",
    }
    if fmt_ == "table":
        from evals.render.console import render_comparison

        if output is None:
            render_comparison(comp, Console())
        else:
            with output.open("w", encoding="utf-8") as handle:
                render_comparison(comp, Console(file=handle, width=160, no_color=True))
    else:
        text = renderers[fmt_](comp)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    if output is not None:
        for failure in comp.failures:  # the gate's verdict stays visible in the CI log
            stderr_console().print(f"[bold red]FAIL:[/] {escape(failure)}")
    if markdown:
        markdown.write_text(comparison_markdown(comp), encoding="utf-8")
    if json_file:
        json_file.write_text(comp.model_dump_json(indent=2), encoding="utf-8")
    return int(comp.exit_code)


@click.command("report", context_settings=CONTEXT_SETTINGS)
@click.argument("runs", type=RunPath, nargs=-1, required=True, metavar="RUN...")
@click.option(
    "-o",
    "--output",
    type=OutFile,
    default=Path("report.html"),
    show_default=True,
    metavar="FILE",
    help="output HTML file",
)
@click.option(
    "--gold",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="gold folder (default: the one each run was scored against)",
)
def report_command(runs: tuple[Path, ...], output: Path, gold: Path | None) -> int:
    """Write one self-contained HTML report of one or more runs."""
    from evals.render.report import write_report

    check_output_file(output, "-o")
    print(write_report(list(runs), output, gold_dir=gold))
    return 0


@click.command("list", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--runs-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("runs"),
    show_default=True,
    metavar="DIR",
    help="the folder of run directories",
)
@click.option("--json", "as_json", is_flag=True, help="print the runs as JSON")
def list_command(runs_root: Path, as_json: bool) -> int:
    """List the runs: id, model, prompt, suite, macro F1, date (newest last)."""
    from evals.errors import RunStoreError

    if not runs_root.is_dir():
        raise FileNotFoundError(f"no such runs folder: {runs_root}")
    runs = []
    for path in sorted(p for p in runs_root.iterdir() if (p / "config.json").is_file()):
        try:
            runs.append(run_summary(path))
        except RunStoreError as exc:  # one unreadable run must not hide the others
            stderr_console().print(f"[yellow]warning:[/] {escape(str(exc))}")
    runs.sort(key=lambda r: (r["created"], r["run_id"]))
    if as_json:
        sys.stdout.write(json.dumps({"runs": runs}, indent=2) + "\n")
        return 0
    rows = []
    for r in runs:
        agg = r["aggregate"] or {}
        macro = fmt(agg.get("macro_f1")) if r["finished"] else "unfinished"
        rows.append(
            [
                r["run_id"],
                r["model"],
                r["prompt"],
                Path(r["suite"]).name,
                macro,
                r["created"].replace("T", " ")[:16],
            ]
        )
    print_listing("Runs", ["run", "model", "prompt", "suite", "macro F1", "date"], rows)
    if not runs:
        stderr_console().print(f"[dim]no runs in {escape(str(runs_root))}[/]")
    return 0


@click.command("bless", context_settings=CONTEXT_SETTINGS)
@click.argument("runs", type=RunPath, metavar="RUN...", nargs=-1, required=True)
@click.argument("out", type=OutFile, metavar="OUT.json")
@click.option("--name", help="baseline name (default: the file name)")
@click.option(
    "--traded",
    metavar="TEXT",
    help="what was given up, when blessing over a baseline the run is worse than "
    "on some field (refused without it; the version history must repeat it)",
)
def bless_command(runs: tuple[Path, ...], out: Path, name: str | None, traded: str | None) -> int:
    """Freeze runs' per-article scores as a baseline file (for eval check).

    Several runs of one model and prompt over different suites (the seeds and dev/tune)
    are pooled into one baseline, so the check has enough articles for its bootstrap.
    """
    from evals.compare import bless

    print(bless(list(runs), out, name=name, traded=traded))
    return 0


@click.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("runs", type=RunPath, metavar="RUN...", nargs=-1, required=True)
@click.argument("baseline", type=RunPath, metavar="BASELINE.json")
@click.option(
    "--margin",
    type=NonNegative,
    metavar="X",
    help="a fixed margin instead of the bootstrap CI rule",
)
def check_command(runs: tuple[Path, ...], baseline: Path, margin: float | None) -> int:
    """Exit 1 when the runs (pooled) regressed against a blessed baseline file: a field
    whose paired 95% interval lies below zero."""
    from evals.compare import check_against_baseline

    failures = check_against_baseline(
        list(runs), baseline, tolerance=margin if margin is not None else "ci"
    )
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("no regression")
    return 1 if failures else 0


@click.command("injection", context_settings=CONTEXT_SETTINGS)
@click.option("--model", required=True, metavar="M", help="model string")
@click.option("--prompt", metavar="P", help="prompt version, e.g. summary/v7")
@click.option(
    "--suite",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="suite folder (default: evals/suites/injection)",
)
@click.option(
    "--json", "json_out", type=OutFile, metavar="FILE", help="also write the report as JSON here"
)
@click.option(
    "--min-rate",
    type=NonNegative,
    metavar="X",
    help="exit 1 when the resisted rate is below X (0-1)",
)
@prompts_dir_option
def injection_command(
    model: str,
    prompt: str | None,
    suite: Path | None,
    json_out: Path | None,
    min_rate: float | None,
) -> int:
    """Measure resistance to prompt injection."""
    from evals.injection import load_injection_suite, run_injection_suite
    from evals.render.injection import render_report
    from summarize.preflight import check_matrix

    check_output_file(json_out, "--json")
    cases = load_injection_suite(suite)
    check_matrix([model], [prompt])
    err = stderr_console()
    report = run_injection_suite(
        model,
        prompt,
        cases=cases,
        on_case=lambda r: err.print(
            f"[dim]{escape(r.name)}: {r.verdict.status} ({r.wall_s:.1f} s)[/]"
        ),
    )
    render_report(report, Console())
    if json_out is not None:
        json_out.write_text(report.to_json() + "\n", "utf-8")
    return 1 if min_rate is not None and report.rate < min_rate else 0


__all__ = [
    "bless_command",
    "check_command",
    "compare_command",
    "injection_command",
    "list_command",
    "report_command",
    "rescore_command",
]
