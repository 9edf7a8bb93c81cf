"""``newsbrief eval run``: (model × prompt) runs over a suite, new, resumed or retried."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from newsbrief.cli.engine import engine_options
from newsbrief.cli.eval.common import digest_run_summary, print_runs, run_summary
from newsbrief.cli.kit import (
    CONTEXT_SETTINGS,
    check_ask_model_flags,
    prompts_dir_option,
    stderr_console,
)


class GreedyOptions(click.Command):
    """A command whose ``--model`` and ``--prompt`` take several values after one flag.

    ``--prompt summary/v6 summary/v7`` (the documented form, kept from the argparse CLI)
    is rewritten to ``--prompt summary/v6 --prompt summary/v7`` before click parses it;
    the command has no positional arguments, so every bare word after such a flag is one
    of its values.
    """

    greedy = ("--model", "--prompt")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        expecting = False
        for i, token in enumerate(args):
            if token == "--":
                out += args[i:]
                break
            if token.startswith("-") and token != "-":
                name = token.split("=", 1)[0]
                current = name if name in self.greedy else None
                expecting = current is not None and "=" not in token
                out.append(token)
            elif current is not None and not expecting:
                out += [current, token]
            else:
                out.append(token)
                expecting = False
        return super().parse_args(ctx, out)


@click.command("run", cls=GreedyOptions, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--task",
    type=click.Choice(["article", "digest"]),
    metavar="article|digest",
    help="article: one summary per article, scored against its gold (the default); "
    "digest: one story digest per story folder (<story>/gold.json), scored "
    "against the story's gold (default suite evals/suites/stories)",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    metavar="M...",
    help="model string(s); one run per model × prompt (default: the default model)",
)
@click.option(
    "--prompt",
    "prompts",
    multiple=True,
    metavar="P...",
    help="prompt version(s), e.g. summary/v6 summary/v7 (default: the default prompt)",
)
@click.option(
    "--suite",
    type=click.Path(path_type=Path),
    metavar="DIR|FILE.jsonl",
    help="a folder of <id>.txt articles (gold <id>.json beside them or in --gold), "
    "or a JSONL suite (default: the built-in seed suite and its gold); with "
    "--task digest, a folder of story folders, or one story folder",
)
@click.option(
    "--ask-model",
    is_flag=True,
    help="--task digest: also ask the model the digest prompt's yes/no questions "
    "(default: code alone; figures above)",
)
@click.option(
    "--code-only",
    is_flag=True,
    help="deprecated: --task digest is code alone by default now; kept so old scripts run",
)
@click.option(
    "--digest-prompt",
    metavar="D",
    help="--task digest --ask-model: the questions' prompt version (default: digest/v1)",
)
@click.option(
    "--gold",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="gold folder (<article stem>.json) for a folder --suite (default: the "
    "suite folder when it holds gold; else the run is recorded, not scored)",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    metavar="N",
    help="runs of every article (for sampling variance; default 1)",
)
@click.option(
    "--runs-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("runs"),
    show_default=True,
    metavar="DIR",
    help="where run directories go",
)
@click.option(
    "--resume",
    type=click.Path(path_type=Path),
    metavar="RUN",
    help="continue an interrupted run directory; finished articles are kept",
)
@click.option(
    "--retry-errors",
    type=click.Path(path_type=Path),
    metavar="RUN",
    help="compute a run's failed articles again (the failures move to retried.jsonl in the run)",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="requests in flight for endpoint models (openai/...), per actor with --engine ray; "
    "a local model stays serial",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="call the model even when an earlier run has the same prediction",
)
@click.option(
    "--judge",
    metavar="M",
    help="also score faithfulness with this LLM judge (labelled with it; never used for gating)",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="print the runs (id, path, model, prompt, aggregates) as JSON on stdout",
)
@click.option("--no-progress", is_flag=True, help="no progress bar")
@engine_options
@prompts_dir_option
def run_command(
    task: str | None,
    models: tuple[str, ...],
    prompts: tuple[str, ...],
    suite: Path | None,
    ask_model: bool,
    code_only: bool,
    digest_prompt: str | None,
    gold: Path | None,
    repeats: int | None,
    runs_root: Path,
    resume: Path | None,
    retry_errors: Path | None,
    concurrency: int,
    no_cache: bool,
    judge: str | None,
    as_json: bool,
    no_progress: bool,
    engine: Any,
) -> int:
    """Run (model, prompt) pairs over a suite and score them; print the run directories.

    Every model, prompt, the suite, its gold and every flag are checked before a model
    loads. ``--task digest`` digests each story of a story suite instead (a digest run
    directory is resumed with ``--resume`` alone).

    A digest asks the model nothing by default; --ask-model asks it the digest prompt's
    yes/no questions. With the embedded 1.5B (summary/v8; --task digest --model
    local/qwen2.5-coder-1.5b, with and without --code-only when asking was the default)
    they changed only seeds event F1 (0.733 asked, 0.750 code-only) and dev/tune position
    F1 (0.370 vs 0.357), every other figure equal, for 26 calls and about 30 s on the seeds.
    """
    from evals.errors import RunStoreError
    from evals.runner import run_suite
    from evals.store.digest import is_digest_run
    from summarize.engines import check_engine

    check_engine(engine)
    digest_resume = resume is not None and is_digest_run(resume)
    if task == "article" and digest_resume:
        raise RunStoreError(f"{resume} is a digest run; resume it without --task article")
    if task == "digest" or digest_resume:
        return _run_digest(
            models,
            prompts,
            digest_prompt,
            suite,
            runs_root,
            resume,
            no_cache,
            as_json,
            no_progress,
            ask_model,
            code_only,
            unsupported={
                "--gold": gold is not None,
                "--repeats": repeats is not None,
                "--retry-errors": retry_errors is not None,
                "--concurrency": concurrency != 1,
                "--judge": judge is not None,
                "--engine ray": engine.name != "local",
            },
        )
    digest_only = {"--ask-model": ask_model, "--code-only": code_only}
    digest_only["--digest-prompt"] = digest_prompt is not None
    for flag, given in digest_only.items():
        if given:
            raise RunStoreError(f"{flag} goes with --task digest")
    if resume is not None and retry_errors is not None:
        raise RunStoreError("--resume and --retry-errors both name a run; give one")
    existing = resume or retry_errors
    if gold is not None and suite is None and existing is None:
        raise RunStoreError("--gold goes with --suite (the built-in suite has its own gold)")
    err = stderr_console()
    if suite is not None:
        gold = _suite_gold(suite, gold, err, existing is not None)
    dirs = run_suite(
        list(models),
        list(prompts) or [None],
        suite_dir=suite,
        gold_dir=gold,
        repeats=repeats,
        runs_root=runs_root,
        resume=existing,
        retry_errors=retry_errors is not None,
        use_cache=not no_cache,
        judge=judge,
        concurrency=concurrency,
        progress=not no_progress,
        console=err,
        engine=engine,
    )
    if as_json:
        sys.stdout.write(json.dumps({"runs": [run_summary(d) for d in dirs]}, indent=2) + "\n")
        return 0
    for run_dir in dirs:
        print(run_dir)
    print_runs(dirs, err)
    return 0


def _run_digest(
    models: tuple[str, ...],
    prompts: tuple[str, ...],
    digest_prompt: str | None,
    suite: Path | None,
    runs_root: Path,
    resume: Path | None,
    no_cache: bool,
    as_json: bool,
    no_progress: bool,
    ask_model: bool,
    code_only: bool,
    unsupported: dict[str, bool],
) -> int:
    """``--task digest``: one digest run per (model, prompt), or the resumed run."""
    from evals.errors import RunStoreError
    from evals.render.digest import digest_table
    from evals.runner.digest import load_stories, run_digest_suite
    from evals.store.digest import DigestRunStore
    from newsbrief.cli.kit import print_listing
    from summarize.preflight import check_matrix

    given = [flag for flag, on in unsupported.items() if on]
    if given:
        raise RunStoreError(
            f"{', '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to --task digest"
        )
    if resume is not None and (len(models) > 1 or len(prompts) > 1):
        raise RunStoreError("--resume continues one run: name at most one model and prompt")
    if resume is not None and (ask_model or code_only):
        raise RunStoreError(
            "--resume continues a digest run as it was recorded: drop --ask-model/--code-only"
        )
    if resume is None:
        check_ask_model_flags(ask_model, code_only, digest_prompt)
    if resume is None:
        # the whole matrix and every story's gold before the first model loads
        check_matrix(list(models), list(prompts) or [None])
        if suite is not None:
            load_stories(suite)
    err = stderr_console()
    dirs = [
        run_digest_suite(
            model,
            prompt,
            digest_prompt,
            suite_dir=suite,
            runs_root=runs_root,
            resume=resume,
            use_cache=not no_cache,
            ask_model=ask_model,
            progress=not no_progress,
            console=err,
        )
        for model in (list(models) or [None])
        for prompt in (list(prompts) or [None])
    ]
    if as_json:
        sys.stdout.write(
            json.dumps({"runs": [digest_run_summary(d) for d in dirs]}, indent=2) + "\n"
        )
        return 0
    for run_dir in dirs:
        print(run_dir)
        store = DigestRunStore.open(run_dir)
        columns, rows = digest_table(store.records(), store.aggregate)
        print_listing(f"Digest run {store.run_id}", columns, rows, err)
    return 0


def _suite_gold(suite: Path, gold: Path | None, err: Console, resuming: bool) -> Path | None:
    """The gold of ``--suite``: ``--gold``, else the suite itself when it holds gold."""
    from evals.gold.jsonl import is_jsonl_suite, load_jsonl_suite

    if is_jsonl_suite(suite):
        if gold is not None:
            from evals.errors import RunStoreError

            raise RunStoreError(f"{suite}: a JSONL suite carries its gold inline; drop --gold")
        return suite if any(c.gold is not None for c in load_jsonl_suite(suite)) else None
    if not suite.is_dir():
        raise FileNotFoundError(f"no such suite folder or JSONL file: {suite}")
    if not any(suite.glob("*.txt")):
        from evals.errors import RunStoreError

        raise RunStoreError(f"{suite}: no articles (*.txt) in this folder")
    if gold is not None or resuming:
        return gold
    if any(p.with_suffix(".json").is_file() for p in suite.glob("*.txt")):
        return suite  # the documented layout: <id>.txt beside its <id>.json
    err.print(
        "[yellow]note:[/] no gold in the suite and no --gold: predictions are "
        "recorded but not scored"
    )
    return None


__all__ = ["run_command"]
