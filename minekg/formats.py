"""The one registry of formats and media types, and the one content negotiation.

Every consumer reads this table: `minekg query --format`, the endpoint's content negotiation and its
service description, the linked-data pages' /data/... extensions and 303s, downloads from the workbench,
`minekg export`'s format names and its DCAT description, and `minekg push`'s request bodies. A format's
kind says what it can hold: `results` (SELECT/ASK answers), `graph` (triples), `dataset` (quads),
`table` (text for a terminal), `message` (an error's
one line), `page` (HTML) or `file` (other files of a release).

Accept headers are read here, once (RFC 9110 §12.5.1): the q-value of a media type is the one of the most
specific range that matches it (`text/*;q=0.5, text/csv` gives text/csv q=1 and text/tab-separated-values
q=0.5), q=0 refuses, the highest q wins, and among equal q the range the client listed first, then the
server's own order. python-mimeparse's best_match (the maintained library for this) breaks ties by the
server's list alone and treats an out-of-range q as 1, which would change answers clients get today; the
rules above take a few lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from minekg.errors import MinekgError, QueryFailure

FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # the canonical short name (?format=, --format, export --format)
    kind: str  # results | graph | dataset | table | page | file
    media_type: str  # what the endpoint answers with and a DCAT description states
    extension: str  # file extension, without the dot
    aliases: tuple[str, ...] = ()  # other media types clients send for the same thing
    names: tuple[str, ...] = ()  # other short names accepted for it
    rdflib: str | None = None  # rdflib's parser/serializer name
    oxigraph: str | None = None  # pyoxigraph's RdfFormat / QueryResultsFormat member
    w3c: str | None = None  # its IRI under http://www.w3.org/ns/formats/ (service descriptions)

    def matches(self, mime: str) -> bool:
        return mime == self.media_type or mime in self.aliases


FORMATS: tuple[Format, ...] = (
    # SELECT/ASK answers, in the endpoint's order of preference (JSON is its default)
    Format("json", "results", "application/sparql-results+json", "json", ("application/json",),
           oxigraph="JSON", w3c="SPARQL_Results_JSON"),
    Format("xml", "results", "application/sparql-results+xml", "xml", ("application/xml", "text/xml"),
           oxigraph="XML", w3c="SPARQL_Results_XML"),
    Format("csv", "results", "text/csv", "csv", oxigraph="CSV", w3c="SPARQL_Results_CSV"),
    Format("tsv", "results", "text/tab-separated-values", "tsv", oxigraph="TSV", w3c="SPARQL_Results_TSV"),
    # triples (CONSTRUCT/DESCRIBE, the Graph Store, /data/...); Turtle is the default
    Format("turtle", "graph", "text/turtle", "ttl", ("application/x-turtle",), ("ttl",),
           "turtle", "TURTLE", "Turtle"),
    Format("ntriples", "graph", "application/n-triples", "nt", ("text/plain",), ("nt", "n-triples"),
           "nt", "N_TRIPLES", "N-Triples"),
    Format("jsonld", "graph", "application/ld+json", "jsonld", ("application/json",), ("json-ld",),
           "json-ld", "JSON_LD", "JSON-LD"),
    Format("rdfxml", "graph", "application/rdf+xml", "rdf", ("application/xml", "text/xml"), ("rdf", "rdf/xml"),
           "xml", "RDF_XML", "RDF_XML"),
    # quads (the build, exports, push)
    Format("nquads", "dataset", "application/n-quads", "nq", (), ("nq", "n-quads"), "nquads", "N_QUADS", "N-Quads"),
    Format("trig", "dataset", "application/trig", "trig", (), (), "trig", "TRIG", "TriG"),
    # text for people
    Format("table", "table", "text/plain", "txt"),
    Format("text", "message", "text/plain", "txt"),  # the server's one-line errors
    Format("html", "page", "text/html", "html", ("application/xhtml+xml",)),
    Format("markdown", "file", "text/markdown", "md"),
)
_BY_NAME = {n: f for f in FORMATS for n in (f.name, *f.names)}


def get(name: str) -> Format:
    """A format by its name or one of its other names (`ttl`, `n-triples`), case-insensitive."""
    try:
        return _BY_NAME[name.strip().lower()]
    except KeyError:
        raise MinekgError(f"unknown format {name!r}") from None


def find(name: str) -> Format | None:
    return _BY_NAME.get(name.strip().lower())


def of_kind(*kinds: str) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.kind in kinds)


def by_extension(ext: str) -> Format | None:
    """The format a file extension (`ttl`, `.ttl`) stands for."""
    ext = ext.lstrip(".").lower()
    return next((f for f in FORMATS if f.extension == ext), None)


def for_form(form: str) -> tuple[Format, ...]:
    """What a query of this form (SELECT, ASK, CONSTRUCT, DESCRIBE) can be answered in over HTTP."""
    return of_kind("results") if form in ("SELECT", "ASK") else of_kind("graph")


def oxigraph_format(f: Format):
    """pyoxigraph's RdfFormat or QueryResultsFormat for `f`."""
    import pyoxigraph as ox

    enum = ox.QueryResultsFormat if f.kind == "results" else ox.RdfFormat
    return getattr(enum, f.oxigraph)


