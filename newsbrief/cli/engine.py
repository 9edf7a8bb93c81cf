"""The command-line options of an engine, shared by ``summarize -o`` and ``eval run``:

    --engine local|ray   --address auto|ray://host:port|host:port   --actors N

They reach the command as one ``engine`` argument, an :class:`EngineOptions`; the command
calls :func:`~summarize.engines.check_engine` with its other checks, before a model loads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from summarize.engines import ENGINES, EngineOptions

_OPTIONS = (
    click.option(
        "--engine",
        "engine_name",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        metavar="local|ray",
        help="where articles are computed: local (this process) or ray (an actor "
        "pool on a Ray cluster; pip install 'newsbrief[ray]'); records are "
        "written by this process either way",
    ),
    click.option(
        "--address",
        metavar="ADDR",
        help="--engine ray: the cluster, auto | ray://host:port | host:port "
        "(default: $RAY_ADDRESS, else a Ray head started here for the run)",
    ),
    click.option(
        "--actors",
        type=click.IntRange(min=1),
        metavar="N",
        help="--engine ray: the most summarizer actors (default 1); an in-process "
        "model's actor reserves as many CPUs as it has threads",
    ),
)


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--engine``, ``--address``, ``--actors``; pass them on as ``engine=EngineOptions``."""

    @functools.wraps(func)
    def command(
        *args: Any, engine_name: str, address: str | None, actors: int | None, **kwargs: Any
    ) -> Any:
        return func(*args, engine=EngineOptions(engine_name, address, actors), **kwargs)

    for option in reversed(_OPTIONS):
        command = option(command)
    return command


__all__ = ["engine_options"]
