"""The one registry of formats (minekg/formats.py), its content negotiation, and the typed errors that
carry their HTTP status: the negotiation rules alone, then every consumer of the registry and every kind of
failure through real servers on 127.0.0.1 (`minekg serve` over the built seed, and over a tiny failing
endpoint)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef

from minekg import formats
from minekg.errors import QueryTimedOut, UpstreamRejected, UpstreamTimedOut, UpstreamUnavailable
from minekg.query.results import GRAPH_FORMATS, SELECT_FORMATS
from minekg.query.stores import EndpointStore
from minekg.release.description import media_type
from minekg.release.export import FORMATS as EXPORT_FORMATS
from minekg.release.export import find_format

from .oxigraph_server import free_port
from .serve_server import ROOT, ServeServer
from .test_endpoint_errors import tiny  # noqa: F401 (the failing endpoint, a fixture)
from .test_serve_protocol import http

RESULTS = formats.of_kind("results")
GRAPHS = formats.of_kind("graph")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def chosen(offered, accept: str | None) -> str:
    return formats.negotiate(offered, accept).name


# ------------------------------------------------------------------ negotiation


def test_q_values_decide():
    assert chosen(RESULTS, "text/csv;q=0.5, application/sparql-results+xml") == "xml"
    assert chosen(RESULTS, "text/csv;q=0.5, application/sparql-results+xml;q=0.4") == "csv"
    assert chosen(RESULTS, "text/csv;Q=0.2, text/tab-separated-values;q=0.3") == "tsv"  # q is case-insensitive


def test_no_header_or_any_type_gives_the_servers_default():
    for accept in (None, "", "  ", "*/*", "*"):  # a lone `*` is what some Java clients send
        assert chosen(RESULTS, accept) == "json", accept
        assert chosen(GRAPHS, accept) == "turtle", accept


def test_wildcards_and_aliases():
    assert chosen(RESULTS, "text/*") == "csv"  # the first text/ type in the server's order
    assert chosen(GRAPHS, "application/*") == "ntriples"
    assert chosen(GRAPHS, "application/json") == "jsonld"  # plain JSON for triples means JSON-LD
    assert chosen(RESULTS, "application/json") == "json"
    assert chosen(GRAPHS, "text/plain") == "ntriples"
    assert chosen(RESULTS, "TEXT/CSV") == "csv"  # media types are case-insensitive


def test_the_most_specific_range_sets_a_types_q():
    # RFC 9110 12.5.1: text/csv;q=0 refuses CSV although text/* accepts text
    assert chosen(RESULTS, "text/*, text/csv;q=0") == "tsv"
    assert chosen(RESULTS, "text/*;q=0.5, text/tab-separated-values") == "tsv"
    assert chosen(RESULTS, "*/*;q=0.1, text/*;q=0") == "json"


def test_ties_go_to_the_clients_order_then_the_servers():
    assert chosen(RESULTS, "text/tab-separated-values, text/csv") == "tsv"
    assert chosen(RESULTS, "text/csv, text/tab-separated-values") == "csv"
    assert chosen(GRAPHS, "application/rdf+xml;q=0.8, text/turtle;q=0.8") == "rdfxml"
    page = (formats.get("html"),) + GRAPHS
    assert chosen(page, "text/html,application/xhtml+xml,*/*;q=0.8") == "html"
    assert chosen(page, "text/turtle;q=0.9, text/html;q=0.1") == "turtle"


def test_406_when_nothing_offered_is_acceptable():
    for accept in ("image/png", "text/csv;q=0", "*/*;q=0", "not a media type", "text/csv;q=abc"):
        with pytest.raises(formats.NotAcceptable) as info:
            formats.negotiate(RESULTS, accept)
        assert info.value.status == 406, accept
    assert not formats.acceptable(GRAPHS, "text/csv")


# ------------------------------------------------------------------ one registry for every consumer


def test_names_extensions_and_media_types_are_unique():
    names = [n for f in formats.FORMATS for n in (f.name, *f.names)]
    assert len(names) == len(set(names))
    served = formats.of_kind("results", "graph", "dataset")
    assert len({f.extension for f in served}) == len(served)
    assert all(formats.by_extension(f.extension) is f for f in served)
    for f in served:  # each names a real pyoxigraph format, and rdflib's for the RDF ones
        assert formats.oxigraph_format(f) is not None
    import rdflib.plugin
    from rdflib.serializer import Serializer

    for f in formats.of_kind("graph", "dataset"):
        assert rdflib.plugin.get(f.rdflib, Serializer) is not None


def test_export_and_its_description_use_the_registry():
    for name in EXPORT_FORMATS:
        assert find_format(name).name == name
        f = formats.get(name)
        assert find_format(f.extension if f.kind != "results" else name).name == name
    assert find_format("xml").name == "rdfxml"  # a dataset in XML is RDF/XML
    for f in formats.of_kind("graph", "dataset"):
        assert media_type(f"minekg.{f.extension}") == f.media_type
    assert media_type("tables/allegation.csv") == "text/csv"


@pytest.fixture(scope="module")
def limited(built):
    """`minekg serve` with tight limits, no answer cache: a 1 s time limit and 50 rows per answer."""
    s = ServeServer(built, "--timeout", "1", "--max-rows", "50", "--workers", "2", "--cache-mb", "0").start()
    yield s
    assert s.stop() == 0, s.output


def fetch(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    return http(url, headers={"Accept": accept} if accept else {})


def sparql(server: ServeServer, query: str, accept: str | None = None, **params: str):
    return fetch(server.url("/sparql?" + urllib.parse.urlencode({"query": query, **params})), accept)


def test_every_cli_format_is_served_by_the_endpoint_with_its_media_type(server):
    select, construct = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"
    for names, query in ((SELECT_FORMATS, select), (GRAPH_FORMATS, construct)):
        for name in names:
            if formats.get(name).kind == "table":
                continue  # the terminal's table is the command line's own
            f = formats.get(name)
            by_name = sparql(server, query, format=name)
            by_accept = sparql(server, query, f.media_type)
            for status, headers, _ in (by_name, by_accept):
                assert status == 200 and headers["content-type"].split(";")[0] == f.media_type, name


def test_linked_data_and_the_service_description_use_the_registry(server):
    for f in GRAPHS:  # every graph format is a /data/...EXT file and a 303 target for its media type
        status, headers, _ = fetch(server.url(f"/data/state/BLR.{f.extension}"))
        assert status == 200 and headers["content-type"].split(";")[0] == f.media_type, f.name
        req = urllib.request.Request(server.url("/id/state/BLR"), headers={"Accept": f.media_type})
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(req, timeout=60)
        assert info.value.code == 303 and info.value.headers["location"] == f"/data/state/BLR.{f.extension}"
    status, _, body = fetch(server.url("/sparql"), "text/turtle")
    g = Graph().parse(data=body.decode(), format="turtle")
    sd = URIRef("http://www.w3.org/ns/sparql-service-description#resultFormat")
    assert set(g.objects(None, sd)) == {URIRef(formats.FORMATS_NS + f.w3c) for f in RESULTS + GRAPHS}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# ------------------------------------------------------------------ typed errors, each with its status


def assert_status(answer: tuple[int, dict[str, str], bytes], status: int, *words: str) -> None:
    code, headers, body = answer
    text = body.decode()
    assert code == status, text
    assert headers["content-type"].startswith("text/plain") and len(text.strip().splitlines()) == 1, text
    for word in words:
        assert word in text, text


def test_each_failure_of_the_embedded_store_gives_its_status(limited):
    assert_status(sparql(limited, "SELEC * WHERE { ?s ?p ?o }"), 400, "syntax")
    assert_status(sparql(limited, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"), 403, "read-only")
    assert_status(sparql(limited, "SELECT * WHERE { ?s ?p ?o }"), 422, "50 rows")
    assert_status(sparql(limited, "ASK {}", "image/png"), 406)
    assert_status(sparql(limited, "ASK {}", format="yaml"), 400, "unknown format")
    # Last: the query stopped at the time limit costs the pool a worker until its replacement is up.
    assert_status(sparql(limited, CARTESIAN), 503, "time limit")


@pytest.fixture(scope="module")
def fronting(tmp_path_factory, tiny):  # noqa: F811
    """`minekg serve --endpoint` in front of the tiny endpoint's /bad-query path: the upstream refuses."""
    servers = {}

    def start(path: str) -> ServeServer:
        if path not in servers:
            url = tiny + path if path.startswith("/") else path
            servers[path] = ServeServer(None, "--endpoint", url, "--timeout", "1").start()
        return servers[path]

    yield start
    for s in servers.values():
        assert s.stop() == 0, s.output


