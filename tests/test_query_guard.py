"""The query guard (issue 18): no query makes minekg connect anywhere, over-deep queries are refused before
any parser, FROM is honoured alike on every backend, one-line SPARQL runs, bad input is one line.

The SSRF tests start a tiny HTTP listener on 127.0.0.1 and send SERVICE queries aimed at it to a real
`minekg serve` and to the CLI: the listener must see no connection at all. A positive control (the CLI
with --allow-service, a worker with its isolation off) shows the listener does see one when a query
gets through, so a zero is meaningful.
"""

from __future__ import annotations

import http.server
import json
import multiprocessing
import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from minekg.cli.root import main
from minekg.errors import MinekgError
from minekg.query import catalogue as named
from minekg.query import guard
from minekg.server import worker

from .serve_server import MINEKG, ROOT, ServeServer

GRAPH = "https://w3id.org/minekg/graph/"
EMPTY_RESULTS = b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[]}}'


class Listener:
    """An HTTP server on 127.0.0.1 that counts the connections it accepts and answers every request with
    empty SPARQL JSON results (so an engine that reaches it finishes its query)."""

    def __init__(self) -> None:
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
                self.end_headers()
                self.wfile.write(EMPTY_RESULTS)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:
                listener.connections += 1
                return True

        self.connections = 0
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


def ssrf_queries(url: str) -> list[str]:
    return [
        # the audit's bypass: a legal escaped `\#` in a prefixed name read as a comment by the old regex
        f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ex:a\\# ?o . SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?s ?p ?o . service silent <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
    ]


def run_cli(*args: str):
    return CliRunner().invoke(main, ["query", *args], env={"MINEKG_ROOT": str(ROOT)})


