"""Session fixtures around real servers holding the built dataset: `oxigraph serve` and `minekg serve` (a
pytest plugin, loaded by tests/conftest.py through pytest_plugins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from minekg.query.graph import Graph
from minekg.query.stores import EndpointStore
from minekg.release.push import push

from .oxigraph_server import OxigraphServer
from .serve_server import ServeServer


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory, built) -> Iterator[OxigraphServer]:
    """An Oxigraph server on 127.0.0.1 with the freshly built dataset pushed into it; stopped at the end."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store")
    server.start()
    try:
        push(built, server.store_url, endpoint=server.query_url)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def endpoint_graph(oxigraph_server, project) -> Graph:
    """The built graph through the server's SPARQL endpoint, via SPARQLWrapper."""
    return Graph(EndpointStore(oxigraph_server.query_url, oxigraph_server.update_url, timeout=60), project)


@pytest.fixture(scope="session")
def server(built) -> Iterator[ServeServer]:
    """`minekg serve` with its defaults, shared by the protocol and browser tests; it must stop cleanly.
    Its time limit is raised from 10 s to 120 s: on a loaded machine (the tests run in parallel) reading the
    whole dataset can pass 10 s, and what these tests check must not depend on load. The limit itself is
    tested on servers of its own (tests/test_serve_protocol.py's `limited`)."""
    s = ServeServer(built, "--timeout", "120").start()
    yield s
    assert s.stop() == 0, s.output
