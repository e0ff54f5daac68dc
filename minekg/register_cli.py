"""`minekg import-register FILE`: the command over minekg.register (see docs/register.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import handled
from .errors import MinekgError
from .project import Project
from .register import commit, prepare


@click.command("import-register")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="the table's README, copied beside it (graph_data/sources/mbt_status.README.md)")
@click.option("--force", is_flag=True, help="import a table that drops states the register has a row for")
@handled
def import_register_command(file: Path, readme: Path | None, force: bool) -> None:
    """Import a Mine Ban Treaty status table (CSV) as the register source.

    Malformed rows are reported as FILE:LINE: what is wrong, and skipped. A table without a row for a
    state the register has (a valid table of two rows, say) is refused unless --force; a table with which
    the graph would not build is refused. Exit 0 when every row was imported, 1 when some were rejected,
    2 when nothing was imported (then nothing is written).
    """
    project = Project.default()
    prepared = prepare(file, project, str(file), readme)
    result = prepared.result
    for line in result.problem_lines():
        click.echo(line, err=True)
    if not result.rows:
        raise MinekgError(f"{file}: no usable row ({len(result.problems)} rejected); nothing imported")
    commit(prepared, project, force)
    click.echo(f"imported {result.rows} rows of {file} as {result.statements} statements into "
               f"{project.rel(project.graph_data)}/ ({len(result.problems)} rows rejected)")
    if result.problems:
        sys.exit(1)