def assert_one_line_error(result, contains: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minekg: error: "), result.stderr
    assert contains in lines[0], lines[0]
    return lines[0]


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def sparql_get(server, text: str, fmt: str = "json") -> tuple[int, str]:
    return http_get(server.url("/sparql") + "?" + urllib.parse.urlencode({"query": text, "format": fmt}))


# ------------------------------------------------------------------ item 1: SERVICE, no outgoing connection


def test_server_refuses_service_and_never_connects(server, listener):
    for text in ssrf_queries(listener.url):
        status, body = sparql_get(server, text)
        assert status == 400, (text, body)
        assert len(body.strip().splitlines()) == 1 and "SERVICE" in body, body
        assert "--allow-service" not in body  # the server never allows it, whatever the command line can do
    assert listener.connections == 0


def test_server_fronting_an_endpoint_refuses_service(oxigraph_server, listener):
    # With --endpoint there is no worker: the server parses in a thread, and the store behind it (which
    # would run SERVICE itself) never sees the query.
    front = ServeServer(None, "--endpoint", oxigraph_server.query_url).start()
    try:
        for text in ssrf_queries(listener.url):
            status, body = sparql_get(front, text)
            assert status == 400 and "SERVICE" in body, (text, body)
        status, body = sparql_get(front, "PREFIX x: <urn:x:> INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        assert status == 403 and "read-only" in body, body
        assert sparql_get(front, ONE_LINE)[0] == 200
    finally:
        assert front.stop() == 0, front.output
    assert listener.connections == 0


def test_cli_refuses_service_and_never_connects(built, listener):
    for store in ("oxigraph", "memory"):
        for text in ssrf_queries(listener.url):
            result = run_cli("--sparql", text, "--data", str(built), "--store", store)
            assert "--allow-service" in assert_one_line_error(result, "SERVICE")
    assert listener.connections == 0


def test_cli_refuses_service_in_a_query_file(built, listener, tmp_path):
    path = tmp_path / "federated.rq"
    path.write_text(ssrf_queries(listener.url)[0] + "\n", encoding="utf-8")
    line = assert_one_line_error(run_cli("--file", str(path), "--data", str(built)), "SERVICE")
    assert str(path) in line
    assert listener.connections == 0


def test_cli_allow_service_lets_the_user_federate(built, listener):
    # The positive control: the option lets the query through and the listener sees the engine call it.
    text = ssrf_queries(listener.url)[1]
    result = run_cli("--sparql", text, "--data", str(built), "--allow-service", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert listener.connections >= 1


def _worker_reply(nquads: Path, text: str, isolate: bool) -> worker.Reply:
    """Start a query worker as the server's pool does (a spawned process, a pipe) and send it a query
    directly, past the guard: what the worker itself can do."""
    ctx = multiprocessing.get_context("spawn")
    conn, child = ctx.Pipe()
    process = ctx.Process(target=worker.main, args=(child, str(nquads), 0), kwargs={"isolate": isolate}, daemon=True)
    process.start()
    child.close()
    try:
        assert conn.poll(120) and conn.recv_bytes() == b"ready"
        conn.send(worker.Request(text, "application/sparql-results+json", None, 1000))
        assert conn.poll(60)
        return conn.recv()
    finally:
        conn.send(None)
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def _platform_can_isolate() -> bool:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(worker.cut_network) is None


def test_query_worker_cannot_open_connections(built, listener):
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    # Control: without its isolation a worker does reach the listener.
    assert _worker_reply(built, text, isolate=False).status == 200
    reached = listener.connections
    assert reached >= 1
    reply = _worker_reply(built, text, isolate=True)
    if _platform_can_isolate():
        assert reply.status == 400, reply.body  # the engine could not connect: an error, not an answer
        assert listener.connections == reached
    else:  # the guard still refuses (the tests above); the worker said why it could not cut the network
        assert reply.status == 200
    # and the guard refuses the same text, whatever the platform
    with pytest.raises(guard.QueryRefused, match="SERVICE"):
        guard.inspect(text)


def test_server_query_workers_run_in_their_own_network_namespace(server):
    # the server's children are its query workers (spawned) and multiprocessing's resource tracker
    workers = [pid for pid in server.children() if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
    assert workers, "the server has no query workers"
    own = os.readlink(f"/proc/{server.proc.pid}/ns/net")
    if _platform_can_isolate():
        assert all(os.readlink(f"/proc/{pid}/ns/net") != own for pid in workers)
    else:
        assert "keeps network access" in server.read_output()


# ------------------------------------------------------------------ item 6: deep nesting


def deep(levels: int) -> str:
    return "SELECT (COUNT(*) AS ?n) WHERE " + "{" * levels + " ?s ?p ?o " + "}" * levels


def test_cli_refuses_deep_nesting_in_one_line(built):
    # A subprocess, as a user runs it: before the guard, Oxigraph's parser overflowed and the process
    # died of SIGSEGV (exit 139) with nothing said.
    for store in ("oxigraph", "memory"):
        done = subprocess.run([MINEKG, "query", "--sparql", deep(3000), "--data", str(built), "--store", store],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 2, (done.returncode, done.stderr[-500:])
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and f"deeper than {guard.MAX_DEPTH}" in lines[0], done.stderr[-500:]


def test_python_api_refuses_deep_nesting(graph, memory_graph):
    # the stores check too, so a program using the library gets an error, not a dead process
    for g in (graph, memory_graph):
        with pytest.raises(guard.QueryRefused, match=f"deeper than {guard.MAX_DEPTH}"):
            g.sparql(deep(3000))


def test_nesting_up_to_the_limit_runs(built):
    result = run_cli("--sparql", deep(guard.MAX_DEPTH), "--data", str(built), "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = sum(1 for line in built.read_text(encoding="utf-8").splitlines() if line.strip())
    assert result.stdout.splitlines() == ["n", str(lines)]


def test_server_refuses_deep_nesting_and_keeps_serving(server):
    status, body = sparql_get(server, deep(3000))
    assert status == 400 and f"deeper than {guard.MAX_DEPTH}" in body, body
    assert len(body.strip().splitlines()) == 1
    assert sparql_get(server, "ASK {}")[0] == 200


def test_depth_scan_ignores_brackets_in_strings_iris_and_comments():
    text = 'SELECT * WHERE { BIND("{{{((([[[" AS ?x) # }}}}}\n FILTER(?x != <http://e/((([[[>) }'
    assert guard.scan(text).depth == 2
    # an escaped `\#` in a prefixed name is part of the name, not a comment that would hide a bracket
    assert guard.scan("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\# { ?o } }").depth == 2


# ------------------------------------------------------------------ item 8: FROM on every backend


def graph_sizes(built: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for line in built.read_text(encoding="utf-8").splitlines():
        graph = line.rstrip(" .").rpartition(" ")[2]
        sizes[graph.strip("<>")] = sizes.get(graph.strip("<>"), 0) + 1
    return sizes


@pytest.fixture(scope="module")
def backends(graph, memory_graph, endpoint_graph) -> dict:
    return {"oxigraph": graph, "memory": memory_graph, "endpoint": endpoint_graph}


@pytest.mark.parametrize("backend", ["oxigraph", "memory", "endpoint"])
def test_from_is_honoured_alike_on_every_backend(backends, backend, built):
    g, sizes = backends[backend], graph_sizes(built)
    count = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s ?p ?o }}"
    assert int(g.sparql(count.format(GRAPH + "reference")).rows[0][0]) == sizes[GRAPH + "reference"]
    assert int(g.sparql(count.format(GRAPH + "no-such-graph")).rows[0][0]) == 0  # unknown: an empty graph
    # a prefixed name, two FROMs merged
    two = ("PREFIX g: <" + GRAPH + "> SELECT (COUNT(*) AS ?n) FROM g:reference FROM g:ontology "
           "WHERE { ?s ?p ?o }")
    assert int(g.sparql(two).rows[0][0]) == sizes[GRAPH + "reference"] + sizes[GRAPH + "ontology"]
    named_only = (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{GRAPH}reference> FROM NAMED <{GRAPH}no-such-graph> "
                  "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    rows = [(str(a), int(b)) for a, b in g.sparql(named_only).rows]
    assert rows == [(GRAPH + "reference", sizes[GRAPH + "reference"])]
    # FROM NAMED alone leaves the default graph empty; FROM alone leaves no named graph
    assert int(g.sparql(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}reference> WHERE {{ ?s ?p ?o }}").rows[0][0]) == 0
    in_graphs = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}reference> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert int(g.sparql(in_graphs).rows[0][0]) == 0
    # without FROM, still the union of all graphs
    assert int(g.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]) == sum(sizes.values())


def test_server_honours_from(server, built):
    status, body = sparql_get(server, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}reference> WHERE {{ ?s ?p ?o }}")
    assert status == 200, body
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == graph_sizes(built)[GRAPH + "reference"]


# ------------------------------------------------------------------ item 9: one-line SPARQL


ONE_LINE = ("PREFIX mk: <https://w3id.org/minekg/ontology#> PREFIX st: <https://w3id.org/minekg/id/state/> "
            "SELECT ?code WHERE { st:ARM mk:isoAlpha3 ?code }")


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_one_line_sparql_runs(built, store, tmp_path):
    result = run_cli("--sparql", ONE_LINE, "--data", str(built), "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["code", "ARM"]
    path = tmp_path / "one.rq"
    path.write_text(ONE_LINE, encoding="utf-8")
    result = run_cli("--file", str(path), "--data", str(built), "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["code", "ARM"]


def test_one_line_sparql_runs_on_an_endpoint(oxigraph_server):
    for text in (ONE_LINE, ONE_LINE.replace("SELECT ?code WHERE", "CONSTRUCT { st:ARM mk:isoAlpha3 ?code } WHERE")):
        result = run_cli("--sparql", text, "--endpoint", oxigraph_server.query_url, "--format",
                         "csv" if "SELECT" in text else "ntriples")
        assert result.exit_code == 0, result.output
        assert "ARM" in result.stdout


def test_form_is_read_from_the_grammar():
    assert named.query_form(ONE_LINE) == "SELECT"
    assert named.query_form("prefix a: <urn:a:> # a comment\nbase <http://e/> construct {} where {}") == "CONSTRUCT"
    assert named.query_form("#+ summary: x\nASK {}") == "ASK"
    with pytest.raises(MinekgError, match="cannot tell its form"):
        named.query_form("PREFIX a: <urn:a:> INSERT DATA {}")


# ------------------------------------------------------------------ item 16: one-line errors on the query side


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_truncated_dataset_is_a_one_line_error_naming_the_file(built, store, tmp_path):
    data = built.read_bytes()
    truncated = tmp_path / "minekg.nq"
    truncated.write_bytes(data[: len(data) // 3])
    line = assert_one_line_error(run_cli("001", "--data", str(truncated), "--store", store), "not valid N-Quads")
    assert line.startswith(f"minekg: error: {truncated}"), line


def test_param_given_twice_is_refused(built):
    result = run_cli("001", "--param", "date=2003-12-31", "--param", "date=2004-01-01", "--data", str(built))
    assert_one_line_error(result, "parameter date: given more than once")
