"""Query backends behind one interface: embedded Oxigraph (default), rdflib memory, a SPARQL endpoint.

Every backend answers with rdflib terms, so results compare and format the same. All backends see the
union of minekg's named graphs as the default graph (Oxigraph: use_default_graph_as_union; rdflib:
default_union; an endpoint: configure its union default graph, as `oxigraph serve --union-default-graph`),
unless the query names its own dataset: FROM <g> / FROM NAMED <g> are honoured on every backend, and a
graph the store does not hold is an empty graph (never fetched).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import rdflib.plugins.sparql
from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.term import Node

from minekg.errors import MinekgError, QuerySyntaxError, TooManyRows, UpstreamUnavailable, first_line
from minekg.query import guard
from minekg.query.remote import http_errors, said, status_error
from minekg.rdf import oxi

# rdflib fetches a FROM / FROM NAMED graph it does not hold from the web by default: no query of minekg's
# ever fetches from the network, so an unknown graph is an empty one, as on Oxigraph.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

BACKENDS = ("oxigraph", "memory")
DEFAULT_BACKEND = "oxigraph"  # measured fastest with identical answers: see bench/results.md


@dataclass
class Result:
    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE
    variables: list[str]
    rows: list[list[Node | None]]
    graph: Graph | None = None
    boolean: bool | None = None

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRIs and lexical forms), None for unbound."""
        return [{v: (None if t is None else str(t)) for v, t in zip(self.variables, row, strict=True)}
                for row in self.rows]


class Store:
    name = "store"

    def query(self, text: str) -> Result:
        raise NotImplementedError

    def close(self) -> None:
        pass


