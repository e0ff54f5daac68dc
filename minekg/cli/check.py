"""`minekg check SLUG`: the command over minekg.curation.check (see docs/curation.md)."""

from __future__ import annotations

import sys

import click

from minekg.curation.check import check
from minekg.project import Project


@click.command("check")
@click.argument("slug")
def check_command(slug: str) -> None:
    """Build, validate and report coverage for one document (doc:SLUG), in a temporary folder.

    Reports only what concerns that document. Exit 0 conforms, 1 violations, 2 unusable input.
    """
    report = check(slug, Project.default())
    click.echo(report.to_text())
    sys.exit(1 if report.violations else 0)
