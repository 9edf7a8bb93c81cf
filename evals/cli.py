"""``newsbrief eval ...``: the harness's commands, registered into the ``newsbrief`` command.

    newsbrief eval run [--model M ...] [--prompt P ...] [--repeats N] [--suite DIR] ...
    newsbrief eval rescore RUN [--gold DIR]
    newsbrief eval compare RUN_A RUN_B [...] [--baseline RUN|FILE] [--fail-under X] ...
    newsbrief eval report RUN [RUN ...] -o report.html
    newsbrief eval bless RUN OUT.json | check RUN BASELINE.json
    newsbrief eval injection --model M [--min-rate X]

Exit codes: 0 ok, 1 a gate failed, 2 an error the user can act on (one line, no traceback),
130 after Ctrl-C (with the command that resumes the run). Heavy modules are imported inside
the handlers so that ``newsbrief --help`` stays instant.
"""

from __future__ import annotations

import argparse
import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors that are the user's to fix: reported in one line, never with a traceback."""
    from summarize.errors import SummarizeError  # EvalError is one

    return (SummarizeError, FileNotFoundError, NotADirectoryError)


def _handled(func: Handler) -> Handler:
    """Turn user errors into one line on stderr with exit 2, Ctrl-C into a resume hint + 130."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        err = Console(stderr=True, highlight=False)

        def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
            # A kill artefact being repaired, a stale cache entry: say it in one line.
            err.print(f"[yellow]warning:[/] {escape(str(message))}", soft_wrap=True)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default")
                warnings.showwarning = show
                return int(func(args) or 0)
        except KeyboardInterrupt as exc:
            from evals.runner import RunInterrupted

            if isinstance(exc, RunInterrupted):
                err.print(f"[yellow]{escape(str(exc))}[/]", soft_wrap=True)
                err.print(f"Resume with: {escape(exc.resume_command)}", soft_wrap=True)
            else:
                err.print("interrupted")
            return EXIT_INTERRUPTED
        except Exception as exc:
            if not isinstance(exc, _user_errors()):
                raise
            message = str(exc) or type(exc).__name__
            err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            return EXIT_USER_ERROR

    return wrapper


def register(subparsers: Any) -> None:
    """Add the ``eval`` command group to the ``newsbrief`` argparse CLI."""
    ev = subparsers.add_parser(
        "eval", help="score summaries against gold: run, rescore, compare, report",
        description="Run the eval suite, re-score stored runs, compare runs with a CI gate, "
                    "and write HTML reports.",
    )
    sub = ev.add_subparsers(dest="eval_command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run (model, prompt) pairs over a suite and score them")
    run.add_argument("--model", action="extend", nargs="+", default=[], metavar="M",
                     help="model string(s); one run per model x prompt (default: the "
                          "default model)")
    run.add_argument("--prompt", action="extend", nargs="+", default=[], metavar="P",
                     help="prompt name(s), e.g. summary/v1 summary/v2 (default: the default "
                          "prompt)")
    run.add_argument("--repeats", type=int, default=None, metavar="N",
                     help="runs of every article (for sampling variance; default 1)")
    run.add_argument("--suite", type=Path, metavar="DIR",
                     help="folder of *.txt articles (default: the built-in seed suite and "
                          "its gold)")
    run.add_argument("--gold", type=Path, metavar="DIR",
                     help="gold folder (<article stem>.json) for --suite (default: the suite "
                          "folder itself when it holds gold beside the articles; else the run "
                          "is recorded, not scored)")
    run.add_argument("--runs-root", type=Path, default=Path("runs"), metavar="DIR",
                     help="where run directories go (default: ./runs)")
    run.add_argument("--resume", type=Path, metavar="RUN",
                     help="continue an interrupted run directory; finished articles are kept")
    run.add_argument("--no-cache", action="store_true",
                     help="call the model even when an earlier run has the same prediction")
    run.add_argument("--judge", metavar="M",
                     help="also score faithfulness with this LLM judge (labelled with it; "
                          "never used for gating)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(func=_handled(cmd_run))

    rs = sub.add_parser("rescore", help="re-score a run's stored predictions (no model calls)")
    rs.add_argument("run", type=Path, metavar="RUN")
    rs.add_argument("--gold", type=Path, metavar="DIR",
                    help="gold folder (default: the one the run was scored against)")
    rs.set_defaults(func=_handled(cmd_rescore))

    cp = sub.add_parser("compare", help="compare runs; exit non-zero when a gate fails")
    cp.add_argument("runs", type=Path, nargs="+", metavar="RUN")
    cp.add_argument("--baseline", type=Path, metavar="RUN",
                    help="the run the others are compared with (default: the first)")
    cp.add_argument("--fail-under", type=float, metavar="X",
                    help="fail when a compared run's macro F1 is below X")
    cp.add_argument("--max-drop", type=float, metavar="X",
                    help="fail when any field F1 drops more than X below the reference "
                         "and the drop is significant (its 95%% CI lies below 0)")
    cp.add_argument("--n-boot", type=int, default=2000, metavar="N",
                    help="bootstrap resamples for confidence intervals (default 2000)")
    cp.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    cp.add_argument("--markdown", type=Path, metavar="FILE",
                    help="also write the table as Markdown (for a README or a PR comment)")
    cp.add_argument("--json", type=Path, metavar="FILE", help="also write the comparison as JSON")
    cp.set_defaults(func=_handled(cmd_compare))

    rp = sub.add_parser("report", help="write an HTML report of one or more runs")
    rp.add_argument("runs", type=Path, nargs="+", metavar="RUN")
    rp.add_argument("-o", "--output", type=Path, default=Path("report.html"), metavar="FILE",
                    help="output HTML file (default: report.html)")
    rp.add_argument("--gold", type=Path, metavar="DIR",
                    help="gold folder (default: the one each run was scored against)")
    rp.set_defaults(func=_handled(cmd_report))

    bl = sub.add_parser("bless", help="freeze a run's per-article scores as a baseline file")
    bl.add_argument("run", type=Path, metavar="RUN")
    bl.add_argument("out", type=Path, metavar="OUT.json")
    bl.add_argument("--name", help="baseline name (default: the file name)")
    bl.set_defaults(func=_handled(cmd_bless))

    ck = sub.add_parser("check", help="exit 1 when a run regressed against a baseline file")
    ck.add_argument("run", type=Path, metavar="RUN")
    ck.add_argument("baseline", type=Path, metavar="BASELINE.json")
    ck.add_argument("--margin", type=float, metavar="X",
                    help="a fixed margin instead of the bootstrap CI rule")
    ck.set_defaults(func=_handled(cmd_check))

    inj = sub.add_parser("injection", help="measure resistance to prompt injection")
    inj.add_argument("--model", required=True, metavar="M", help="model string")
    inj.add_argument("--prompt", metavar="P", help="prompt name, e.g. summary/v7")
    inj.add_argument("--suite", type=Path, metavar="DIR",
                     help="suite folder (default: evals/suites/injection)")
    inj.add_argument("--json", type=Path, dest="json_out", metavar="FILE",
                     help="also write the report as JSON here")
    inj.add_argument("--min-rate", type=float, metavar="X",
                     help="exit 1 when the resisted rate is below X (0-1)")
    inj.set_defaults(func=_handled(cmd_injection))


# --- handlers ---------------------------------------------------------------------------------
def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def runs_table(run_dirs: list[Path]) -> Table:
    """One row per run: which run, how many succeeded, the headline scores and the cost.

    The run id names the model and the prompt; the full paths are printed on stdout.
    """
    from evals.store import RunStore

    table = Table(title="Runs", title_justify="left")
    table.add_column("run", overflow="fold")
    for column in ("ok", "macro F1", "grounding", "valid", "s/art", "calls"):
        table.add_column(column, justify="right", no_wrap=True)
    for run_dir in run_dirs:
        store = RunStore.open(run_dir)
        agg = store.aggregate
        if agg is None:
            table.add_row(escape(run_dir.name), "unfinished", "", "", "", "", "")
            continue
        table.add_row(
            escape(run_dir.name), f"{agg.n_ok}/{agg.n_records}", _fmt(agg.macro_f1),
            _fmt(agg.grounding_rate), _fmt(agg.validity_rate, 2), _fmt(agg.median_wall_s, 1),
            str(agg.total_calls),
        )
    return table


def cmd_run(args: argparse.Namespace) -> int:
    from evals.runner import run_suite

    if args.gold is not None and args.suite is None and args.resume is None:
        from evals.errors import RunStoreError

        raise RunStoreError("--gold goes with --suite (the built-in suite has its own gold)")
    err = Console(stderr=True)
    if args.suite is not None and args.gold is None and args.resume is None:
        if any(p.with_suffix(".json").is_file() for p in Path(args.suite).glob("*.txt")):
            args.gold = args.suite  # the documented layout: <id>.txt beside its <id>.json
        else:
            err.print("[yellow]note:[/] no --gold: predictions are recorded but not scored",
                      soft_wrap=True)
    dirs = run_suite(
        args.model, args.prompt or [None], suite_dir=args.suite, gold_dir=args.gold,
        repeats=args.repeats, runs_root=args.runs_root, resume=args.resume,
        use_cache=not args.no_cache, judge=args.judge, progress=not args.no_progress,
        console=err,
    )
    for run_dir in dirs:
        print(run_dir)
    Console(stderr=True).print(runs_table(dirs))
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from evals.runner import rescore
    from evals.store import RunStore

    before = RunStore.open(args.run).aggregate
    after = rescore(args.run, gold_dir=args.gold)
    old = _fmt(before.macro_f1) if before is not None else "–"
    print(f"{args.run}: macro F1 {old} -> {_fmt(after.macro_f1)} "
          f"({after.n_ok}/{after.n_records} ok)")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from evals.compare import compare_runs
    from evals.render.console import render_comparison
    from evals.render.markdown import comparison_markdown

    comp = compare_runs(list(args.runs), baseline=args.baseline, fail_under=args.fail_under,
                        max_drop=args.max_drop, n_boot=args.n_boot, seed=args.seed)
    render_comparison(comp, Console())
    if args.markdown:
        args.markdown.write_text(comparison_markdown(comp), encoding="utf-8")
    if args.json:
        args.json.write_text(comp.model_dump_json(indent=2), encoding="utf-8")
    return int(comp.exit_code)


def cmd_report(args: argparse.Namespace) -> int:
    from evals.render.report import write_report

    print(write_report(list(args.runs), args.output, gold_dir=args.gold))
    return 0


def cmd_bless(args: argparse.Namespace) -> int:
    from evals.compare import bless

    print(bless(args.run, args.out, name=args.name))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from evals.compare import check_against_baseline

    failures = check_against_baseline(
        args.run, args.baseline, tolerance=args.margin if args.margin is not None else "ci"
    )
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("no regression")
    return 1 if failures else 0


def cmd_injection(args: argparse.Namespace) -> int:
    from evals.injection import load_injection_suite, run_injection_suite
    from evals.render.injection import render_report

    err = Console(stderr=True)
    report = run_injection_suite(
        args.model, args.prompt, cases=load_injection_suite(args.suite),
        on_case=lambda r: err.print(f"[dim]{escape(r.name)}: {r.verdict.status} "
                                    f"({r.wall_s:.1f} s)[/]"),
    )
    render_report(report, Console())
    if args.json_out is not None:
        args.json_out.write_text(report.to_json() + "\n", "utf-8")
    return 1 if args.min_rate is not None and report.rate < args.min_rate else 0


__all__ = ["cmd_bless", "cmd_check", "cmd_compare", "cmd_injection", "cmd_report", "cmd_rescore",
           "cmd_run", "register", "runs_table"]
