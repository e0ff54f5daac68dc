"""`minekg draft`, `carry` and `diff`: the commands over minekg.curation (see docs/curation.md)."""

from __future__ import annotations

import json

import click

from minekg.project import Project
from minekg.rdf.namespaces import MK


@click.command("draft")
@click.argument("slug")
def draft_cmd(slug: str) -> None:
    """Propose candidate statements for every sentence of doc:SLUG into graph_data/drafts/SLUG.ttl."""
    from minekg.curation import draft, write

    project = Project.default()
    graph = draft(project, slug)
    path = write(project, slug, graph)
    click.echo(f"drafted {project.rel(path)}: {len(set(graph.subjects(MK.draftRule, None)))} candidate statements")


@click.command("carry")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def carry_cmd(old: str, new: str, fmt: str) -> None:
    """Carry doc:OLD's statements forward to its next edition doc:NEW, into graph_data/drafts/NEW.ttl."""
    from minekg.curation import carry
    from minekg.curation.carry import write

    project = Project.default()
    report = carry(project, old, new)
    write(project, report)
    click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False) if fmt == "json" else report.to_table(),
               nl=fmt == "json")


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def diff_cmd(old: str, new: str, fmt: str) -> None:
    """What changed between two editions: the curated statements of doc:OLD and doc:NEW, paired."""
    from minekg.curation import diff

    report = diff(Project.default(), old, new)
    click.echo({"json": report.to_json_text, "csv": report.to_csv, "table": report.to_table}[fmt](), nl=False)