@pytest.mark.parametrize("path,status,words", [
    ("/bad-query", 400, ("HTTP 400", "Parse error")),  # the upstream refused the query: the client's to fix
    ("/forbidden", 400, ("HTTP 403",)),
    ("/error", 502, ("HTTP 500",)),  # the upstream failed
    ("/garbled", 502, ("malformed response",)),
    ("/slow", 503, ("timed out",)),  # the upstream ran past the time limit
])
def test_each_failure_of_an_upstream_endpoint_gives_its_status(fronting, path, status, words):
    assert_status(sparql(fronting(path), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), status, *words)


def test_an_unreachable_upstream_is_a_502(fronting):
    closed = f"http://127.0.0.1:{free_port()}/query"
    assert_status(sparql(fronting(closed), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), 502, "cannot connect")


def test_the_store_raises_the_typed_error_where_the_failure_happens(tiny):  # noqa: F811
    cases = {"/bad-query": UpstreamRejected, "/error": UpstreamUnavailable, "/garbled": UpstreamUnavailable,
             "/slow": UpstreamTimedOut}
    for path, kind in cases.items():
        with pytest.raises(kind) as info:
            EndpointStore(tiny + path, timeout=1).query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
        assert str(info.value).startswith(f"endpoint {tiny + path}: ")
    assert issubclass(UpstreamTimedOut, QueryTimedOut) and UpstreamTimedOut.status == 503


