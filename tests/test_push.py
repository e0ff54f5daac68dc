"""`minekg push`: the built dataset into a real Oxigraph server through the Graph Store Protocol. A second
push replaces and never duplicates; minekg's stale graphs go, other graphs stay; the endpoint then answers
every named query as the embedded store does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from minekg.cli.root import main
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.graph import Graph
from minekg.query.stores import EndpointStore
from minekg.release.push import minekg_graphs, push, read_graphs, store_url_for

from .answers import canonical
from .oxigraph_server import OxigraphServer

ROOT = Path(__file__).resolve().parent.parent
COUNT = ('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } '
         'FILTER STRSTARTS(STR(?g), "https://w3id.org/minekg/graph/") }')  # minekg's graphs only
ONTOLOGY = "https://w3id.org/minekg/graph/ontology"
FOREIGN = "http://example.org/graph/someone-else"
STALE = "https://w3id.org/minekg/graph/document/withdrawn-source"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[OxigraphServer]:
    # Its own server: these tests change what the store holds.
    with OxigraphServer(tmp_path_factory.mktemp("push") / "store") as s:
        yield s


def quads_in(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def count(server: OxigraphServer) -> int:
    return int(EndpointStore(server.query_url).query(COUNT).rows[0][0])


def extra_dataset(tmp_path: Path) -> Path:
    path = tmp_path / "extra.nq"
    path.write_text(f'<http://example.org/a> <http://example.org/b> "theirs" <{FOREIGN}> .\n'
                    f'<http://example.org/a> <http://example.org/b> "stale" <{STALE}> .\n', encoding="utf-8")
    return path


def test_second_push_replaces_and_never_duplicates(server, built):
    first = push(built, server.store_url, endpoint=server.query_url)
    assert first.triples == quads_in(built) == count(server)
    second = push(built, server.store_url, endpoint=server.query_url)
    assert second.graphs == first.graphs
    assert count(server) == quads_in(built)


def test_stale_minekg_graphs_go_and_other_graphs_stay(server, built, tmp_path):
    push(extra_dataset(tmp_path), server.store_url)  # no endpoint: nothing is removed
    assert STALE in minekg_graphs(server.query_url)
    report = push(built, server.store_url, endpoint=server.query_url)
    assert report.removed == [STALE]
    assert STALE not in minekg_graphs(server.query_url)
    theirs = EndpointStore(server.query_url).query(f"ASK {{ GRAPH <{FOREIGN}> {{ ?s ?p ?o }} }}")
    assert theirs.boolean is True
    assert count(server) == quads_in(built)


def test_graph_filter_sends_only_the_chosen_graphs(server, built):
    only = read_graphs(built, {ONTOLOGY})
    assert list(only) == [ONTOLOGY]
    report = push(built, server.store_url, graphs=lambda g: g == ONTOLOGY, endpoint=server.query_url)
    assert list(report.graphs) == [ONTOLOGY]
    assert minekg_graphs(server.query_url) == [ONTOLOGY]  # the store holds exactly this push of minekg
    push(built, server.store_url, endpoint=server.query_url)
    assert len(minekg_graphs(server.query_url)) == len(read_graphs(built))


def test_named_queries_through_the_endpoint_equal_the_embedded_store(server, built):
    push(built, server.store_url, endpoint=server.query_url)
    project = Project(ROOT)
    embedded = Graph.open(path=built, project=project)
    remote = Graph.open(endpoint=server.query_url, project=project)
    for q in named.catalog(project):
        if q.extra.get("endpoint"):
            continue
        assert canonical(remote.query(q.name)) == canonical(embedded.query(q.name)), q.name


def test_push_command(server, built, tmp_path):
    root = tmp_path / "root"
    (root / "build").mkdir(parents=True)
    shutil.copy(built, root / "build" / "minekg.nq")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["push", "--endpoint", server.query_url], env={"MINEKG_ROOT": str(root)})
        assert result.exit_code == 0, result.stderr
    graphs = len(read_graphs(built))
    assert result.stdout == f"pushed {graphs} graphs, {quads_in(built)} triples to {server.store_url}\n"
    assert count(server) == quads_in(built)


def test_blank_nodes_shared_by_two_graphs_stay_one_node(server, tmp_path):
    # The build's derived graph annotates blank nodes of the document graphs (date intervals).
    path = tmp_path / "shared.nq"
    path.write_text('_:i <http://example.org/start> "2020" <https://w3id.org/minekg/graph/document/t> .\n'
                    '_:i <http://example.org/earliest> "2020-01-01" <https://w3id.org/minekg/graph/derived> .\n',
                    encoding="utf-8")
    for _ in range(2):
        push(path, server.store_url)
    rows = EndpointStore(server.query_url).query(
        "SELECT ?i WHERE { ?i <http://example.org/start> ?s ; <http://example.org/earliest> ?e }").rows
    assert len(rows) == 1


def test_graphs_without_shared_blank_nodes_are_put_one_by_one(server, tmp_path):
    path = extra_dataset(tmp_path)
    for _ in range(2):
        report = push(path, server.store_url)
    assert report.graphs == {FOREIGN: 1, STALE: 1}
    theirs = EndpointStore(server.query_url).query(f"SELECT ?o WHERE {{ GRAPH <{FOREIGN}> {{ ?s ?p ?o }} }}")
    assert [str(r[0]) for r in theirs.rows] == ["theirs"]


def test_store_url_is_derived_only_from_a_query_endpoint():
    assert store_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    with pytest.raises(MinekgError, match="give --store-url"):
        store_url_for("http://example.org/sparql")


def test_not_nquads(tmp_path, server):
    bad = tmp_path / "bad.nq"
    bad.write_text("this is not N-Quads\n", encoding="utf-8")
    with pytest.raises(MinekgError, match=r"bad\.nq: not valid N-Quads"):
        push(bad, server.store_url)


def _many(path: Path, quads: int, shared: bool) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(quads):
            f.write(f'<http://example.org/s{i}> <http://example.org/p> "value number {i}" '
                    f"<https://w3id.org/minekg/graph/document/d{i % 50}> .\n")
        if shared:
            f.write('_:b <http://example.org/p> "x" <https://w3id.org/minekg/graph/document/d1> .\n'
                    '_:b <http://example.org/q> "y" <https://w3id.org/minekg/graph/derived> .\n')
    return path


@pytest.mark.parametrize("shared", [True, False])
def test_push_streams_instead_of_holding_the_dataset(server, tmp_path, shared):
    """Memory does not grow with the dataset (issue 20: 10^7 triples, 2 GB of N-Quads): 100,000 quads go
    out with a few MB of Python objects at most. Holding them, as push once did, took 37 MB here."""
    import tracemalloc

    path = _many(tmp_path / "many.nq", 100_000, shared)
    tracemalloc.start()
    try:
        report = push(path, server.store_url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.triples == quads_in(path)
    assert len(report.graphs) == (51 if shared else 50)
    assert peak < 8_000_000, f"{peak / 1e6:.1f} MB of Python objects at the peak"
    n = EndpointStore(server.query_url).query(
        'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } '
        'FILTER STRSTARTS(STR(?g), "https://w3id.org/minekg/graph/document/d") }').rows[0][0]
    assert int(n) == 100_000 + shared
