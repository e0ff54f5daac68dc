"""`minekg map`: the command over minekg.viz.map (see docs/map.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from minekg.cli.base import store_options
from minekg.project import Project
from minekg.release.markings import DEFAULT_PROFILE


@click.command("map")
@click.option(
    "--instrument",
    default="mbt",
    show_default=True,
    metavar="NAME",
    help="the treaty: mbt, ccw, ccw-apii, ccw-pv or ccm",
)
@click.option("--date", metavar="YYYY-MM-DD", help="the day whose status is drawn (default today)")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="folder to write (default build/map); replaced whole",
)
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    metavar="P",
    help="draw only what this release profile allows: CLEAR | GREEN | AMBER | RED",
)
@store_options
def map_command(instrument, date, out, profile, store, endpoint, timeout, data) -> None:
    """Draw the world map of every state's treaty status: map.svg, map.png and an interactive index.html."""
    from minekg.viz import map as world
    from minekg.viz.map_status import instrument_iri, parse_date, released_graph

    project = Project.default()
    instrument_iri(instrument)  # bad input is refused before anything is opened
    day = parse_date(date)
    with released_graph(project, store, endpoint, timeout, data, profile) as g:
        written = world.write(g, out or project.build / "map", instrument, day, project)
    click.echo(f"{written.states} states with a status on {day.isoformat()} ({instrument})")
    if written.without_shape:
        # said on stderr too, so that a script sees which states the picture cannot show
        click.echo(
            f"minekg map: {len(written.without_shape)} states have no shape at 1:110m and are listed in the "
            f"map's notes, not drawn: {', '.join(written.without_shape)}",
            file=sys.stderr,
        )
    for name in ("map.svg", "map.png"):
        click.echo(f"  {project.rel(written.folder / name)}")
    click.echo(project.rel(written.index))