# ------------------------------------------------------------------ content negotiation


class NotAcceptable(QueryFailure):
    """No representation the client accepts (HTTP 406), or an unknown ?format= (HTTP 400)."""

    status = 406


@dataclass(frozen=True)
class MediaRange:
    type: str  # `text`, or `*`
    subtype: str  # `csv`, or `*`
    q: float
    position: int  # where the client listed it

    def covers(self, mime: str) -> bool:
        kind, _, sub = mime.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header, best first (by q, then the client's order). No header, or an
    empty one, accepts anything. A malformed range is left out; a q that is not a number refuses its range."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        mime, *params = (p.strip() for p in part.split(";"))
        mime = "*/*" if mime == "*" else mime.lower()  # a lone `*` (old Java clients) means */*
        kind, slash, sub = mime.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(kind, sub, _q(params), i))
    return sorted(ranges, key=lambda r: (-r.q, r.position))


def _q(params: list[str]) -> float:
    for p in params:
        key, _, value = p.partition("=")
        if key.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


def _preference(f: Format, ranges: Sequence[MediaRange]) -> tuple[float, int] | None:
    """The q the client gives `f` (from the most specific range covering its media type, or naming one of
    its aliases: a wildcard is matched against the type the answer is sent as) and the position of that
    range; None when no range covers it."""
    covering = [r for mime in (f.media_type, *f.aliases) for r in ranges
                if r.covers(mime) and (r.specificity == 2 or mime == f.media_type)]
    best = max(covering, key=lambda r: (r.specificity, -r.position), default=None)
    return None if best is None else (best.q, best.position)


def negotiate(offered: Iterable[Format], accept: str | None) -> Format:
    """The format to answer with among `offered` (in the server's order of preference), or NotAcceptable."""
    offered = tuple(offered)
    ranges = parse_accept(accept)
    scored = []
    for order, f in enumerate(offered):
        pref = _preference(f, ranges)
        if pref is not None and pref[0] > 0:
            scored.append((-pref[0], pref[1], order, f))
    if not scored:
        types = ", ".join(f.media_type for f in offered)
        raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced; offered: {types}")
    return min(scored, key=lambda s: s[:3])[3]


def acceptable(offered: Iterable[Format], accept: str | None) -> bool:
    try:
        negotiate(offered, accept)
    except NotAcceptable:
        return False
    return True


# ------------------------------------------------------------------ documentation

_SERVED_AS = {"results": "SELECT/ASK", "graph": "CONSTRUCT/DESCRIBE, /data/, Graph Store"}


def served_table() -> str:
    """The endpoint's formats as the Markdown table in docs/serve.md (a test keeps the two the same)."""
    rows = ["| name (`?format=`) | answers | media type | also accepted | file |", "|---|---|---|---|---|"]
    for f in of_kind("results", "graph"):
        names = ", ".join(f"`{n}`" for n in (f.name, *f.names))
        aliases = ", ".join(f"`{a}`" for a in f.aliases) or "—"
        rows.append(f"| {names} | {_SERVED_AS[f.kind]} | `{f.media_type}` | {aliases} | `.{f.extension}` |")
    return "\n".join(rows) + "\n"
