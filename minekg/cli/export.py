"""`minekg export`: the command over minekg.release.export (see docs/export.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from minekg.release.export import export
from minekg.release.markings import DEFAULT_PROFILE


@click.command("export")
@click.option("--format", "fmt", required=True, metavar="F",
              help="turtle | ntriples | nquads | trig | rdfxml | jsonld | csv")
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="the folder to write (created; must be empty unless --force)")
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True, metavar="P",
              help="release up to this TLP level: CLEAR | GREEN | AMBER | RED")
@click.option("--endpoint", metavar="URL", help="a SPARQL endpoint to name in the dataset description")
@click.option("--force", is_flag=True, help="replace DIR if it holds an earlier export")
@click.option("--nquads", type=click.Path(dir_okay=False, path_type=Path),
              help="dataset to export (default: build/minekg.nq)")
def export_command(fmt: str, out: Path, profile: str, endpoint: str | None, force: bool,
                   nquads: Path | None) -> None:
    """Export the built graph for partners: data, DCAT/VoID description.ttl and SHA256SUMS."""
    report = export(fmt, out, profile, endpoint, force, nquads=nquads)
    shown = os.path.relpath(report.out) if not Path(report.out).is_absolute() else str(report.out)
    click.echo(f"exported {report.triples} triples as {report.format} at {report.profile} to {shown}/ "
               f"({len(report.files)} files, {sum(report.files.values())} bytes; "
               f"{report.withheld} nodes withheld)")

