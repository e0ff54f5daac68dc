"""The root of the command line: the click group every command hangs from, and the options several share.

MinekgGroup turns a MinekgError raised anywhere below it into the one line `minekg: error: ...` and the
error's exit status, once for every command (no per-command wrapper), and owns `--project`, the project
folder every command reads and writes (ontology/, graph_data/, queries/, rules/, validate/, build/).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from minekg.errors import MinekgError
from minekg.project import ROOT_VARIABLE, Project


def fail(message: str, code: int) -> None:
    click.echo(f"minekg: error: {message}", err=True)
    sys.exit(code)


class MinekgGroup(click.Group):
    """A click group whose commands fail as one line on stderr and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MinekgError as e:
            fail(str(e), e.code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(0)


def use_project(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--project DIR (or MINEKG_ROOT): checked here, then handed to every command through the environment,
    which the server's worker processes and every child a command starts inherit too."""
    if value is None:
        return None
    root = Path(value)
    if not root.is_dir():
        fail(f"--project {value}: no such folder", 2)
    os.environ[ROOT_VARIABLE] = str(root.resolve())
    return value


def store_options(fn: Callable) -> Callable:
    fn = click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph", show_default=True,
                      help="embedded backend over build/minekg.nq")(fn)
    fn = click.option("--endpoint", metavar="URL", help="query a SPARQL 1.1 endpoint instead "
                      "(credentials: MINEKG_ENDPOINT_USER, MINEKG_ENDPOINT_PASSWORD)")(fn)
    fn = click.option("--timeout", type=float, default=30.0, show_default=True,
                      help="seconds to wait for an endpoint")(fn)
    fn = click.option("--data", type=click.Path(dir_okay=False), default=None,
                      help="the built dataset to query (default build/minekg.nq)")(fn)
    return fn


def open_graph(project: Project, store: str, endpoint: str | None, timeout: float, data: str | None):
    """The Graph the store options name: an endpoint, or an embedded store over --data or build/."""
    from pathlib import Path

    from minekg.query.graph import Graph

    if data is not None and not Path(data).is_file():
        raise MinekgError(f"{data}: no such built dataset")
    return Graph.open(store=store, endpoint=endpoint, project=project, timeout=timeout,
                      path=Path(data) if data else None)
