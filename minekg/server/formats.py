"""Media types of the SPARQL protocol endpoint: content negotiation and serialising a Result.

SELECT/ASK: SPARQL 1.1 JSON (default), XML, CSV, TSV. CONSTRUCT/DESCRIBE: Turtle (default), N-Triples,
JSON-LD, RDF/XML. JSON, CSV, Turtle, JSON-LD and N-Triples come from minekg.query.results, so the endpoint and
`minekg query` write the same bytes; SPARQL XML, spec TSV and RDF/XML exist only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef

from minekg.errors import MinekgError
from minekg.query.results import render
from minekg.query.stores import Result
from minekg.rdf.oxi import nt_term


@dataclass(frozen=True)
class MediaType:
    name: str  # the short name accepted by ?format= (json, xml, csv, tsv, turtle, ...)
    mime: str
    aliases: tuple[str, ...] = ()  # other media types clients send for the same thing


SELECT_TYPES = (
    MediaType("json", "application/sparql-results+json", ("application/json",)),
    MediaType("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    MediaType("csv", "text/csv"),
    MediaType("tsv", "text/tab-separated-values"),
)
GRAPH_TYPES = (
    MediaType("turtle", "text/turtle", ("application/x-turtle",)),
    MediaType("ntriples", "application/n-triples", ("text/plain",)),
    MediaType("jsonld", "application/ld+json", ("application/json",)),
    MediaType("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
)
FORMAT_NAMES = {t.name for t in SELECT_TYPES + GRAPH_TYPES} | {"ttl", "nt", "rdf"}
_SHORT = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}


class NotAcceptable(MinekgError):
    """No representation the client accepts (HTTP 406) or an unknown ?format= (HTTP 400)."""

    def __init__(self, message: str, status: int = 406) -> None:
        super().__init__(message)
        self.status = status


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (stable for equal q)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime = fields[0].lower()
        if not mime:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((i, mime, q))
    ranges.sort(key=lambda r: (-r[2], r[0]))
    return [(mime, q) for _, mime, q in ranges]


def _matches(mime_range: str, t: MediaType) -> bool:
    if mime_range == "*/*":
        return True
    if mime_range.endswith("/*"):
        return t.mime.startswith(mime_range[:-1])
    return mime_range == t.mime or mime_range in t.aliases


def negotiate(candidates: tuple[MediaType, ...], accept: str | None, fmt: str | None) -> MediaType:
    """The media type to answer with: ?format= wins, else the best Accept match, else 406."""
    if fmt:
        name = _SHORT.get(fmt.lower(), fmt.lower())
        if name not in FORMAT_NAMES:
            raise NotAcceptable(
                f"unknown format {fmt!r} (one of json, xml, csv, tsv for SELECT/ASK; "
                "turtle, ntriples, jsonld, rdfxml for CONSTRUCT/DESCRIBE)",
                400,
            )
        for t in candidates:
            if t.name == name:
                return t
        kinds = ", ".join(t.name for t in candidates)
        raise NotAcceptable(f"format {fmt!r} does not fit this query's results (one of {kinds})", 400)
    for mime_range, q in parse_accept(accept):
        if q <= 0:
            continue
        for t in candidates:
            if _matches(mime_range, t):
                return t
    offered = ", ".join(t.mime for t in candidates)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced; this query offers {offered}")


def acceptable_at_all(accept: str | None, fmt: str | None) -> None:
    """Fail early (before running a query) when neither result family could satisfy the client."""
    errors = []
    for family in (SELECT_TYPES, GRAPH_TYPES):
        try:
            negotiate(family, accept, fmt)
            return
        except NotAcceptable as e:
            errors.append(e)
    if fmt and _SHORT.get(fmt.lower(), fmt.lower()) not in FORMAT_NAMES:
        raise errors[0]
    offered = ", ".join(t.mime for t in SELECT_TYPES + GRAPH_TYPES)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced (offered: {offered})")


def candidates_for(form: str) -> tuple[MediaType, ...]:
    return SELECT_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES


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
