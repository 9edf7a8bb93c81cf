"""``newsbrief prompts``: list the prompt versions; ``prompts new`` copies one to edit.

newsbrief prompts [--prompts-dir DIR]                             (list the versions)
newsbrief prompts new NAME --from summary/vN [--prompts-dir DIR]
"""

from __future__ import annotations

import click
from rich.markup import escape

from newsbrief.cli.kit import CONTEXT_SETTINGS, prompts_dir_option, stderr_console


@click.group("prompts", invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@prompts_dir_option
@click.pass_context
def prompts_group(ctx: click.Context) -> int:
    """List the prompt versions (yours first, then the bundled ones); 'prompts new' copies one.

    One line per version: name, a marker (default / yours), a tab, its description.
    """
    if ctx.invoked_subcommand is not None:
        return 0
    from summarize.prompting import DEFAULT_PROMPT, list_prompts, load_prompt, user_prompts_dir

    user_dir = user_prompts_dir().resolve()
    for name in list_prompts():
        prompt = load_prompt(name)
        marker = " (default)" if name == DEFAULT_PROMPT else ""
        if prompt.path.is_relative_to(user_dir):
            marker += " (yours)"
        print(f"{name}{marker}\t{prompt.settings.get('description', '')}")
    stderr_console().print(f"[dim]your prompt folder: {escape(str(user_dir))}[/]")
    return 0


@prompts_group.command("new", context_settings=CONTEXT_SETTINGS)
@click.argument("name", metavar="NAME")
@click.option(
    "--from", "source", required=True, metavar="P", help="the version to copy, e.g. summary/v7"
)
@prompts_dir_option
def prompts_new_command(name: str, source: str) -> int:
    """Copy version P to NAME (<task>/<version>, e.g. mine/v1) in your prompt folder.

    Prints the new folder on stdout, so that scripts can use it.
    """
    from summarize.prompting import new_prompt

    folder = new_prompt(name, source)
    print(folder)
    stderr_console().print(
        f"[dim]copied {escape(source)} to {escape(name)}: edit the templates, then "
        f"newsbrief eval run --prompt {escape(source)} {escape(name)}[/]"
    )
    return 0


__all__ = ["prompts_group", "prompts_new_command"]
