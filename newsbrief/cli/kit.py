"""What every ``newsbrief`` command shares: error lines, exit codes, listings, the version.

The rules live here once so that the library's commands and the harness's (which build
on this module, never the other way) behave alike: a user error is one line on stderr
with exit 2 and no traceback, Ctrl-C exits 130 (with the command that resumes a run when
there is one), and a listing never cuts a name, in a narrow terminal or through a pipe.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from summarize.core.errors import SummarizeError

EXIT_GATE = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

#: Errors that are the user's to fix: reported in one line, never with a traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (SummarizeError, OSError)

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def version() -> str:
    """The installed distribution's version; a source checkout that is not installed says so."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("newsbrief")
    except PackageNotFoundError:
        return "0+unknown (not installed)"


def stderr_console() -> Console:
    """stderr that never wraps a message: one error is one line, whatever the width."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def check_ask_model_flags(ask_model: bool, code_only: bool, digest_prompt: str | None) -> None:
    """A digest's judgement flags (``newsbrief digest``, ``eval run --task digest``).

    ``--ask-model`` asks the model the digest prompt's yes/no questions; ``--digest-prompt``
    names that prompt, so it goes with ``--ask-model``; ``--code-only`` was the way to ask
    nothing before that became the default: still accepted, with a note.
    """
    ctx = click.get_current_context(silent=True)
    if ask_model and code_only:
        raise click.UsageError("--ask-model and --code-only contradict each other", ctx)
    if digest_prompt is not None and not ask_model:
        raise click.UsageError(
            "--digest-prompt names the questions --ask-model asks: add --ask-model "
            "(a digest asks the model nothing by default)",
            ctx,
        )
    if code_only:
        stderr_console().print(
            "[yellow]note:[/] --code-only is deprecated: a digest asks the model nothing by "
            "default now (--ask-model asks it)"
        )


def error_line(exc: BaseException) -> str:
    """The one-line message of a user error.

    Multi-line messages (a gold file with several problems) keep their first line and say
    how many more problems there are; the command that lists them all is named in it.
    """
    if isinstance(exc, OSError) and not isinstance(exc, SummarizeError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror.lower()}{where}"
    lines = [line for line in (str(exc) or type(exc).__name__).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list) and len(problems) > 1:
        n = len(problems) - 1
        first += f" (and {n} more problem{'s' if n > 1 else ''}; newsbrief gold check lists all)"
    elif len(lines) > 1:
        first += " " + " ".join(line.strip() for line in lines[1:])
    return first


@contextmanager
def warnings_as_lines(err: Console) -> Iterator[None]:
    """Show a warning (a kill artefact repaired, a stale cache entry) as one yellow line."""

    def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        err.print(f"[yellow]warning:[/] {escape(str(message))}")

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def run_cli(group: click.Group, argv: Sequence[str] | None) -> int:
    """Run ``group`` with ``argv`` (default: the process arguments); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    err = stderr_console()
    try:
        with warnings_as_lines(err):
            result = group.main(args=args, prog_name="newsbrief", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "newsbrief"
        message = " ".join(exc.format_message().split())
        err.print(f"[bold red]error:[/] {escape(message)} (see {escape(where)} --help)")
        return EXIT_USER_ERROR
    except click.exceptions.Abort as exc:
        cause = exc.__cause__
        resume = getattr(cause, "resume_command", None)
        if resume:
            err.print(f"[yellow]{escape(str(cause))}[/]")
            err.print(f"Resume with: {escape(resume)}")
        else:
            err.print("interrupted")
        return EXIT_INTERRUPTED
    except click.exceptions.ClickException as exc:
        err.print(f"[bold red]error:[/] {escape(' '.join(exc.format_message().split()))}")
        return EXIT_USER_ERROR
    except USER_ERRORS as exc:
        err.print(f"[bold red]error:[/] {escape(error_line(exc))}")
        return EXIT_USER_ERROR
    return int(result or 0)


# --- shared options ---------------------------------------------------------------------------
def _set_prompts_dir(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        from summarize.prompting import PROMPTS_DIR_ENV

        # Through the environment, so that every loader in this process (the pipeline, an
        # eval run) sees the same folder as the command line names.
        os.environ[PROMPTS_DIR_ENV] = str(Path(value).expanduser().resolve())


def prompts_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--prompts-dir DIR``: your prompt folder, searched before the bundled versions."""
    return click.option(
        "--prompts-dir",
        type=click.Path(path_type=Path, file_okay=False),
        metavar="DIR",
        expose_value=False,
        is_eager=True,
        callback=_set_prompts_dir,
        help="your prompt folder, searched before the bundled versions (default: "
        "$NEWSBRIEF_PROMPTS_DIR, else a per-user data folder)",
    )(func)


def check_output_file(path: Path | None, flag: str) -> None:
    """Refuse an output file whose folder is missing, before any model is loaded."""
    if path is None:
        return
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise SummarizeError(f"{flag} {path}: no such folder {parent}")
    if Path(path).is_dir():
        raise SummarizeError(f"{flag} {path} is a folder; name a file")


# --- listings ---------------------------------------------------------------------------------
def print_listing(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    console: Console | None = None,
) -> None:
    """A table in a wide terminal; tab-separated lines (header first) anywhere else.

    The first column is a name someone will copy (a model string, a run id): a table
    never wraps or cuts it, and where the table would have to (a pipe, a narrow window)
    the plain lines are printed instead, whole.
    """
    console = console or Console()
    widest = max([len(columns[0]), *(len(r[0]) for r in rows)]) if columns else 0
    rest = sum(max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns) if i)
    if not console.is_terminal or console.width < widest + min(rest, 40) + 3 * len(columns) + 1:
        out = console.file
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(row) + "\n")
        out.flush()
        return
    table = Table(title=title, title_justify="left")
    table.add_column(columns[0], no_wrap=True, min_width=widest)
    for column in columns[1:]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*map(escape, row))
    console.print(table)


__all__ = [
    "CONTEXT_SETTINGS",
    "EXIT_GATE",
    "EXIT_INTERRUPTED",
    "EXIT_USER_ERROR",
    "USER_ERRORS",
    "check_output_file",
    "error_line",
    "print_listing",
    "prompts_dir_option",
    "run_cli",
    "stderr_console",
    "version",
    "warnings_as_lines",
]
