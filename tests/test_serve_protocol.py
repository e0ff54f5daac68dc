"""The SPARQL 1.1 Protocol of `minekg serve`, with real clients against a real server on 127.0.0.1.

SPARQLWrapper runs the whole named-query catalogue through the endpoint and must get the answers the
CLI and library get; plain HTTP requests check content negotiation, status codes, refusals and limits;
independent parsers (json, xml.etree, csv, rdflib, rapper, pyld) read every format.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from minekg.query import catalogue as named
from minekg.query.stores import parse_json_results

from .conftest import require_tool
from .serve_server import MINEKG, ROOT, ServeServer, alive

pytestmark = pytest.mark.server

SELECT_ALLEGATIONS = """PREFIX mk: <https://w3id.org/minekg/ontology#>
SELECT ?a ?who ?accused WHERE { ?a a mk:Allegation ; mk:assertedBy ?who ; mk:accused ?accused } ORDER BY ?a"""
CONSTRUCT_BLR = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?l }
WHERE { ?s rdfs:label ?l FILTER(?s = <https://w3id.org/minekg/id/state/BLR>) }"""
SAMPLE = {
    "state": "BLR",
    "date": "2023-12-31",
    "year": "2022",
    "iri": "https://w3id.org/minekg/id/state/BLR",
    "string": "mine",
    "integer": "1",
    "boolean": "true",
}
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DEEP_PATH = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x:p>|!<urn:x:q>)* ?b . ?b (!<urn:x:q>)* ?c }"


@pytest.fixture(scope="module")
def limited(built):
    """A second server with tight limits: 1 s per query, 50 rows per answer, two workers, no answer cache
    (so every request below is evaluated by a worker)."""
    s = ServeServer(built, "--timeout", "1", "--max-rows", "50", "--workers", "2", "--cache-mb", "0").start()
    yield s
    assert s.stop() == 0, s.output


