"""`minekg viz`: the command over minekg.viz.network and minekg.viz (see docs/viz.md)."""

from __future__ import annotations

from pathlib import Path

import click

from minekg.cli.base import store_options
from minekg.project import Project
from minekg.release.markings import DEFAULT_PROFILE


@click.command("viz")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="folder to write (default build/viz); replaced whole",
)
@click.option(
    "--since", metavar="DATE", help="only claims asserted on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)"
)
@click.option("--until", metavar="DATE", help="only claims asserted on or before DATE")
@click.option(
    "--act",
    "acts",
    multiple=True,
    metavar="ACT",
    help="only claims about this act: use, production, transfer, stockpiling, other (repeatable)",
)
@click.option(
    "--actor",
    metavar="ISO_OR_IRI",
    help="only claims involving this actor (ARM, ag:aze-mod, an IRI); "
    "a state also matches its bodies and officials",
)
@click.option("--rollup", is_flag=True, help="draw ministries, forces and officials as their state")
@click.option(
    "--aggregate-above",
    type=int,
    default=None,
    metavar="N",
    help="above N claims the page draws one edge per pair of actors (default 5000)",
)
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    metavar="P",
    help="draw only the claims this release profile allows: CLEAR | GREEN | AMBER | RED",
)
@store_options
def viz(out, since, until, acts, actor, rollup, aggregate_above, profile, store, endpoint, timeout, data) -> None:
    """Draw who alleges what: GraphML, GEXF, JSON, SVG, PNG and an interactive index.html."""
    from minekg.viz import drawing as draw
    from minekg.viz import network
    from minekg.viz.map_status import released_graph

    project = Project.default()
    filters = network.Filters(since=since, until=until, acts=tuple(acts), actor=actor, rollup=rollup)
    network.check(filters)
    # What the profile releases of the build (an endpoint's store holds what was pushed into it), as the map.
    with released_graph(project, store, endpoint, timeout, data, profile) as g:
        net = network.load(g, filters)
    written = draw.write(
        net,
        out or project.build / "viz",
        project,
        aggregate_above=draw.DEFAULT_AGGREGATE_ABOVE if aggregate_above is None else aggregate_above,
    )
    if net.empty:
        click.echo(f"no claims match ({filters.describe()}): the page says so")
    else:
        click.echo(
            f"{written.nodes} actors, {written.edges} edges, {written.claims} claims ({filters.describe()})"
        )
    for name in draw.FILES[1:]:
        click.echo(f"  {project.rel(written.folder / name)}")
    click.echo(project.rel(written.index))