class OxigraphStore(Store):
    name = "oxigraph"

    def __init__(self, nquads: Path | None = None, data: str | None = None) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.store = ox.Store()
        try:
            if nquads is not None:
                self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            elif data is not None:
                self.store.bulk_load(input=data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as e:  # a truncated or damaged file: name it and the line, no traceback
            where = f"{nquads or '(data)'}:{e.lineno}" if e.lineno else str(nquads or "(data)")
            raise MinekgError(f"{where}: not valid N-Quads ({e.msg}); rebuild it with `minekg build`") from None

    def query(self, text: str, max_rows: int | None = None) -> Result:
        """Run a query over the union of the graphs; with `max_rows`, stop with TooManyRows as soon as the
        answer passes that many rows (or triples), before converting the rest (the server's limit)."""
        return self.convert(self.run(text), max_rows)

    def run(self, text: str):
        """The engine's own answer (QuerySolutions, QueryBoolean or QueryTriples), not yet drawn: the server
        writes SELECT/ASK answers from it with pyoxigraph's serializers (minekg/server/native.py)."""
        # The union of the graphs is the default graph unless the query names its own with FROM / FROM
        # NAMED: pyoxigraph's union flag would override the query's dataset (and answer FROM <g> with
        # every graph), so it is set only for queries without one.
        guard.check_depth(text)  # Oxigraph's parser would crash the process on a few thousand nested groups
        union = not guard.has_dataset_clause(text)
        try:
            return self.store.query(text, use_default_graph_as_union=union)
        except SyntaxError as e:
            raise QuerySyntaxError(f"SPARQL syntax error: {first_line(e)}") from None
        except (OSError, ValueError, RuntimeError) as e:
            raise MinekgError(f"query failed on oxigraph: {first_line(e)}") from None

    @staticmethod
    def form(res) -> str:
        import pyoxigraph as ox

        if isinstance(res, ox.QueryBoolean):
            return "ASK"
        return "SELECT" if isinstance(res, ox.QuerySolutions) else "CONSTRUCT"

    def convert(self, res, max_rows: int | None = None) -> Result:
        """An answer of `run` as a Result of rdflib terms, stopping with TooManyRows past `max_rows`."""
        ox = self._ox
        # Large answers repeat few terms (a document, a label), and building an rdflib term costs far more
        # than a lookup (a typed literal is parsed): each distinct term is converted once per answer. The
        # lookup is written out where it is used (`converted[t] if t in converted else new(t)`): a function
        # call per value cost 7-9% of a 10^6 answer such as 202's.
        converted: dict = {None: None}  # an unbound value stays None

        def new(t):
            out = converted[t] = oxi.to_rdflib(t)
            return out

        try:
            if isinstance(res, ox.QueryBoolean):
                return Result("ASK", [], [], boolean=bool(res))
            if isinstance(res, ox.QuerySolutions):
                variables = [v.value for v in res.variables]
                rows = []
                for s in res:
                    if max_rows is not None and len(rows) >= max_rows:
                        raise TooManyRows(f"the result has more than {max_rows} rows, the server's limit; "
                                          "add a LIMIT or narrow the query")
                    # a solution iterates its values in variable order
                    rows.append([converted[t] if t in converted else new(t) for t in s])
                return Result("SELECT", variables, rows)
            g = Graph()
            for t in res:
                if max_rows is not None and len(g) >= max_rows:
                    raise TooManyRows(f"the result has more than {max_rows} triples, the server's limit; "
                                      "add a LIMIT or narrow the query")
                g.add(tuple(converted[x] if x in converted else new(x) for x in (t.subject, t.predicate, t.object)))
            return Result("CONSTRUCT", [], [], graph=g)
        except (OSError, ValueError, RuntimeError) as e:  # evaluation errors surface while iterating
            raise MinekgError(f"query failed on oxigraph: {first_line(e)}") from None


class MemoryStore(Store):
    """rdflib's own engine: slow, kept as the reference implementation."""

    name = "memory"

    def __init__(self, nquads: Path | None = None, data: str | None = None) -> None:
        self.ds = Dataset(default_union=True)
        try:
            if nquads is not None:
                self.ds.parse(str(nquads), format="nquads")
            elif data is not None:
                self.ds.parse(data=data, format="nquads")
        except ParserError as e:
            raise MinekgError(f"{nquads or '(data)'}: not valid N-Quads ({first_line(e)}); "
                              "rebuild it with `minekg build`") from None

    def query(self, text: str) -> Result:
        from minekg.query.rdflib_plan import planned

        guard.check_depth(text)  # rdflib's parser would exhaust the recursion limit first
        # rdflib evaluates lazily: the rows are drawn inside the block, so its planning fixes apply.
        with planned():
            try:
                res = self.ds.query(text)
                if res.type == "ASK":
                    return Result("ASK", [], [], boolean=bool(res.askAnswer))
                if res.type == "SELECT":
                    variables = [str(v) for v in res.vars]
                    return Result("SELECT", variables, [list(row) for row in res])
                g = Graph()
                for t in res:
                    g.add(t)
                return Result("CONSTRUCT", [], [], graph=g)
            except Exception as e:  # rdflib raises pyparsing and plain exceptions alike
                raise MinekgError(f"query failed on memory: {first_line(e)}") from None


class EndpointStore(Store):
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper. Credentials come from the environment only:
    MINEKG_ENDPOINT_USER and MINEKG_ENDPOINT_PASSWORD."""

    name = "endpoint"

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise MinekgError(f"endpoint {url}: not an http(s) URL")
        self.url = url
        self.update_url = update_url
        self.timeout = timeout

    def _wrapper(self, url: str):
        from SPARQLWrapper import SPARQLWrapper

        w = SPARQLWrapper(url)
        w.setTimeout(int(self.timeout))
        user, password = os.environ.get("MINEKG_ENDPOINT_USER"), os.environ.get("MINEKG_ENDPOINT_PASSWORD")
        if user is not None:
            w.setCredentials(user, password or "")
        return w

    def query(self, text: str) -> Result:
        from SPARQLWrapper import JSON, POST, TURTLE

        from minekg.query.catalogue import query_form

        form = query_form(text)
        w = self._wrapper(self.url)
        w.setQuery(text)
        # SPARQLWrapper guesses the form from the text and its comment stripping misses every other comment
        # line, so a header saying "moved" or "added" was sent as an update: the form minekg parsed decides.
        w.queryType = form
        # An endpoint serving the union as its default graph (as minekg asks) ignores a query's own FROM:
        # the same graphs sent as the protocol's default-graph-uri / named-graph-uri are honoured.
        defaults, named = guard.dataset(text)
        for iri in defaults:
            w.addDefaultGraph(iri)
        for iri in named:
            w.addNamedGraph(iri)
        w.setMethod(POST)
        w.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
        raw = self._call(w)
        if form in ("SELECT", "ASK"):
            try:
                doc = json.loads(raw)
            except (ValueError, TypeError):
                raise UpstreamUnavailable(
                    f"endpoint {self.url}: malformed response (not SPARQL JSON results)"
                ) from None
            return parse_json_results(doc, self.url)
        g = Graph()
        try:
            g.parse(data=raw, format="turtle")
        except Exception:
            raise UpstreamUnavailable(f"endpoint {self.url}: malformed response (not Turtle)") from None
        return Result(form, [], [], graph=g)

    def _call(self, w) -> str:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            with http_errors(self.url, self.timeout):
                body = w.query().response.read()
        except SPARQLWrapperException as e:
            raise _wrapper_error(e, self.url) from None
        return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)


def parse_json_results(doc: dict, where: str) -> Result:
    """SPARQL 1.1 JSON results into a Result of rdflib terms."""
    from rdflib import BNode, Literal, URIRef

    try:
        if "boolean" in doc:
            return Result("ASK", [], [], boolean=bool(doc["boolean"]))
        variables = list(doc["head"]["vars"])
        rows = []
        for b in doc["results"]["bindings"]:
            row = []
            for v in variables:
                t = b.get(v)
                if t is None:
                    row.append(None)
                elif t["type"] == "uri":
                    row.append(URIRef(t["value"]))
                elif t["type"] == "bnode":
                    row.append(BNode(t["value"]))
                else:
                    lang, dt = t.get("xml:lang"), t.get("datatype")
                    row.append(Literal(t["value"], lang=lang) if lang else
                               Literal(t["value"], datatype=URIRef(dt) if dt and not dt.endswith("#string") else None))
            rows.append(row)
    except (KeyError, TypeError, AttributeError):
        raise UpstreamUnavailable(f"endpoint {where}: malformed response (not SPARQL JSON results)") from None
    return Result("SELECT", variables, rows)


# SPARQLWrapper turns these statuses into exceptions whose text holds the response as a bytes repr.
_WRAPPER_STATUS = {"QueryBadFormed": (400, "Bad Request"), "Unauthorized": (401, "Unauthorized"),
                   "EndPointNotFound": (404, "Not Found"), "URITooLong": (414, "URI Too Long"),
                   "EndPointInternalError": (500, "Internal Server Error")}


def _wrapper_error(e: BaseException, url: str) -> MinekgError:
    """A SPARQLWrapper error as the HTTP status it stands for and the endpoint's own message."""
    import ast

    status = _WRAPPER_STATUS.get(type(e).__name__)
    _head, sep, response = str(e).partition("\n\nResponse:\n")
    if status is None:
        return UpstreamUnavailable(f"endpoint {url}: {first_line(e)}")
    try:
        body = ast.literal_eval(response) if sep else b""
    except (ValueError, SyntaxError):
        body = response
    code, reason = status
    return status_error(code, f"endpoint {url}: HTTP {code} {reason}{said(body)}")


def open_store(backend: str = DEFAULT_BACKEND, nquads: Path | None = None, endpoint: str | None = None,
               update_endpoint: str | None = None, timeout: float = 30.0) -> Store:
    if endpoint:
        return EndpointStore(endpoint, update_endpoint, timeout)
    if backend == "oxigraph":
        return OxigraphStore(nquads)
    if backend == "memory":
        return MemoryStore(nquads)
    raise MinekgError(f"unknown store {backend!r} (one of {', '.join(BACKENDS)}, or --endpoint URL)")
