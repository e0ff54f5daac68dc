"""Media types of the SPARQL protocol endpoint: content negotiation and serialising a Result.

SELECT/ASK: SPARQL 1.1 JSON (default), XML, CSV, TSV. CONSTRUCT/DESCRIBE: Turtle (default), N-Triples,
JSON-LD, RDF/XML. JSON, CSV, Turtle, JSON-LD and N-Triples come from minekg.results, so the endpoint and
`minekg query` write the same bytes; SPARQL XML, spec TSV and RDF/XML exist only here.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef

from .. import formats as registry
from ..oxi import nt_term
from ..results import render
from ..stores import Result

# The endpoint's formats and their order of preference come from the registry (minekg/formats.py).
MediaType = registry.Format
SELECT_TYPES = registry.of_kind("results")
GRAPH_TYPES = registry.of_kind("graph")
NotAcceptable = registry.NotAcceptable
candidates_for = registry.for_form


def _by_name(fmt: str) -> MediaType:
    """The format ?format= names, if the endpoint serves it (400 otherwise)."""
    f = registry.find(fmt)
    if f is None or f.kind not in ("results", "graph"):
        raise NotAcceptable(
            f"unknown format {fmt!r} (one of {', '.join(t.name for t in SELECT_TYPES)} for SELECT/ASK; "
            f"{', '.join(t.name for t in GRAPH_TYPES)} for CONSTRUCT/DESCRIBE)",
            400,
        )
    return f


def negotiate(candidates: tuple[MediaType, ...], accept: str | None, fmt: str | None) -> MediaType:
    """The media type to answer with: ?format= wins, else the best Accept match, else 406."""
    if not fmt:
        return registry.negotiate(candidates, accept)
    chosen = _by_name(fmt)
    if chosen not in candidates:
        kinds = ", ".join(t.name for t in candidates)
        raise NotAcceptable(f"format {fmt!r} does not fit this query's results (one of {kinds})", 400)
    return chosen


def acceptable_at_all(accept: str | None, fmt: str | None) -> None:
    """Fail early (before running a query) when neither result family could satisfy the client."""
    if fmt:
        _by_name(fmt)
        return
    registry.negotiate(SELECT_TYPES + GRAPH_TYPES, accept)


def serialize(result: Result, media: MediaType) -> bytes:
    if media.name == "xml":
        return sparql_xml(result).encode("utf-8")
    if media.name == "tsv":
        return sparql_tsv(result).encode("utf-8")
    if media.name == "rdfxml":
        assert result.graph is not None
        return result.graph.serialize(format="xml").encode("utf-8")
    return render(result, media.name).encode("utf-8")


def sparql_xml(result: Result) -> str:
    """SPARQL Query Results XML Format (W3C Recommendation, 2013)."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>\n']
    out += [f"    <variable name={quoteattr(v)}/>\n" for v in result.variables]
    out.append("  </head>\n")
    if result.form == "ASK":
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.append("  <results>\n")
    for row in result.rows:
        out.append("    <result>\n")
        for v, t in zip(result.variables, row, strict=True):
            if t is None:
                continue
            out.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>\n")
        out.append("    </result>\n")
    out.append("  </results>\n</sparql>\n")
    return "".join(out)


def _xml_term(t) -> str:
    if isinstance(t, URIRef):
        return f"<uri>{escape(str(t))}</uri>"
    if isinstance(t, BNode):
        return f"<bnode>{escape(str(t))}</bnode>"
    assert isinstance(t, Literal)
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(str(t))}</literal>"
    if t.datatype is not None:
        return f"<literal datatype={quoteattr(str(t.datatype))}>{escape(str(t))}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def sparql_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: a header of ?variables, then every term in its Turtle/N-Triples form."""
    if result.form == "ASK":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else nt_term(t) for t in row))
    return "\n".join(lines) + "\n"
