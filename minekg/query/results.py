"""Writing query results: table, CSV, TSV and SPARQL 1.1 JSON for SELECT/ASK; Turtle, JSON-LD and
N-Triples for CONSTRUCT/DESCRIBE."""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from minekg import formats
from minekg.errors import MinekgError
from minekg.query import csv_safe
from minekg.query.stores import Result
from minekg.rdf.namespaces import PREFIXES, shorten
from minekg.rdf.oxi import nquads_lines

SELECT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "jsonld", "ntriples")


def cell(term: Node | None, short: bool = True) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term)) if short else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def to_sparql_json(result: Result) -> dict:
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {
        "head": {"vars": result.variables},
        "results": {"bindings": [
            {v: json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]},
    }


def render(result: Result, fmt: str) -> str:
    """The result as text in `fmt`, a name of the format registry or one of its other names (`ttl`, `nt`,
    `json-ld`)."""
    known = formats.find(fmt)
    fmt = known.name if known else fmt
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in GRAPH_FORMATS:
            raise MinekgError(f"format {fmt!r} does not fit a {result.form} query (one of {', '.join(GRAPH_FORMATS)})")
        g = result.graph
        assert g is not None
        if fmt == "ntriples":
            return "".join(nquads_lines((s, p, o, None) for s, p, o in g))
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        if fmt == "jsonld":
            return jsonld(g)
        return g.serialize(format="turtle")
    if fmt not in SELECT_FORMATS:
        raise MinekgError(f"format {fmt!r} does not fit a {result.form} query (one of {', '.join(SELECT_FORMATS)})")
    if fmt == "json":
        return json.dumps(to_sparql_json(result), indent=2, ensure_ascii=False) + "\n"
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if fmt in ("csv", "tsv"):
        cells = ([cell(t, short=False) for t in row] for row in result.rows)
        return csv_safe.text(result.variables, cells, "," if fmt == "csv" else "\t", "\n")
    return table(result)


def jsonld(g) -> str:
    """A graph as JSON-LD in one order: rdflib writes nodes and values in its store's hash order, which
    differs from one process to the next, and the store names blank nodes at random when it loads. Blank
    nodes get labels computed from the graph's structure (rdflib.compare's canonical labelling), nodes are
    sorted by @id and each property's values by their JSON text (both are unordered sets in JSON-LD); an
    @list keeps its order."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    canonical = Graph()
    canonical += to_canonical_graph(g)
    for prefix, ns in g.namespaces():
        canonical.bind(prefix, ns)
    doc = json.loads(canonical.serialize(format="json-ld"))
    return json.dumps(_sorted_jsonld(doc), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted_jsonld(value):
    if isinstance(value, list):
        items = [_sorted_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, dict):
        return {k: (_ordered_list(v) if k == "@list" else _sorted_jsonld(v)) for k, v in value.items()}
    return value


def _ordered_list(items: list) -> list:
    return [_sorted_jsonld(v) for v in items]


def table(result: Result, max_width: int = 60) -> str:
    header = result.variables
    rows = [[_clip(cell(t), max_width) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