def http(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get(server: ServeServer, path: str, accept: str | None = None, **params: str):
    qs = ("?" + urllib.parse.urlencode(params)) if params else ""
    return http(server.url(path) + qs, headers={"Accept": accept} if accept else {})


def canonical_rows(result) -> list[tuple[str, ...]]:
    """Rows as sorted N-Triples-like strings, blank nodes made anonymous (their labels are per store)."""

    def term(t):
        if t is None:
            return "UNBOUND"
        if isinstance(t, BNode):
            return "_:b"
        return t.n3()

    return sorted(tuple(term(t) for t in row) for row in result.rows)


def assert_clean_error(status: int, headers: dict[str, str], body: bytes, expected: int) -> str:
    text = body.decode("utf-8")
    assert status == expected, text
    assert headers["content-type"].startswith("text/plain"), headers
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text
    return text


# ------------------------------------------------------------------ the catalogue through SPARQLWrapper


def test_sparqlwrapper_runs_every_named_query_with_the_cli_answers(server, graph, project):
    catalog = named.catalog(project)
    assert len(catalog) >= 10
    for q in catalog:
        # defaults where declared; a sample value of its type for a required parameter without one
        text = named.bind(q, {p.name: SAMPLE[p.type] for p in q.params if p.required and p.default is None})
        expected = graph.sparql(text)
        w = SPARQLWrapper(server.url("/sparql"))
        w.setQuery(text)
        w.setMethod(POST)
        if q.form in ("SELECT", "ASK"):
            w.setReturnFormat(JSON)
            got = parse_json_results(w.query().convert(), "test")
            assert got.variables == expected.variables or q.form == "ASK", q.name
            assert got.boolean == expected.boolean, q.name
            assert canonical_rows(got) == canonical_rows(expected), q.name
        else:
            w.setReturnFormat(TURTLE)
            g = Graph()
            g.parse(data=w.query().convert(), format="turtle")
            assert isomorphic(g, expected.graph), q.name


def test_endpoint_csv_is_byte_identical_to_the_cli(server, built):
    for name, params in (("001_treaty_status_on_date", {"state": "BLR"}), ("004_allegations", {})):
        args = [MINEKG, "query", name, "--format", "csv", "--data", str(built)]
        for k, v in params.items():
            args += ["--param", f"{k}={v}"]
        cli = subprocess.run(args, cwd=ROOT, capture_output=True, check=True).stdout
        status, headers, body = get(server, f"/api/queries/{name}", format="csv", **params)
        assert status == 200 and headers["content-type"].startswith("text/csv")
        assert body == cli, name
        assert len(list(csv.reader(io.StringIO(body.decode())))) > 1


def test_get_post_form_and_post_direct_agree(server):
    _, _, by_get = get(server, "/sparql", "application/sparql-results+json", query=SELECT_ALLEGATIONS)
    _, _, by_form = http(
        server.url("/sparql"),
        urllib.parse.urlencode({"query": SELECT_ALLEGATIONS}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
    )
    status, headers, direct = http(
        server.url("/sparql"), SELECT_ALLEGATIONS.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(by_get) == json.loads(by_form) == json.loads(direct)
    assert len(json.loads(direct)["results"]["bindings"]) >= 5


# ------------------------------------------------------------------ content negotiation


def test_select_in_every_format_read_by_independent_parsers(server):
    _, _, js = get(server, "/sparql", "application/sparql-results+json", query=SELECT_ALLEGATIONS)
    rows = json.loads(js)["results"]["bindings"]
    first = rows[0]["a"]["value"]

    status, headers, xml = get(server, "/sparql", "application/sparql-results+xml", query=SELECT_ALLEGATIONS)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    results = ET.fromstring(xml).findall("r:results/r:result", ns)
    assert len(results) == len(rows)
    assert results[0].find("r:binding[@name='a']/r:uri", ns).text == first

    status, headers, body = get(server, "/sparql", "text/csv", query=SELECT_ALLEGATIONS)
    assert headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode())))
    assert table[0] == ["a", "who", "accused"] and table[1][0] == first and len(table) == len(rows) + 1

    status, headers, body = get(server, "/sparql", "text/tab-separated-values", query=SELECT_ALLEGATIONS)
    assert headers["content-type"].startswith("text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?a\t?who\t?accused" and lines[1].split("\t")[0] == f"<{first}>"

    # q-values decide; ?format= overrides the Accept header
    _, headers, _ = get(server, "/sparql", "text/csv;q=0.5, application/sparql-results+xml", query=SELECT_ALLEGATIONS)
    assert headers["content-type"].startswith("application/sparql-results+xml")
    _, headers, _ = get(server, "/sparql", "text/csv", query=SELECT_ALLEGATIONS, format="tsv")
    assert headers["content-type"].startswith("text/tab-separated-values")
    _, headers, body = get(server, "/sparql", None, query="ASK { ?s ?p ?o }")
    assert headers["content-type"].startswith("application/sparql-results+json") and json.loads(body)["boolean"]


@pytest.mark.parametrize(
    "accept,rapper_syntax",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/rdf+xml", "rdfxml"),
    ],
)
def test_construct_formats_parse_with_rapper(server, accept, rapper_syntax, tmp_path):
    status, headers, body = get(server, "/sparql", accept, query=CONSTRUCT_BLR)
    assert status == 200 and headers["content-type"].startswith(accept)
    rapper = require_tool("rapper", "raptor2-utils: apt-get install raptor2-utils, as .ci/run does")
    path = tmp_path / "out"
    path.write_bytes(body)
    out = subprocess.run(
        [rapper, "-q", "-i", rapper_syntax, "-o", "ntriples", str(path), "http://example.org/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '<https://w3id.org/minekg/id/state/BLR> <http://www.w3.org/2000/01/rdf-schema#label> "Belarus"@en' in out


def test_construct_as_jsonld_expands_with_pyld(server):
    from pyld import jsonld

    status, headers, body = get(server, "/sparql", "application/ld+json", query=CONSTRUCT_BLR)
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    expanded = jsonld.expand(json.loads(body))
    node = next(n for n in expanded if n["@id"] == "https://w3id.org/minekg/id/state/BLR")
    assert {"@value": "Belarus", "@language": "en"} in node["http://www.w3.org/2000/01/rdf-schema#label"]


def test_service_description_at_the_endpoint_root(server):
    status, headers, body = get(server, "/sparql", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph()
    g.parse(data=body.decode(), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef(server.url("/sparql"))
    assert (service, URIRef(sd + "endpoint"), service) in g
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in g
    names = set(g.objects(None, URIRef(sd + "name")))
    assert URIRef("https://w3id.org/minekg/graph/document/armenia-2023") in names
    # a browser asking for the endpoint itself is sent to the workbench
    status, headers, _ = http(server.url("/sparql"), headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")


def test_no_cors_headers_by_default(server):
    # Without --cors-origin no other web origin may read the answers (tests/test_serve_release.py checks
    # the allow-list).
    status, headers, _ = http(
        server.url("/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})),
        headers={"Origin": "http://localhost:3000"},
    )
    assert status == 200 and "access-control-allow-origin" not in headers
    status, headers, _ = http(
        server.url("/sparql"),
        method="OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert "access-control-allow-origin" not in headers and "access-control-allow-methods" not in headers


# ------------------------------------------------------------------ read-only, refusals, bad input


def test_updates_are_refused_with_403(server):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for data, ctype in (
        (urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        (update.encode(), "application/sparql-update"),
        (
            urllib.parse.urlencode({"query": "PREFIX x: <urn:x:> " + update}).encode(),
            "application/x-www-form-urlencoded",
        ),
    ):
        text = assert_clean_error(*http(server.url("/sparql"), data, {"Content-Type": ctype}), 403)
        assert "read-only" in text
    _, _, body = get(server, "/sparql", query="ASK { <urn:a> <urn:b> <urn:c> }")
    assert json.loads(body)["boolean"] is False  # nothing was written


def test_graph_store_reads_and_refuses_writes(server):
    graph = "https://w3id.org/minekg/graph/document/belarus-2022"
    status, headers, body = get(server, "/graph-store", "application/n-triples", graph=graph)
    assert status == 200 and "<https://w3id.org/minekg/id/statement/belarus-2022-accession>" in body.decode()
    assert_clean_error(*get(server, "/graph-store", "text/turtle", graph=graph + "-nope"), 404)
    for method in ("PUT", "POST", "DELETE"):
        status, headers, body = http(
            server.url("/graph-store?default"),
            b"<urn:a> <urn:b> <urn:c> .",
            {"Content-Type": "application/n-triples"},
            method=method,
        )
        assert_clean_error(status, headers, body, 405)
        assert "GET" in headers["allow"] and "PUT" not in headers["allow"]
    status, headers, body = http(server.url("/sparql"), b"x", {"Content-Type": "text/turtle"}, method="PUT")
    assert_clean_error(status, headers, body, 405)


def test_bad_requests_get_clear_4xx_never_a_500(server):
    text = assert_clean_error(*get(server, "/sparql", query="SELEC * WHERE { ?s ?p ?o }"), 400)
    assert "syntax" in text.lower()
    assert_clean_error(*get(server, "/sparql", query="SELECT * WHERE { ?s ?p ?o"), 400)
    assert "unknown format" in assert_clean_error(*get(server, "/sparql", query="ASK {}", format="yaml"), 400)
    assert_clean_error(*get(server, "/sparql", "image/png", query="ASK {}"), 406)
    assert_clean_error(*get(server, "/sparql", "text/turtle", query=SELECT_ALLEGATIONS), 406)
    assert_clean_error(*get(server, "/sparql", "text/csv", query=CONSTRUCT_BLR), 406)
    assert_clean_error(*http(server.url("/sparql"), b"ASK {}", {"Content-Type": "text/plain"}), 415)
    assert_clean_error(*http(server.url("/sparql"), b"\xff\xfe", {"Content-Type": "application/sparql-query"}), 400)
    huge = b"query=" + b"ASK%7B%7D" + b"+" * 300_000
    assert_clean_error(*http(server.url("/sparql"), huge, {"Content-Type": "application/x-www-form-urlencoded"}), 413)
    assert_clean_error(*get(server, "/sparql", query="ASK {}" + " " * 150_000), 413)
    assert_clean_error(*get(server, "/sparql", query=""), 400)
    assert_clean_error(*http(server.url("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")), 400)
    assert_clean_error(*get(server, "/sparql", query="ASK {}", **{"default-graph-uri": "urn:g"}), 400)
    assert "SERVICE" in assert_clean_error(
        *get(server, "/sparql", query="SELECT * WHERE { SERVICE <http://127.0.0.1:1/s> { ?s ?p ?o } }"), 400
    )
    # a string that merely mentions a keyword is not refused
    status, _, _ = get(server, "/sparql", query='SELECT * WHERE { BIND("SERVICE INSERT" AS ?x) }')
    assert status == 200
    # named-query API: unknown query, bad parameter values, unknown parameter
    assert_clean_error(*get(server, "/api/queries/999_nope"), 404)
    assert "not a date" in assert_clean_error(*get(server, "/api/queries/001", date="31/12/2023"), 400)
    assert "ISO" in assert_clean_error(*get(server, "/api/queries/001", state="XXX"), 400)
    assert_clean_error(*get(server, "/api/queries/001", bogus="1"), 400)
    status, _, body = get(server, "/api/queries/001", state='BLR" } } DELETE { ?s ?p ?o } WHERE { ?s ?p ?o')
    assert status == 400


def test_named_query_parameters_are_bound_not_pasted(server):
    # A value built to break out of a string literal stays a string: the query runs and finds nothing.
    nasty = 'x" ) } UNION { ?s ?p ?o } #'
    status, _, body = get(server, "/api/search", q=nasty)
    assert status == 200 and json.loads(body) == []


# ------------------------------------------------------------------ limits


def test_runaway_queries_are_stopped_and_the_server_keeps_serving(limited):
    outcome: dict[str, tuple] = {}

    def hostile(name: str, query: str) -> None:
        outcome[name] = get(limited, "/sparql", query=query)

    threads = [
        threading.Thread(target=hostile, args=(n, q)) for n, q in (("cartesian", CARTESIAN), ("paths", DEEP_PATH))
    ]
    for t in threads:
        t.start()
    # while both workers are stuck, a normal query waits its turn and is answered once they are replaced
    status, _, body = get(limited, "/api/queries/003_unga_votes", state="ARM")
    for t in threads:
        t.join()
    for name in ("cartesian", "paths"):
        text = assert_clean_error(*outcome[name], 503)
        assert "time limit" in text
    assert status == 200 and "https://w3id.org/minekg/id/resolution/A-RES-77-63" in body.decode()
    for _ in range(3):  # the replaced workers answer too
        status, _, body = get(limited, "/sparql", query="ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True


def test_result_size_limit(limited):
    text = assert_clean_error(*get(limited, "/sparql", query="SELECT * WHERE { ?s ?p ?o }"), 422)
    assert "50 rows" in text
    status, _, body = get(limited, "/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 50")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50


def test_ctrl_c_stops_the_server_and_its_workers(built):
    s = ServeServer(built, "--workers", "2").start()
    workers = s.children()
    assert len(workers) >= 2 and all(alive(p) for p in workers)
    assert s.stop() == 0, s.output
    assert "minekg serve: http://127.0.0.1:" in s.output and "stopped" in s.output
    assert "Traceback" not in s.output
    # The workers are joined before the server exits; its other children (multiprocessing's resource
    # tracker, a pyLODE run it killed) end a moment after it: give them that moment, not forever.
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in workers)


def test_port_in_use_is_a_one_line_error(server, built):
    proc = subprocess.run(
        [MINEKG, "serve", "--port", str(server.port), "--data", str(built)], cwd=ROOT, capture_output=True, text=True,
        timeout=120
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("minekg: error: cannot listen on 127.0.0.1:")


# ------------------------------------------------------------------ fronting an existing triple store


def test_endpoint_backend_serves_the_same_answers(oxigraph_server, server):
    front = ServeServer(None, "--endpoint", oxigraph_server.query_url).start()
    try:
        for name in ("001_treaty_status_on_date", "004_allegations", "020_source_documents"):
            _, _, ours = get(server, f"/api/queries/{name}", "application/sparql-results+json")
            status, _, theirs = get(front, f"/api/queries/{name}", "application/sparql-results+json")
            assert status == 200
            assert canonical_rows(parse_json_results(json.loads(ours), "a")) == canonical_rows(
                parse_json_results(json.loads(theirs), "b")
            ), name
        status, _, body = get(front, "/page/state/AZE", "text/html")
        assert status == 200 and "Claims made by Azerbaijan" in body.decode()
        assert_clean_error(*get(front, "/sparql", query="SELEC nothing"), 400)
    finally:
        assert front.stop() == 0, front.output


def test_literal_terms_survive_the_round_trip(server):
    query = 'SELECT ?x ?y ?z WHERE { BIND("tab\\there"@en AS ?x) BIND(42 AS ?y) BIND("a\\"b" AS ?z) }'
    _, _, body = get(server, "/sparql", "application/sparql-results+json", query=query)
    row = parse_json_results(json.loads(body), "t").rows[0]
    assert row == [Literal("tab\there", lang="en"), Literal(42), Literal('a"b')]
