"""`minekg serve` under load and faults, with real clients on loopback against a real server process.

Fair shares (429 with Retry-After at once; pages answered while one client's free queries fill its share),
the answer byte limit, slow and oversized requests (408, 413 before the body is read), a worker killed or
impossible to restart (reported as what happened; /health tells; the pool heals), and client
disconnects logged in one line. The servers have tight limits so each case is reached in seconds; the
load figures themselves are in bench/serve_load.py, not here.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from .serve_server import ServeServer, alive
from .test_serve_protocol import CARTESIAN, assert_clean_error, get

# Queries run until the servers' 20 s time limit, and the slow-client cut-offs are waited out.
pytestmark = [pytest.mark.server, pytest.mark.slow]

SLOW_S = 20  # the time limit of the limits server: a cartesian product runs until then
WAIT_S = 90.0  # bound of every polling loop below (never reached when things work)


@pytest.fixture(scope="module")
def tight(built):
    """Three workers (one reserved for pages and named queries), two free queries per client, no queue,
    400 kB answers (pages and the ontology fit), 2 s for headers and 3 s for a body, no answer cache."""
    s = ServeServer(
        built,
        *("--workers", "3", "--reserved-workers", "1", "--per-client", "2", "--queue", "0"),
        *("--timeout", str(SLOW_S), "--cache-mb", "0", "--max-answer-bytes", "400000"),
        *("--header-timeout", "2", "--body-timeout", "3"),
    ).start()
    yield s
    assert s.stop() == 0, s.output


def request(server: ServeServer, path: str, source: str = "127.0.0.1", **params: str):
    """GET from a chosen loopback address (every 127.x.y.z is this machine): a different client."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120, source_address=(source, 0))
    try:
        conn.request("GET", path + ("?" + urllib.parse.urlencode(params) if params else ""))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def health(server: ServeServer) -> tuple[int, str]:
    status, _, body = request(server, "/health")
    return status, body.decode()


def wait_for_health(server: ServeServer, predicate) -> tuple[int, str]:
    deadline = time.monotonic() + WAIT_S
    seen = health(server)
    while not predicate(*seen) and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = health(server)
    assert predicate(*seen), seen
    return seen


def slow_queries(server: ServeServer, count: int, source: str = "127.0.0.1") -> tuple[list, list[threading.Thread]]:
    """`count` cartesian products from one client, left running (they end at the time limit with 503);
    returns once the server reports them on its workers."""
    # the server's own start-up query (the ontology, for its documentation) must not be taken for one of ours
    wait_for_health(server, lambda status, text: ", 0 busy, 0 waiting" in text)
    outcomes: list = []
    threads = [
        threading.Thread(
            target=lambda i=i: outcomes.append(request(server, "/sparql", source, query=f"{CARTESIAN} # {i}"))
        )
        for i in range(count)
    ]
    for t in threads:
        t.start()
    wait_for_health(server, lambda status, text: f", {count} busy" in text)
    return outcomes, threads