# ------------------------------------------------------------------ answers written by pyoxigraph

ORDERED = """PREFIX mk: <https://w3id.org/minekg/ontology#>
SELECT ?a ?who ?accused WHERE { ?a a mk:Allegation ; mk:assertedBy ?who ; mk:accused ?accused } ORDER BY ?a"""


def test_embedded_select_answers_are_pyoxigraphs_own(server, built):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(built), format=ox.RdfFormat.N_QUADS)
    for f in RESULTS:
        if f.name == "csv":
            continue  # minekg.query.results' CSV, with the spreadsheet guard (tests/test_csv_cells.py)
        status, headers, body = sparql(server, ORDERED, f.media_type)
        expected = store.query(ORDERED, use_default_graph_as_union=True).serialize(format=formats.oxigraph_format(f))
        assert status == 200 and body == expected, f.name
        assert len(list(ox.parse_query_results(body, formats.oxigraph_format(f)))) >= 5


@pytest.mark.parametrize("name", ["json", "xml", "tsv", "csv"])
def test_the_row_limit_holds_in_every_results_format(limited, name):
    assert_status(sparql(limited, "SELECT * WHERE { ?s ?p ?o }", format=name), 422, "50 rows")
    status, _, body = sparql(limited, "SELECT * WHERE { ?s ?p ?o } LIMIT 50", format=name)
    assert status == 200 and body
    # rows that bind nothing leave the fewest marks in the written answer: still counted
    unbound = "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:none> ?x } } LIMIT "
    assert_status(sparql(limited, unbound + "51", format=name), 422, "50 rows")
    assert sparql(limited, unbound + "50", format=name)[0] == 200


def test_the_documented_table_is_the_registrys():
    assert formats.served_table() in (ROOT / "docs" / "serve.md").read_text(encoding="utf-8")
