"""`minekg import-meetings FILE`: the command over minekg.curation.meetings (see docs/register.md, "Meetings")."""

from __future__ import annotations

from pathlib import Path

import click

from minekg.curation.meetings import import_meetings
from minekg.project import Project


@click.command("import-meetings")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="the table's README, copied beside it (graph_data/sources/mbt_meetings.README.md)")
def import_meetings_command(file: Path, readme: Path | None) -> None:
    """Import the Mine Ban Treaty meetings registry (CSV): one meeting per row, with its sources.

    A malformed row refuses the whole table (FILE:LINE: what is wrong) and nothing is written; so does a
    table with which the graph would not build.
    """
    project = Project.default()
    done = import_meetings(file, project, str(file), readme)
    click.echo(f"imported {len(done.meetings)} meetings of {file} into {project.rel(project.graph_data)}/")