def worker_pids(server: ServeServer) -> list[int]:
    """The query workers among the server's children (multiprocessing's resource tracker is not one)."""
    return [p for p in server.children() if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


# ------------------------------------------------------------------ fair shares


def test_a_client_over_its_share_gets_429_with_retry_after_at_once(tight):
    outcomes, threads = slow_queries(tight, 2)
    text = assert_clean_error(*request(tight, "/sparql", query="ASK { ?s ?p ?o }"), 429)
    assert "2 queries running" in text
    # answered while the client's own queries still run: it did not wait for a worker
    assert all(t.is_alive() for t in threads)
    status, headers, _ = request(tight, "/sparql", query="ASK { ?s ?p ?o }")
    assert status == 429 and headers["retry-after"] == str(SLOW_S)
    # another client finds no worker free for free queries and no room to wait: refused at once too
    status, headers, body = request(tight, "/sparql", "127.0.0.3", query="ASK { ?s ?p ?o }")
    assert status == 429 and headers["retry-after"] == str(SLOW_S) and b"0 queries are waiting" in body
    assert all(t.is_alive() for t in threads)
    for t in threads:
        t.join()
    assert [o[0] for o in outcomes] == [503, 503]
    wait_for_health(tight, lambda status, text: text.startswith("ok: 3 of 3 query workers running, 0 busy"))
    status, _, body = request(tight, "/sparql", query="ASK { ?s ?p ?o }")  # its share is free again
    assert status == 200 and json.loads(body)["boolean"] is True


def test_pages_and_named_queries_are_answered_while_a_client_fills_its_share(tight):
    outcomes, threads = slow_queries(tight, 2)
    status, _, body = request(tight, "/page/state/BLR")
    assert status == 200 and "Belarus" in body.decode()
    status, _, body = request(tight, "/api/queries/003_unga_votes", state="ARM")
    assert status == 200 and "https://w3id.org/minekg/id/resolution/A-RES-77-63" in body.decode()
    status, _, body = request(tight, "/id/state/AZE")
    assert status == 303
    assert all(t.is_alive() for t in threads)  # the free queries were still holding their workers
    for t in threads:
        t.join()
    assert [o[0] for o in outcomes] == [503, 503]
    wait_for_health(tight, lambda status, text: text.startswith("ok: 3 of 3 query workers running, 0 busy"))


# ------------------------------------------------------------------ answer size


def test_an_answer_over_the_byte_limit_is_refused_in_one_line(tight):
    # 2,000 rows (under the row limit) of JSON: about 750 kB
    text = assert_clean_error(*get(tight, "/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 2000"), 422)
    assert "limit of 400000 bytes" in text
    status, _, body = get(tight, "/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5000"
    refused = get(tight, "/sparql", "application/n-triples", query=construct)
    assert "limit of 400000 bytes" in assert_clean_error(*refused, 422)


# ------------------------------------------------------------------ slow and oversized requests


def raw(server: ServeServer, head: bytes, timeout: float = WAIT_S) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    s.sendall(head)
    return s


# a query body of 100 declared bytes of which 3 are sent
STALLED_POST = (
    b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 100\r\n\r\nASK"
)


def read_all(s: socket.socket) -> bytes:
    chunks = []
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_declared_body_over_the_limit_gets_413_before_it_is_sent(tight):
    s = raw(
        tight,
        b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 10000000\r\n\r\n",
    )
    with s:
        response = http.client.HTTPResponse(s)  # nothing of the body was sent: the answer did not wait for it
        response.begin()
        body = response.read()
    assert response.status == 413, body
    assert body == b"the request body is larger than the server's limit of 100000 bytes\n"


def test_slowloris_headers_are_cut_off_with_408(tight):
    s = raw(tight, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: ")
    with s:
        for _ in range(int(WAIT_S / 0.25)):  # one header byte each quarter second, until the server answers
            readable, _, _ = select.select([s], [], [], 0.25)
            if readable:
                break
            s.sendall(b"a")
        received = read_all(s)
    assert received.startswith(b"HTTP/1.1 408 "), received
    assert received.endswith(b"the request headers did not arrive within 2 s\n")


def test_a_body_sent_too_slowly_gets_408_and_the_connection_is_closed(tight):
    s = raw(tight, STALLED_POST)
    with s:
        answer = read_all(s)  # the rest of the body never comes; the server ends the exchange
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert answer.endswith(b"the request body did not arrive within 3 s\n")


def test_a_client_that_goes_away_is_logged_in_one_line(tight):
    s = raw(tight, STALLED_POST)
    s.close()
    deadline = time.monotonic() + WAIT_S
    while "disconnected during POST /sparql" not in tight.read_output() and time.monotonic() < deadline:
        time.sleep(0.1)
    output = tight.read_output()
    assert "127.0.0.1 disconnected during POST /sparql" in output
    assert "Traceback" not in output


def test_a_malformed_percent_escape_in_a_page_path_is_404(tight):
    text = assert_clean_error(*get(tight, "/page/state/%ZZ", "text/plain"), 404)
    assert "not an IRI" in text
    assert_clean_error(*get(tight, "/data/state/%G1.ttl", "text/plain"), 404)
    status, _, _ = get(tight, "/page/state/BLR", "text/html")
    assert status == 200


# ------------------------------------------------------------------ a worker killed; the pool heals


@pytest.fixture()
def fragile(built, tmp_path):
    """One worker over a copy of the data, in a build/ folder the test may move away."""
    data = tmp_path / "build" / "minekg.nq"
    data.parent.mkdir()
    shutil.copyfile(built, data)
    s = ServeServer(data, "--workers", "1", "--timeout", str(SLOW_S), "--cache-mb", "0").start()
    yield s, data.parent
    assert s.stop() == 0, s.output
    assert "Traceback" not in s.output


def test_a_killed_worker_is_reported_as_killed_not_as_out_of_memory(fragile):
    server, _ = fragile
    outcomes, threads = slow_queries(server, 1)
    (pid,) = worker_pids(server)
    os.kill(pid, signal.SIGTERM)
    threads[0].join()
    text = assert_clean_error(*outcomes[0], 503)
    assert "killed by SIGTERM" in text and "memory" not in text
    wait_for_health(server, lambda status, text: status == 200 and text.startswith("ok: 1 of 1"))
    status, _, _ = request(server, "/sparql", query="ASK { ?s ?p ?o }")
    assert status == 200


def test_the_pool_heals_once_its_data_is_back(fragile):
    server, build = fragile
    away = build.with_name("build-away")
    (pid,) = worker_pids(server)
    build.rename(away)
    os.kill(pid, signal.SIGKILL)
    status, text = wait_for_health(server, lambda status, text: "file not found" in text)
    assert status == 503 and text.startswith("unavailable: 0 of 1 query workers running")
    text = assert_clean_error(*request(server, "/sparql", query="ASK { ?s ?p ?o }"), 503)
    assert "no query worker is running" in text and "file not found" in text
    assert not alive(pid)
    away.rename(build)
    wait_for_health(server, lambda status, text: status == 200 and text.startswith("ok: 1 of 1"))
    status, _, body = request(server, "/sparql", query="ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = request(server, "/page/state/BLR")
    assert status == 200 and "Belarus" in body.decode()
