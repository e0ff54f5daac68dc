"""`minekg query` and `minekg queries`: the named-query catalogue and ad-hoc SPARQL (see docs/queries.md)."""

from __future__ import annotations

import json

import click

from minekg.cli.base import open_graph, store_options
from minekg.errors import MinekgError
from minekg.project import Project


@click.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="a declared parameter (repeatable)")
@click.option("--format", "fmt", default=None,
              help="table|csv|tsv|json for SELECT/ASK (default table); turtle|jsonld|ntriples for CONSTRUCT/DESCRIBE "
                   "(or their other names in the format registry: ttl, nt, json-ld)")
@click.option("--file", "file_", type=click.Path(dir_okay=False), help="run a query file instead of a named query")
@click.option("--sparql", help="run this SPARQL text instead of a named query")
@click.option("--allow-service", is_flag=True,
              help="let a --sparql or --file query use SERVICE (federation: it then connects to other hosts)")
@store_options
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


@click.command("queries")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
