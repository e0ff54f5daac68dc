"""Media types of the SPARQL protocol endpoint: ?format= and content negotiation over the registry's
formats (minekg/formats.py), and serialising a Result of rdflib terms.

SELECT/ASK: SPARQL 1.1 JSON (default), XML, CSV, TSV. CONSTRUCT/DESCRIBE: Turtle (default), N-Triples,
JSON-LD, RDF/XML. On the embedded store the query worker writes SELECT/ASK answers in JSON, XML and TSV
with pyoxigraph (minekg/server/native.py); CSV and the graph formats come from minekg.query.results, so the
endpoint and `minekg query` write the same bytes for them.
"""

from __future__ import annotations

from minekg import formats as registry
from minekg.query.results import render
from minekg.query.stores import Result

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
    """A Result of rdflib terms (an endpoint behind the server, the service description) in `media`. SPARQL
    XML and TSV are pyoxigraph's, read from minekg.query.results' JSON: no results format is written by hand."""
    if media.name in ("xml", "tsv"):
        import pyoxigraph as ox

        parsed = ox.parse_query_results(render(result, "json").encode("utf-8"), ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=registry.oxigraph_format(media))
    if media.name == "rdfxml":
        assert result.graph is not None
        return result.graph.serialize(format=media.rdflib).encode("utf-8")
    return render(result, media.name).encode("utf-8")
