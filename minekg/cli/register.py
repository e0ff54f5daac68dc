"""`minekg import-register FILE`: the command over minekg.curation.register (see docs/register.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from minekg.curation.register import ImportResult, commit, prepare
from minekg.curation.treaties import import_treaty_table
from minekg.errors import MinekgError
from minekg.project import Project


@click.command("import-register")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="the table's README, copied beside it (graph_data/sources/mbt_status.README.md)")
@click.option("--force", is_flag=True, help="import a table that drops states the register has a row for")
def import_register_command(file: Path, readme: Path | None, force: bool) -> None:
    """Import a Mine Ban Treaty status table (CSV) as the register source.

    Malformed rows are reported as FILE:LINE: what is wrong, and skipped. A table without a row for a
    state the register has (a valid table of two rows, say) is refused unless --force; a table with which
    the graph would not build is refused. Exit 0 when every row was imported, 1 when some were rejected,
    2 when nothing was imported (then nothing is written).
    """
    project = Project.default()
    prepared = prepare(file, project, str(file), readme)
    _report(file, project, prepared.result, lambda: commit(prepared, project, force))
    if prepared.result.problems:
        sys.exit(1)


def _report(file: Path, project: Project, result: ImportResult, write: Callable[[], None] | None = None) -> None:
    """The rejected rows on stderr, then (once `write` has written it) what was imported.

    Nothing usable is an error."""
    for line in result.problem_lines():
        click.echo(line, err=True)
    if not result.rows:
        raise MinekgError(f"{file}: no usable row ({len(result.problems)} rejected); nothing imported")
    if write is not None:
        write()
    click.echo(f"imported {result.rows} rows of {file} as {result.statements} statements into "
               f"{project.rel(project.graph_data)}/ ({len(result.problems)} rows rejected)")


@click.command("import-treaty-status")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="the table's README, copied beside it (graph_data/sources/arms_treaty_status.README.md); "
                   "needed the first time: it defines a missing row")
def import_treaty_status_command(file: Path, readme: Path | None) -> None:
    """Import the CCW, Amended Protocol II, Protocol V and CCM status table (CSV).

    Malformed rows are reported as FILE:LINE: what is wrong, and skipped. Exit 0 when every row was
    imported, 1 when some were rejected, 2 when nothing usable was found (then nothing is written).
    """
    project = Project.default()
    result = import_treaty_table(file, project, shown=str(file), readme=readme)
    _report(file, project, result)
    for instrument, kinds in (result.by_instrument or {}).items():
        click.echo(f"  {instrument}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
    if result.problems:
        sys.exit(1)
