"""`minekg add-source FILE`: the command over minekg.curation.intake (see docs/curation.md)."""

from __future__ import annotations

from pathlib import Path

import click

from minekg.curation.intake import TYPES, Metadata, add_source
from minekg.errors import MinekgError
from minekg.project import Project


@click.command("add-source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--type", "type_", metavar="TYPE", help=f"what the document is: {', '.join(TYPES)}")
@click.option("--title", help="the title as the document gives it")
@click.option("--publisher", metavar="AGENT", help="who published it (ag:slug from graph_data/reference/, or st:XXX)")
@click.option("--publisher-unknown", is_flag=True, help="the document does not say who published it")
@click.option("--republisher", metavar="AGENT", help="who republished it, where the copy was taken from them")
@click.option("--date", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD as precise as the document is, or unknown")
@click.option("--url", metavar="URL", help="where the original was published")
@click.option("--slug", help="doc:SLUG (default: proposed from the title)")
@click.option("--about", multiple=True, metavar="ACTOR", help="an actor the document is about (repeatable)")
def add_source_command(file: Path, type_: str | None, title: str | None, publisher: str | None,
                       publisher_unknown: bool, republisher: str | None, date: str | None, url: str | None,
                       slug: str | None, about: tuple[str, ...]) -> None:
    """Copy a source document into graph_data/sources/ and describe it in sources.ttl.

    Plain UTF-8 text is kept byte for byte; a web page or a PDF is turned into text once, kept beside
    its original. Refuses a second copy of the same bytes or slug; writes nothing on any error.
    """
    for option, value in (("--type", type_), ("--title", title), ("--date", date)):
        if value is None:
            raise MinekgError(f"{option}: missing (see minekg add-source --help)")
    meta = Metadata(type=type_, title=title, publisher=publisher, publisher_unknown=publisher_unknown,
                    republisher=republisher, date=date, url=url, slug=slug, about=about)
    project = Project.default()
    added = add_source(file, meta, project)
    click.echo(f"added {added.document}: {added.text_file} (SHA-256 {added.sha256})")
    if added.original_file:
        click.echo(f"  original kept as {added.original_file} (SHA-256 {added.original_sha256})")
    click.echo(f"  described in {project.rel(project.sources / 'sources.ttl')}; next: write "
               f"graph_data/statements/{added.document.removeprefix('doc:')}.ttl, then "
               f"`minekg check {added.document.removeprefix('doc:')}`")
