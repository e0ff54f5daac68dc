"""`minekg build`, `validate` and `coverage`: the commands over minekg.build."""

from __future__ import annotations

import json
import sys

import click

from minekg.project import Project


@click.command()
def build() -> None:
    """Build the graph from ontology/ and graph_data/ into build/ (atomically)."""
    from minekg.build.assemble import build as run_build

    project = Project.default()
    summary = run_build(project)
    click.echo(f"built {project.rel(project.build / 'minekg.nq')}: {summary['triples']} triples, "
               f"{summary['statements']} statements, {summary['evidence']} evidence")
    click.echo("statements by kind:")
    for kind, n in summary["statements_by_kind"].items():
        click.echo(f"  {kind:<24} {n:>5}")
    click.echo("statements by document:")
    for doc, n in summary["statements_by_document"].items():
        click.echo(f"  {doc:<40} {n:>5}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL on Oxigraph; pyshacl: the reference, for any SHACL feature")
def validate(fmt: str, engine: str) -> None:
    """Validate: SHACL shapes plus the evidence check. Exit 0 conforms, 1 violations, 2 unusable input."""
    from minekg.build.validation import validate as run_validate

    report = run_validate(Project.default(), engine=engine)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    sys.exit(1 if report.violations else 0)


@click.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def coverage_cmd(fmt: str) -> None:
    """Sentence coverage of each source document by evidence quotes, with what is not covered."""
    from minekg.build.assemble import assemble
    from minekg.build.coverage import coverage, table

    results = coverage(assemble(Project.default()))
    if fmt == "json":
        click.echo(json.dumps({"documents": [r.to_json() for r in results]}, indent=2, ensure_ascii=False))
        return
    click.echo(table(results), nl=False)
    for r in results:
        for s in r.uncovered:
            click.echo(f"uncovered {r.document} [{s.start}:{s.end}]: {s.text}")
        for p in r.partial:
            click.echo(f"partly covered {r.document} [{p.sentence.start}:{p.sentence.end}] "
                       f"{100 * p.share:.0f}% of its characters: {p.sentence.text}")
        for x in r.unused_exclusions:
            click.echo(f"unused exclusion {r.document}: {x}")
