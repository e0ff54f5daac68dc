"""`minekg check SLUG`: the command over minekg.curation.check (see docs/curation.md)."""

from __future__ import annotations

import sys

import click

from minekg.curation.check import check
from minekg.curation.check_fast import fast_check
from minekg.project import Project


@click.command("check")
@click.argument("slug")
@click.option("--full", is_flag=True, help="rebuild and validate the whole graph in a temporary folder instead "
              "of checking the document against the cached build")
def check_command(slug: str, full: bool) -> None:
    """Validate and report coverage for one document (doc:SLUG): its statements files rebuilt and swapped
    into the cached build (.check-cache/, rebuilt whole when anything else changed), and only what they
    touch validated; --full builds everything in a temporary folder.

    Reports only what concerns that document. Exit 0 conforms, 1 violations, 2 unusable input.
    """
    report = (check if full else fast_check)(slug, Project.default())
    click.echo(report.to_text())
    sys.exit(1 if report.violations else 0)
