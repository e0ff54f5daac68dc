"""`minekg push`: the command over minekg.release.push (see docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import click

from minekg.errors import MinekgError
from minekg.release.markings import DEFAULT_PROFILE
from minekg.release.push import push, store_url_for


@click.command("push")
@click.option("--endpoint", metavar="URL", help="the store's SPARQL query endpoint (to find stale minekg graphs)")
@click.option("--store-url", metavar="URL", help="its Graph Store Protocol URL (default: derived from --endpoint, "
              "e.g. http://127.0.0.1:7878/query gives .../store)")
@click.option("--nquads", type=click.Path(dir_okay=False, path_type=Path), help="dataset to push "
              "(default: build/minekg.nq)")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="seconds to wait per request")
@click.option("--profile", metavar="P", default=DEFAULT_PROFILE, show_default=True,
              help="push only what this release profile allows: CLEAR | GREEN | AMBER | RED (RED: everything; "
              "see docs/export.md)")
def push_command(endpoint: str | None, store_url: str | None, nquads: Path | None, timeout: float,
                 profile: str = DEFAULT_PROFILE) -> None:
    """Load the built dataset into a store, replacing minekg's named graphs only (credentials:
    MINEKG_ENDPOINT_USER, MINEKG_ENDPOINT_PASSWORD)."""
    from minekg.build.assemble import load_built
    from minekg.project import Project
    from minekg.release.markings import released_nquads

    if not endpoint and not store_url:
        raise MinekgError("push needs --endpoint URL or --store-url URL")
    project = Project.default()
    path = nquads or load_built(project)
    # A store never receives more than the profile allows; by default only what anyone may see (CLEAR).
    with released_nquads(path, profile, project) as released:
        report = push(released, store_url or store_url_for(endpoint or ""), endpoint=endpoint,
                      timeout=timeout)
    click.echo(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {report.store_url}"
               + (f"; removed {len(report.removed)} stale minekg graphs" if report.removed else ""))
