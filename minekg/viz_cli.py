"""`minekg viz`: the command over minekg.network and minekg.viz (see docs/viz.md)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .cli import _store_options, handled, open_graph
from .errors import MinekgError
from .project import Project


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
    metavar="P",
    help="draw only the claims this release profile allows: CLEAR | GREEN | AMBER | RED [default: CLEAR]",
)
@_store_options
@handled
def viz(out, since, until, acts, actor, rollup, aggregate_above, profile, store, endpoint, timeout, data) -> None:
    """Draw who alleges what: GraphML, GEXF, JSON, SVG, PNG and an interactive index.html."""
    from . import network
    from . import viz as draw

    project = Project.default()
    filters = network.Filters(since=since, until=until, acts=tuple(acts), actor=actor, rollup=rollup)
    network.check(filters)
    with _released(project, profile, endpoint, data) as released:
        with open_graph(project, store, endpoint, timeout, released) as g:
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


@contextmanager
def _released(project: Project, profile: str | None, endpoint: str | None, data: str | None) -> Iterator[str | None]:
    """The dataset to draw: what the profile releases of --data or the build (a temporary file when it
    withholds anything). An endpoint's store is drawn as it is: it holds what was pushed into it."""
    from .build import load_built
    from .export_markings import DEFAULT_PROFILE, released_file

    if endpoint:
        if profile:
            raise MinekgError("--profile: with --endpoint the store is drawn as it holds what was pushed into it "
                              "(`minekg push --profile P`, CLEAR by default); give one or the other")
        yield None
        return
    if data is not None and not Path(data).is_file():
        raise MinekgError(f"{data}: no such built dataset")
    nquads = Path(data) if data is not None else load_built(project)
    with tempfile.TemporaryDirectory(prefix="minekg-viz-release-") as tmp:
        path, _profile, _withheld = released_file(nquads, profile or DEFAULT_PROFILE, Path(tmp) / "release.nq", project)
        yield str(path)
