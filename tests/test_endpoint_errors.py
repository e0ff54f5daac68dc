"""An endpoint that fails gives one clear line naming it, exit 2: connection refused on a closed port, an
HTTP error, a timeout, a malformed response. The failing endpoints are real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from minekg.cli.root import main
from minekg.errors import MinekgError
from minekg.query.stores import EndpointStore
from minekg.release.push import push

from .oxigraph_server import free_port

SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"

# What each path of the tiny server answers: (status, content type, body, seconds to wait first).
BEHAVIOUR = {
    "/error": (500, "text/plain", b"internal failure", 0),
    "/forbidden": (403, "text/plain", b"no", 0),
    "/slow": (200, "application/sparql-results+json", b'{"head": {"vars": []}, "results": {"bindings": []}}', 3),
    "/garbled": (200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": ', 0),
    "/wrong-shape": (200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "rows": []}', 0),
    "/html": (200, "text/html", b"<html><body>Welcome</body></html>", 0),
    "/bad-turtle": (200, "text/turtle", b"<a> <b> this is not turtle", 0),
    "/bad-query": (400, "text/plain", b"\n  Parse error on line 1: unexpected SELEC\nat offset 0\n", 0),
    "/ok": (200, "application/sparql-results+json", b'{"head": {"vars": []}, "results": {"bindings": []}}', 0),
}


class Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.bodies.append(body)  # type: ignore[attr-defined]
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization")))  # type: ignore[attr-defined]
        status, ctype, body, wait = BEHAVIOUR.get(self.path.split("?")[0], (404, "text/plain", b"?", 0))
        time.sleep(wait)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout test wants

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


class Tiny(str):
    """The server's base URL, carrying the requests it has seen (method, path, Authorization header)."""

    seen: list
    bodies: list


@pytest.fixture(scope="module")
def tiny() -> Iterator[Tiny]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.seen = []  # type: ignore[attr-defined]
    server.bodies = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = Tiny(f"http://127.0.0.1:{server.server_address[1]}")
    url.seen = server.seen  # type: ignore[attr-defined]
    url.bodies = server.bodies  # type: ignore[attr-defined]
    yield url
    server.shutdown()
    server.server_close()


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def assert_endpoint_error(result, url: str, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"minekg: error: endpoint {url}: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_connection_refused_on_a_closed_port():
    url = f"http://127.0.0.1:{free_port()}/query"
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT), url, "connect")


def test_http_500(tiny):
    url = tiny + "/error"
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT), url, "500")


def test_http_403(tiny):
    url = tiny + "/forbidden"
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT), url, "403")


@pytest.mark.parametrize("path,words", [
    ("/bad-query", ("HTTP 400", "Parse error on line 1: unexpected SELEC")),
    ("/error", ("HTTP 500", "internal failure")),
    ("/forbidden", ("HTTP 403", ": no")),
])
def test_the_endpoints_own_message_is_kept_on_one_line(tiny, path, words):
    # What the store says is wrong (its first line) is what the user needs to fix the query.
    url = tiny + path
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT), url, *words)


def test_timeout(tiny):
    url = tiny + "/slow"
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT, "--timeout", "1"), url, "timed out")


@pytest.mark.parametrize("path", ["/garbled", "/wrong-shape", "/html"])
def test_malformed_results(tiny, path):
    url = tiny + path
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", SELECT), url, "malformed response")


def test_malformed_graph(tiny):
    url = tiny + "/bad-turtle"
    assert_endpoint_error(cli("query", "--endpoint", url, "--sparql", CONSTRUCT), url, "malformed response")


def test_not_an_http_url():
    assert_endpoint_error(cli("query", "--endpoint", "ftp://example.org/q", "--sparql", SELECT),
                          "ftp://example.org/q", "not an http(s) URL")


def test_push_errors_name_the_store(tiny, built):
    closed = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(MinekgError, match=rf"^endpoint {closed}: cannot connect"):
        push(built, closed)
    assert_endpoint_error(cli("push", "--store-url", tiny + "/error", "--nquads", str(built)), tiny + "/error",
                          "HTTP 500")


def test_push_needs_a_target():
    result = cli("push")
    assert result.exit_code == 2 and result.stderr.startswith("minekg: error: push needs --endpoint")


def test_credentials_come_from_the_environment_only(tiny, built):
    env = {"MINEKG_ENDPOINT_USER": "analyst", "MINEKG_ENDPOINT_PASSWORD": "s3cret"}
    expected = "Basic " + base64.b64encode(b"analyst:s3cret").decode()
    assert cli("query", "--endpoint", tiny + "/ok", "--sparql", SELECT, env=env).exit_code == 0
    assert cli("push", "--store-url", tiny + "/ok", "--nquads", str(built), env=env).exit_code == 0
    server_seen = [s for s in tiny.seen if s[1].startswith("/ok")]
    assert server_seen and all(auth == expected for _, _, auth in server_seen)
    # the query (POST), and the push: the built graphs share blank nodes, so DELETE each, then one POST
    assert {method for method, _, _ in server_seen} == {"POST", "DELETE"}
    # There is no option to pass a password on the command line.
    assert cli("query", "--endpoint", tiny + "/ok", "--password", "x", "--sparql", SELECT).exit_code == 2


def test_endpoint_store_error_is_a_minekg_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(MinekgError) as info:
        EndpointStore(url, timeout=2).query(SELECT)
    assert info.value.code == 2 and str(info.value).startswith(f"endpoint {url}:")


def test_a_header_with_update_words_is_sent_as_a_query(tiny):
    # SPARQLWrapper guessed the form from the text and skipped every other comment line, so a query whose
    # header says "removed" or "moved" went out as an update (update=...), which stores refuse.
    text = "#+ summary: what was added,\n#+ removed\n#+ or moved\n#+ between editions\n" + SELECT
    EndpointStore(tiny + "/ok").query(text)
    assert tiny.bodies[-1].startswith(b"query="), tiny.bodies[-1][:40]
