"""The minekg command line: thin over the library. Errors are one line and an exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps

import click

from minekg import __version__
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.namespaces import MK


def _fail(message: str, code: int) -> None:
    click.echo(f"minekg: error: {message}", err=True)
    sys.exit(code)


def handled(fn: Callable) -> Callable:
    """Turn library errors into one line on stderr and their exit status, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MinekgError as e:
            _fail(str(e), e.code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minekg")
def main() -> None:
    """minekg: a knowledge graph of the global ban on antipersonnel landmines."""


@main.command()
@handled
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


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL on Oxigraph; pyshacl: the reference, for any SHACL feature")
@handled
def validate(fmt: str, engine: str) -> None:
    """Validate: SHACL shapes plus the evidence check. Exit 0 conforms, 1 violations, 2 unusable input."""
    from minekg.build.validation import validate as run_validate

    report = run_validate(Project.default(), engine=engine)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    sys.exit(1 if report.violations else 0)


@main.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handled
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


@main.command("draft")
@click.argument("slug")
@handled
def draft_cmd(slug: str) -> None:
    """Propose candidate statements for every sentence of doc:SLUG into graph_data/drafts/SLUG.ttl."""
    from minekg.curation import draft, write

    project = Project.default()
    graph = draft(project, slug)
    path = write(project, slug, graph)
    click.echo(f"drafted {project.rel(path)}: {len(set(graph.subjects(MK.draftRule, None)))} candidate statements")


@main.command("carry")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handled
def carry_cmd(old: str, new: str, fmt: str) -> None:
    """Carry doc:OLD's statements forward to its next edition doc:NEW, into graph_data/drafts/NEW.ttl."""
    from minekg.curation import carry
    from minekg.curation.carry import write

    project = Project.default()
    report = carry(project, old, new)
    write(project, report)
    click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False) if fmt == "json" else report.to_table(),
               nl=fmt == "json")


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@handled
def diff_cmd(old: str, new: str, fmt: str) -> None:
    """What changed between two editions: the curated statements of doc:OLD and doc:NEW, paired."""
    from minekg.curation import diff

    report = diff(Project.default(), old, new)
    click.echo({"json": report.to_json_text, "csv": report.to_csv, "table": report.to_table}[fmt](), nl=False)


def _store_options(fn: Callable) -> Callable:
    fn = click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph", show_default=True,
                      help="embedded backend over build/minekg.nq")(fn)
    fn = click.option("--endpoint", metavar="URL", help="query a SPARQL 1.1 endpoint instead "
                      "(credentials: MINEKG_ENDPOINT_USER, MINEKG_ENDPOINT_PASSWORD)")(fn)
    fn = click.option("--timeout", type=float, default=30.0, show_default=True,
                      help="seconds to wait for an endpoint")(fn)
    fn = click.option("--data", type=click.Path(dir_okay=False), default=None,
                      help="the built dataset to query (default build/minekg.nq)")(fn)
    return fn


def open_graph(project: Project, store: str, endpoint: str | None, timeout: float, data: str | None):
    """The Graph the store options name: an endpoint, or an embedded store over --data or build/."""
    from pathlib import Path

    from minekg.query.graph import Graph

    if data is not None and not Path(data).is_file():
        raise MinekgError(f"{data}: no such built dataset")
    return Graph.open(store=store, endpoint=endpoint, project=project, timeout=timeout,
                      path=Path(data) if data else None)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="a declared parameter (repeatable)")
@click.option("--format", "fmt", default=None,
              help="table|csv|tsv|json for SELECT/ASK (default table); turtle|jsonld|ntriples for CONSTRUCT/DESCRIBE")
@click.option("--file", "file_", type=click.Path(dir_okay=False), help="run a query file instead of a named query")
@click.option("--sparql", help="run this SPARQL text instead of a named query")
@click.option("--allow-service", is_flag=True,
              help="let a --sparql or --file query use SERVICE (federation: it then connects to other hosts)")
@_store_options
@handled
def query(name, params, fmt, file_, sparql, allow_service, store, endpoint, timeout, data) -> None:
    """Run a named query (see `minekg queries`), a query file, or ad-hoc SPARQL."""
    from pathlib import Path

    from minekg.query import catalogue as named
    from minekg.query import guard
    from minekg.query.results import render

    chosen = [x for x in (name, file_, sparql) if x]
    if len(chosen) != 1:
        raise MinekgError("give exactly one of NAME, --file Q.rq or --sparql '…'")
    given = _given_params(params)
    project = Project.default()
    if name:
        q = named.find(name, project)
    elif file_:
        q = named.load_query(Path(file_), file_)
    else:
        q = None
    if q is not None:
        text = named.bind(q, given)
    else:
        if given:
            raise MinekgError("--param needs a named query or a query file that declares parameters")
        text = sparql
    try:
        if name:
            guard.check_depth(text)  # the catalogue's own files: only the cheap check
        else:
            guard.inspect(text, allow_service=allow_service)  # the user's text: parsed, SERVICE refused
    except guard.QueryRefused as e:
        message = f"{e} (--allow-service lets your own query use it)" if e.service else str(e)
        raise MinekgError(f"{file_}: {message}" if file_ else message) from None
    with open_graph(project, store, endpoint, timeout, data) as g:
        result = g.sparql(text)
    fmt = fmt or ("table" if result.form in ("SELECT", "ASK") else "turtle")
    click.echo(render(result, fmt), nl=False)


def _given_params(params: tuple[str, ...]) -> dict[str, str]:
    """--param NAME=VALUE items as a dict; a name given twice is refused (as the HTTP API does), never
    silently overwritten."""
    given: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise MinekgError(f"parameter {item!r}: expected NAME=VALUE")
        if key in given:
            raise MinekgError(f"parameter {key}: given more than once")
        given[key] = value
    return given


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handled
def list_queries(fmt: str) -> None:
    """List the named queries with their summaries and parameters."""
    from minekg.query import catalogue as named

    catalog = named.catalog(Project.default())
    if fmt == "json":
        click.echo(json.dumps([{
            "name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
            "form": q.form,
            "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                       for p in q.params],
        } for q in catalog], indent=2, ensure_ascii=False))
        return
    for q in catalog:
        params = " ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default is not None else "") for p in q.params)
        click.echo(f"{q.name:<44} {q.summary}" + (f"  [{params}]" if params else ""))


# ---- commands that live in their own modules are registered here, one line each
from minekg.cli import serve as serve_cli
from minekg.cli.check import check_command
from minekg.cli.intake import add_source_command
from minekg.cli.map import map_command
from minekg.cli.meetings import import_meetings_command
from minekg.cli.register import import_register_command, import_treaty_status_command
from minekg.cli.viz import viz as viz_command
from minekg.release.export import export_command
from minekg.release.push import push_command

main.add_command(export_command)
main.add_command(push_command)
main.add_command(import_register_command)
main.add_command(import_treaty_status_command)
main.add_command(import_meetings_command)
main.add_command(serve_cli.serve)
main.add_command(viz_command)
main.add_command(map_command)
main.add_command(add_source_command)
main.add_command(check_command)


if __name__ == "__main__":  # pragma: no cover
    main()
